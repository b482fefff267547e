"""Sessions end for good: signing out ends that browser's session, and a password
change, a deactivation or "Sign out everywhere" ends every session of the user. A
copy of the cookies taken before then (the session cookie, the remember cookie, or
both) signs nobody in afterwards."""

from datetime import UTC, timedelta

import pytest
from sqlalchemy import select

from app.auth.operations import user_of_session
from app.clock import utcnow
from app.models import UserSession

PASSWORD = "correct-horse-battery"  # the password of every user make_user makes
NEW_PASSWORD = "a-fresh-start-password"
COOKIES = ("session", "remember_token")


def visit(browser, path="/roadmap"):
    return browser.get(path)


def signed_in(browser) -> bool:
    response = visit(browser)
    if response.status_code == 200:
        return True
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    return False


def post(browser, path, data=None):
    return browser.post(path, data=data or {})


@pytest.fixture
def browser(app):
    """`browser(user, password=PASSWORD)`: a new test client signed in as `user`
    through the form, with "Keep me signed in"."""

    def sign_in(user, password=PASSWORD):
        client = app.test_client()
        response = post(
            client, "/login", {"email": user.email, "password": password, "remember": "y"}
        )
        assert response.status_code == 302
        assert client.get_cookie("remember_token") is not None
        return client

    return sign_in


@pytest.fixture
def copy_of(app):
    """`copy_of(client, names)`: a new client holding copies of `client`'s cookies."""

    def copy(client, names=COOKIES):
        twin = app.test_client()
        for name in names:
            twin.set_cookie(name, client.get_cookie(name).value)
        return twin

    return copy


@pytest.fixture
def people(db, make_user):
    """Ana (a planner) and Ben (a viewer), kept through refused requests."""
    ana = make_user("planner", email="ana@example.com")
    ben = make_user("viewer", email="ben@example.com")
    return ana, ben


@pytest.mark.parametrize("names", [COOKIES, ("session",), ("remember_token",)])
def test_cookies_copied_before_signing_out_no_longer_sign_in(browser, copy_of, people, names):
    ana, _ben = people
    client = browser(ana)
    copies = copy_of(client, names)
    assert signed_in(copies)

    assert post(client, "/logout").status_code == 302
    assert not signed_in(client)
    assert not signed_in(copies)


def test_signing_out_ends_only_that_browsers_session(browser, people):
    ana, _ben = people
    laptop, phone = browser(ana), browser(ana)
    post(laptop, "/logout")
    assert not signed_in(laptop)
    assert signed_in(phone)


def test_an_admin_changing_the_password_ends_every_session_of_that_user(
    db, browser, copy_of, people, make_user
):
    ana, ben = people
    admin = make_user("admin", email="root@example.com")
    laptop, phone, bens, admins = browser(ana), browser(ana), browser(ben), browser(admin)
    copies = copy_of(laptop)

    response = post(
        admins,
        f"/admin/users/{ana.id}",
        {"name": ana.name, "role": ana.role, "password": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert [signed_in(b) for b in (laptop, phone, copies)] == [False, False, False]
    assert signed_in(bens)
    assert signed_in(admins)
    assert signed_in(browser(ana, NEW_PASSWORD))


def test_an_admin_changing_their_own_password_stays_signed_in_here_only(
    db, browser, copy_of, make_user
):
    admin = make_user("admin", email="root@example.com")
    here, elsewhere = browser(admin), browser(admin)
    copies = copy_of(here)
    response = post(
        here,
        f"/admin/users/{admin.id}",
        {"name": admin.name, "role": "admin", "password": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert signed_in(here)
    assert not signed_in(elsewhere)
    assert not signed_in(copies)


def test_deactivation_ends_every_session_and_reactivation_revives_none(
    db, browser, copy_of, people, make_user
):
    ana, ben = people
    admin = make_user("admin", email="root@example.com")
    laptop, bens, admins = browser(ana), browser(ben), browser(admin)
    copies = copy_of(laptop, ("remember_token",))

    assert post(admins, f"/admin/users/{ana.id}/deactivate").status_code == 302
    assert not signed_in(laptop)
    assert not signed_in(copies)
    assert signed_in(bens)

    assert post(admins, f"/admin/users/{ana.id}/reactivate").status_code == 302
    assert not signed_in(laptop)
    assert not signed_in(copies)
    assert signed_in(browser(ana))


def test_sign_out_everywhere_ends_every_session_of_the_user(browser, copy_of, people):
    ana, ben = people
    laptop, phone, bens = browser(ana), browser(ana), browser(ben)
    copies = copy_of(phone)

    response = post(laptop, "/account/sign-out-everywhere")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert [signed_in(b) for b in (laptop, phone, copies)] == [False, False, False]
    assert signed_in(bens)


def test_changing_ones_own_password_signs_out_every_other_browser(db, browser, copy_of, people):
    ana, ben = people
    laptop, phone, bens = browser(ana), browser(ana), browser(ben)
    laptop_before = copy_of(laptop)

    response = post(
        laptop,
        "/account/password",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/account"
    assert signed_in(laptop)
    assert (
        laptop.get_cookie("remember_token").value
        != laptop_before.get_cookie("remember_token").value
    )
    assert [signed_in(b) for b in (phone, laptop_before)] == [False, False]
    assert signed_in(bens)
    db.session.expire_all()
    assert ana.check_password(NEW_PASSWORD)


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        (
            {"current_password": "not-my-password", "new_password": NEW_PASSWORD},
            "current_password",
            "That is not your current password.",
        ),
        (
            {"current_password": PASSWORD, "new_password": "iloveyou2027!"},
            "new_password",
            "one of the 10,000 most common passwords",
        ),
        (
            {"current_password": PASSWORD, "new_password": "Ana-Planner-2027"},
            "new_password",
            "the name of its e-mail address",
        ),
        (
            {"current_password": PASSWORD, "new_password": "short"},
            "new_password",
            "at least 12 characters",
        ),
        (
            {"current_password": PASSWORD, "new_password": PASSWORD},
            "new_password",
            "is the one you have now",
        ),
    ],
)
def test_a_refused_password_change_says_why_and_changes_nothing(
    db, browser, people, form, field, message
):
    ana, _ben = people
    laptop, phone = browser(ana), browser(ana)
    old_hash = ana.password_hash
    response = post(laptop, "/account/password", {**form, "confirm": form["new_password"]})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert f'id="{field}"' in page
    db.session.expire_all()
    assert ana.password_hash == old_hash
    assert signed_in(laptop)
    assert signed_in(phone)


def test_the_two_new_passwords_must_match(browser, people):
    ana, _ben = people
    laptop = browser(ana)
    response = post(
        laptop,
        "/account/password",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": "something-else"},
    )
    assert response.status_code == 400
    assert "The two new passwords differ." in response.get_data(as_text=True)


def test_the_account_page_shows_the_account_and_where_it_is_signed_in(browser, people):
    ana, _ben = people
    browser(ana)
    laptop = browser(ana)
    page = visit(laptop, "/account").get_data(as_text=True)
    assert "ana@example.com" in page
    assert "planner" in page
    assert page.count("this browser") == 1
    assert page.count("another browser") == 1
    assert "Sign out everywhere" in page
    assert 'href="/account"' in page  # the e-mail in the top bar leads here


def test_a_cookie_holding_a_user_id_signs_nobody_in(app, people):
    ana, _ben = people
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(ana.id)
        session["_fresh"] = True
    assert not signed_in(client)


def test_looking_up_a_session_is_one_query(db, browser, people, count_queries):
    ana, _ben = people
    with browser(ana).session_transaction() as session:
        token = session["_user_id"]
    assert user_of_session("made-up-token") is None  # the transaction has begun
    with count_queries() as counted:
        assert user_of_session(token) == ana
    assert counted.n == 1


def test_a_session_ends_when_its_remember_cookie_would_expire(db, browser, people, time_machine):
    ana, _ben = people
    laptop = browser(ana)
    time_machine.move_to(utcnow().replace(tzinfo=UTC) + timedelta(days=364), tick=False)
    assert signed_in(laptop)
    time_machine.move_to(utcnow().replace(tzinfo=UTC) + timedelta(days=2), tick=False)
    assert not signed_in(laptop)


def test_the_table_keeps_no_token(db, browser, people):
    ana, _ben = people
    laptop = browser(ana)
    with laptop.session_transaction() as session:
        token = session["_user_id"]
    stored = db.session.scalars(select(UserSession.token_hash)).all()
    assert len(stored) == 1
    assert token not in stored
    assert len(stored[0]) == 64


def test_signing_in_again_drops_ended_sessions(db, browser, people):
    ana, _ben = people
    for _ in range(3):
        post(browser(ana), "/logout")
    browser(ana)
    rows = db.session.scalars(select(UserSession).where(UserSession.user_id == ana.id)).all()
    assert [row.revoked_at for row in rows] == [None]


def test_eleven_refused_password_changes_get_429(browser, people):
    ana, ben = people
    laptop, bens = browser(ana), browser(ben)
    guess = {"current_password": "a-guess", "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    for _ in range(10):
        assert post(laptop, "/account/password", guess).status_code == 400
    assert post(laptop, "/account/password", guess).status_code == 429
    right = {**guess, "current_password": PASSWORD}
    assert post(laptop, "/account/password", right).status_code == 429
    assert post(bens, "/account/password", right).status_code == 302


def test_accounts_compare_by_identity_not_by_session(people):
    ana, ben = people
    assert ana != ben
    assert ana == ana
    assert ana in {ana}

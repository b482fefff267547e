"""Signing in and out through the real form, the login rate limit and password rules."""

import pytest
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from app.models import User

EMAIL = "planner@example.com"
PASSWORD = "a-planners-password"
# a cheap hash: these tests check many passwords, not the hashing
PASSWORD_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


@pytest.fixture
def account(db, make_user):
    def make(role="planner", email=EMAIL, active=True):
        user = make_user(role, email=email, active=active)
        user.password_hash = PASSWORD_HASH
        db.session.commit()  # keep it through the rollback that a refused request makes
        return user

    return make


@pytest.fixture
def planner(account):
    return account()


def sign_in(client, email=EMAIL, password=PASSWORD, query="", address="127.0.0.1"):
    return client.post(
        "/login" + query,
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def test_signing_in_with_the_form_goes_home(client, planner):
    response = sign_in(client)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    home = client.get("/", follow_redirects=True)
    assert home.status_code == 200
    assert home.request.path == "/roadmap"
    assert EMAIL.encode() in home.data


def test_the_email_is_not_case_sensitive(client, planner):
    assert sign_in(client, email="Planner@Example.COM").status_code == 302


def test_a_wrong_password_is_refused_with_a_message(client, planner):
    response = sign_in(client, password="not-the-password")
    assert response.status_code == 401
    assert b"do not match an active account" in response.data
    assert client.get("/").status_code == 302


def test_an_unknown_email_gets_the_same_answer(client, planner):
    response = sign_in(client, email="nobody@example.com")
    assert response.status_code == 401
    assert b"do not match an active account" in response.data


def test_a_deactivated_account_cannot_sign_in(client, account):
    account("admin", email="gone@example.com", active=False)
    response = sign_in(client, email="gone@example.com")
    assert response.status_code == 401
    assert client.get("/").status_code == 302


@pytest.mark.parametrize(
    ("target", "location"),
    [
        ("/admin/users", "/admin/users"),
        ("/?team=pay", "/?team=pay"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("%2F%2Fevil.example", "/"),
        ("/%09/evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_next_only_leads_to_a_local_path(client, planner, target, location):
    response = sign_in(client, query=f"?next={target}")
    assert response.status_code == 302
    assert response.headers["Location"] == location


def test_a_backslash_in_next_stays_a_path(client, planner):
    response = sign_in(client, query="?next=/%5Cevil.example")
    assert response.headers["Location"].startswith("/%5C")


def test_sign_out_only_by_post(client, planner):
    assert sign_in(client).status_code == 302
    assert client.get("/logout").status_code == 405
    assert client.get("/").headers["Location"] == "/roadmap"
    response = client.post("/logout")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert client.get("/").headers["Location"].startswith("/login")


def test_eleven_failed_sign_ins_from_one_address_get_429(client, planner):
    for attempt in range(10):
        response = sign_in(client, email=f"guess{attempt}@example.com", address="10.0.0.1")
        assert response.status_code == 401
    assert sign_in(client, email="guess@example.com", address="10.0.0.1").status_code == 429
    # the right password does not get past the limit either, but another address does
    assert sign_in(client, address="10.0.0.1").status_code == 429
    assert sign_in(client, address="10.0.0.2").status_code == 302


def test_eleven_failed_sign_ins_on_one_account_get_429(client, planner):
    for attempt in range(10):
        response = sign_in(client, password="wrong-password", address=f"10.0.1.{attempt}")
        assert response.status_code == 401
    assert sign_in(client, password="wrong-password", address="10.0.1.99").status_code == 429
    assert sign_in(client, address="10.0.1.100").status_code == 429


def test_successful_sign_ins_do_not_count(client, planner):
    for _ in range(9):
        assert sign_in(client, password="wrong-password").status_code == 401
    for _ in range(3):
        assert sign_in(client).status_code == 302
        assert client.post("/logout").status_code == 302
    assert sign_in(client, password="wrong-password").status_code == 401
    assert sign_in(client, password="wrong-password").status_code == 429


def test_set_password_refuses_fewer_than_12_characters():
    user = User(email="x@example.com", role="viewer")
    with pytest.raises(ValueError, match="at least 12 characters"):
        user.set_password("eleven-char")
    user.set_password("twelve-chars")
    assert user.check_password("twelve-chars")


def test_the_user_form_refuses_a_short_password(db, client, login, make_user):
    admin = make_user("admin")
    db.session.commit()
    login(admin)
    response = client.post(
        "/admin/users/new",
        data={"email": "new@example.com", "name": "New", "role": "viewer", "password": "short"},
    )
    assert response.status_code == 400
    assert b"at least 12 characters" in response.data
    assert db.session.scalar(select(User).where(User.email == "new@example.com")) is None

"""Signing in and out through the real form, the login rate limit and password rules."""

import pytest
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from app.auth.routes import _account_key
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
        ("/%5Cevil.example", "/"),
        ("/%0A/evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_next_only_leads_to_a_local_path(client, planner, target, location):
    response = sign_in(client, query=f"?next={target}")
    assert response.status_code == 302
    assert response.headers["Location"] == location


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


def sign_in_with_json(client, email=EMAIL, password=PASSWORD, address="127.0.0.1"):
    return client.post(
        "/login", json={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address}
    )


def test_eleven_failed_json_sign_ins_on_one_account_get_429(client, planner, account):
    account("viewer", email="other@example.com")
    for attempt in range(10):
        response = sign_in_with_json(client, password="wrong-password", address=f"10.0.2.{attempt}")
        assert response.status_code == 401
    assert sign_in_with_json(client, password="wrong", address="10.0.2.99").status_code == 429
    # one count per account, whether the e-mail comes in a form or in JSON, in any case
    assert sign_in(client, email="Planner@Example.com", address="10.0.2.100").status_code == 429
    # and no other account is locked
    other = sign_in_with_json(
        client, email="other@example.com", password="wrong-password", address="10.0.2.101"
    )
    assert other.status_code == 401
    assert sign_in(client, email="other@example.com", address="10.0.2.102").status_code == 302


def _account_key_of(app, **body):
    with app.test_request_context("/login", method="POST", **body):
        return _account_key()


def test_the_account_key_is_the_email_whatever_the_body(app):
    form = _account_key_of(app, data={"email": " Planner@Example.com "})
    json = _account_key_of(app, json={"email": " Planner@Example.com ", "password": "x"})
    # the form reads the first of a list: so does the key
    listed = _account_key_of(app, json={"email": ["planner@example.com", "x@example.com"]})
    assert form == json == listed == "account:planner@example.com"


@pytest.mark.parametrize(
    "body",
    [
        {"json": [1, 2, 3]},
        {"json": "x"},
        {"json": 7},
        {"json": {"email": 1e999}},
        {"json": {"email": [["planner@example.com"]]}},
        {"json": {"email": {"$ne": ""}}},
        {"data": "[" * 100_000 + "]" * 100_000, "content_type": "application/json"},
        {"data": "{not json", "content_type": "application/json"},
    ],
)
def test_an_odd_body_gets_an_account_key_of_its_own(app, body):
    key = _account_key_of(app, **body)
    assert key.startswith("account:")
    assert key != "account:"
    assert key != "account:planner@example.com"
    assert len(key) <= len("account:") + 254


def test_set_password_refuses_fewer_than_12_characters():
    user = User(email="x@example.com", role="viewer")
    with pytest.raises(ValueError, match="at least 12 characters"):
        user.set_password("eleven-char")
    user.set_password("twelve-chars")
    assert user.check_password("twelve-chars")


def test_the_user_form_refuses_a_short_password(db, client, login, make_user):
    admin = make_user("admin")
    login(admin)
    response = client.post(
        "/admin/users/new",
        data={"email": "new@example.com", "name": "New", "role": "viewer", "password": "short"},
    )
    assert response.status_code == 400
    assert b"at least 12 characters" in response.data
    assert db.session.scalar(select(User).where(User.email == "new@example.com")) is None


def test_set_password_refuses_a_common_password_and_the_emails_name():
    user = User(email="ana.lopez@example.com", role="viewer")
    with pytest.raises(ValueError, match="10,000 most common passwords"):
        user.set_password("iloveyou2027!")
    with pytest.raises(ValueError, match='e-mail address \\("ana.lopez"\\)'):
        user.set_password("Ana.Lopez-Roadmap")


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("qwerty123456", "one of the 10,000 most common passwords"),
        ("New.Person-2027", "the name of its e-mail address"),
    ],
)
def test_the_admin_forms_refuse_a_weak_password_next_to_the_field(
    db, client, login, make_user, password, message
):
    admin = make_user("admin")
    viewer = make_user("viewer", email="new.person@example.org")
    login(admin)
    data = {"email": "new.person@example.com", "name": "New", "role": "viewer"}
    response = client.post("/admin/users/new", data={**data, "password": password})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.email == data["email"])) is None

    old_hash = viewer.password_hash
    response = client.post(
        f"/admin/users/{viewer.id}", data={"name": "V", "role": "viewer", "password": password}
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert viewer.password_hash == old_hash


def test_flask_users_create_refuses_a_weak_password(app, db):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "--email", "root@example.com", "--role", "admin"],
        input="rootroot-2027\nrootroot-2027\n",
    )
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [
        'Error: A password may not contain the name of its e-mail address ("root"); choose another.'
    ]
    assert db.session.scalar(select(User).where(User.email == "root@example.com")) is None

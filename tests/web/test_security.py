"""Security headers, cookie flags, the SECRET_KEY guard and CSRF protection."""

import re

import pytest
from sqlalchemy import select
from werkzeug.security import generate_password_hash

import config
from app import create_app
from app.extensions import db as _db
from app.models import Team
from config import TestingConfig

PASSWORD = "a-viewers-password"


@pytest.fixture
def viewer(db, make_user):
    user = make_user("viewer", email="v@example.com")
    user.password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    return user


def test_pages_send_the_security_headers(client):
    for response in (client.get("/login"), client.get("/no-such-page")):
        headers = response.headers
        csp = headers["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
        assert directives["script-src"] == "'self'"
        assert "unsafe-inline" not in csp
        assert "unsafe-eval" not in csp
        assert directives["frame-ancestors"] == "'none'"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_script_or_style(db, client, login, make_user):
    login(make_user("admin"))
    for path in ("/", "/admin/users", "/admin/users/new", "/admin/teams/new", "/admin/periods"):
        body = client.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)", body), path
        assert "style=" not in body, path
        assert "<style" not in body, path


def test_the_session_cookie_is_httponly_and_samesite_lax(client, viewer):
    response = client.post("/login", data={"email": viewer.email, "password": PASSWORD})
    assert response.status_code == 302
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_production_cookies_are_secure():
    assert config.Config.SESSION_COOKIE_SECURE is True
    assert config.Config.REMEMBER_COOKIE_SECURE is True


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.setattr(config.Config, "SECRET_KEY", None)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(config.Config)


class CsrfConfig(TestingConfig):
    WTF_CSRF_ENABLED = True


@pytest.fixture(scope="module")
def csrf_app(app):
    """A second app with CSRF protection on. Its requests use the test's rolled-back
    connection (see the `db` fixture), so it needs no schema of its own."""
    csrf_app = create_app(CsrfConfig)
    yield csrf_app
    with csrf_app.app_context():
        _db.engine.dispose()


def _token(page: bytes) -> str:
    return re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1).decode()


def test_a_post_without_the_csrf_token_is_refused(db, csrf_app, make_user, login):
    admin = make_user("admin")
    client = login(admin, on=csrf_app.test_client())
    form = {"name": "Payments", "slug": "pay", "kind": "platform"}

    response = client.post("/admin/teams/new", data=form)
    assert response.status_code == 400
    assert b"CSRF" in response.data
    assert db.session.scalar(select(Team).where(Team.slug == "pay")) is None

    token = _token(client.get("/admin/teams/new").data)
    response = client.post("/admin/teams/new", data={**form, "csrf_token": token})
    assert response.status_code == 302
    assert db.session.scalar(select(Team).where(Team.slug == "pay")) is not None


def test_signing_in_needs_the_csrf_token(csrf_app, viewer):
    client = csrf_app.test_client()
    credentials = {"email": viewer.email, "password": PASSWORD}
    assert client.post("/login", data=credentials).status_code == 400
    token = _token(client.get("/login").data)
    assert client.post("/login", data={**credentials, "csrf_token": token}).status_code == 302

"""Access tokens on the account page: made and shown once, listed, revoked."""

import re

from sqlalchemy import select

from app.models import AccessToken

TOKEN = re.compile(r"rt_[A-Za-z0-9_-]{40,}")


def test_a_token_is_shown_once_listed_and_revoked(as_user, db):
    client, user = as_user("planner")
    made = client.post("/account/tokens", data={"name": "nightly sync", "scope": "write"})
    assert made.status_code == 201
    page = made.get_data(as_text=True)
    token = TOKEN.search(page).group(0)
    assert "not shown again" in page
    assert (
        client.get("/api/v1/items", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    )
    listed = client.get("/account").get_data(as_text=True)
    assert "nightly sync" in listed and token not in listed and token[:10] in listed
    record = db.session.scalar(select(AccessToken).where(AccessToken.user_id == user.id))
    assert record.token_hash != token and record.scope == "write"
    revoked = client.post(f"/account/tokens/{record.id}/revoke")
    assert revoked.status_code == 302
    assert (
        client.get("/api/v1/items", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    )
    assert "nightly sync" not in client.get("/account").get_data(as_text=True)


def test_a_bad_token_form_is_refused_and_makes_nothing(as_user, db):
    client, user = as_user("viewer")
    for data in ({"name": "", "scope": "read"}, {"name": "x", "scope": "admin"},
                 {"name": "x", "scope": "read", "expires_days": "0"},
                 {"name": "x\x00", "scope": "read"}):  # fmt: skip
        assert client.post("/account/tokens", data=data).status_code == 400
    assert db.session.scalar(select(AccessToken).where(AccessToken.user_id == user.id)) is None


def test_nobody_revokes_another_persons_token(as_user, make_user, db):
    from app.auth.tokens import create_token

    other = make_user("planner")
    theirs = create_token(other, name="theirs").record
    client, _ = as_user("admin")
    client.post(f"/account/tokens/{theirs.id}/revoke")
    db.session.expire_all()
    assert db.session.get(AccessToken, theirs.id).revoked_at is None


def test_an_expired_token_is_refused(as_user, db, time_machine):
    from datetime import timedelta

    from app.auth.tokens import create_token
    from app.clock import utcnow

    client, user = as_user("viewer")
    made = create_token(user, name="short", expires_days=1)
    headers = {"Authorization": f"Bearer {made.token}"}
    assert client.get("/api/v1/items", headers=headers).status_code == 200
    time_machine.move_to(utcnow() + timedelta(days=1, seconds=1), tick=False)
    assert client.get("/api/v1/items", headers=headers).status_code == 401

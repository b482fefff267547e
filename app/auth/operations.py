"""What signing in does to the data: session records, and a user's own password.

A signed-in browser holds the token of one UserSession (in its session cookie and,
with "Keep me signed in", its remember cookie); the table holds the token's hash.
Every request looks the token up with one indexed query; ending a session sets its
`revoked_at`, after which neither cookie signs anyone in. Plain functions that
flush and never commit.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, or_, select, update

from app.auth.passwords import WeakPassword
from app.clock import utcnow
from app.errors import Refused
from app.extensions import db
from app.models import User, UserSession

# Flask-Login's default lifetime of the remember cookie, when the config sets none.
DEFAULT_LIFETIME = timedelta(days=365)
LONGEST_TOKEN = 100


class AccountError(Refused):
    """A change to one's own account that the rules refuse; `field` names the form
    field it concerns, if any."""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def session_lifetime() -> timedelta:
    """How long a session lasts at most: as long as the remember cookie."""
    duration = current_app.config.get("REMEMBER_COOKIE_DURATION", DEFAULT_LIFETIME)
    return duration if isinstance(duration, timedelta) else timedelta(seconds=duration)


def _oldest_live_start() -> datetime:
    return utcnow() - session_lifetime()


def start_session(user: User) -> str:
    """A new session of `user`; returns its token and puts it on `user` for
    Flask-Login's `login_user`. Drops the user's ended and expired records."""
    db.session.execute(
        delete(UserSession).where(
            UserSession.user_id == user.id,
            or_(UserSession.revoked_at.is_not(None), UserSession.created_at < _oldest_live_start()),
        )
    )
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(user_id=user.id, token_hash=_digest(token), created_at=utcnow()))
    db.session.flush()
    user.session_token = token
    return token


def user_of_session(token: str) -> User | None:
    """The active user whose live session `token` names, in one query; None when the
    session ended, expired or never was, or the account is deactivated."""
    if not token or len(token) > LONGEST_TOKEN:
        return None
    user = db.session.scalar(
        select(User)
        .join(UserSession, UserSession.user_id == User.id)
        .where(
            UserSession.token_hash == _digest(token),
            UserSession.revoked_at.is_(None),
            UserSession.created_at >= _oldest_live_start(),
            User.active.is_(True),
        )
    )
    if user is not None:
        user.session_token = token
    return user


def end_session(token: str | None) -> None:
    """End the one session `token` names (signing out)."""
    if token:
        db.session.execute(
            update(UserSession)
            .where(UserSession.token_hash == _digest(token), UserSession.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )


def end_all_sessions(user: User) -> int:
    """End every session of `user`, in every browser; returns how many were live."""
    result = db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return result.rowcount


def live_sessions(user: User) -> list[UserSession]:
    """The user's sessions that still sign in, newest first."""
    return list(
        db.session.scalars(
            select(UserSession)
            .where(
                UserSession.user_id == user.id,
                UserSession.revoked_at.is_(None),
                UserSession.created_at >= _oldest_live_start(),
            )
            .order_by(UserSession.created_at.desc(), UserSession.id.desc())
        )
    )


def is_session(record: UserSession, token: str | None) -> bool:
    return token is not None and record.token_hash == _digest(token)


def set_password(user: User, password: str) -> None:
    """Give `user` a new password (the policy decides, see app.auth.passwords) and end
    every session they have. Raises AccountError on the field "password"."""
    try:
        user.set_password(password)
    except WeakPassword as error:
        raise AccountError(str(error), "password") from error
    db.session.flush()
    end_all_sessions(user)


def change_own_password(user: User, *, current: str, new: str) -> None:
    """The account page's password change: the current password proves who asks."""
    if not user.check_password(current):
        raise AccountError("That is not your current password.", "current_password")
    if new == current:
        raise AccountError("The new password is the one you have now.", "new_password")
    try:
        set_password(user, new)
    except AccountError as error:
        raise AccountError(str(error), "new_password") from error

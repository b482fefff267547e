"""Personal access tokens for the API: made, found, listed and revoked.

A token is ``rt_`` and 43 random URL-safe characters, shown once when it is made;
the table keeps its SHA-256 (see app.models.AccessToken)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from app.clock import utcnow
from app.errors import Refused
from app.extensions import db
from app.fields import NAME_MAX, too_long
from app.models import TOKEN_SCOPES, AccessToken, User

PREFIX = "rt_"
LONGEST_TOKEN = 100
LONGEST_LIFETIME_DAYS = 3650
# A token's last use is written at most this often, so that reading is not writing.
USE_RECORDED_EVERY = timedelta(minutes=1)


class TokenError(Refused):
    """A token the rules refuse to make."""


@dataclass(frozen=True)
class NewToken:
    record: AccessToken
    token: str  # shown once, never stored


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    user: User, *, name: str, scope: str = "read", expires_days: int | None = None
) -> NewToken:
    name = (name or "").strip()
    if not name:
        raise TokenError("A token needs a name, to tell it from your others.", "name")
    if len(name) > NAME_MAX:
        raise TokenError(too_long("name", NAME_MAX), "name")
    if scope not in TOKEN_SCOPES:
        raise TokenError("The scope is read or write.", "scope")
    if expires_days is not None and not 1 <= expires_days <= LONGEST_LIFETIME_DAYS:
        raise TokenError(
            f"A token expires after 1 to {LONGEST_LIFETIME_DAYS:,} days, or never.",
            "expires_days",
        )
    if not user.active:
        raise TokenError("A deactivated account cannot have tokens.")
    token = PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    record = AccessToken(
        user_id=user.id,
        name=name,
        scope=scope,
        token_hash=_digest(token),
        prefix=token[:10],
        created_at=now,
        expires_at=None if expires_days is None else now + timedelta(days=expires_days),
    )
    db.session.add(record)
    db.session.flush()
    return NewToken(record, token)


def token_of(token: str | None) -> AccessToken | None:
    """The live token ``token`` names, with its active user; None when it was
    revoked, has expired, never was, or its user is deactivated."""
    if not token or len(token) > LONGEST_TOKEN or not token.startswith(PREFIX):
        return None
    now = utcnow()
    found = db.session.scalar(
        select(AccessToken)
        .join(User, User.id == AccessToken.user_id)
        .where(
            AccessToken.token_hash == _digest(token),
            AccessToken.revoked_at.is_(None),
            (AccessToken.expires_at.is_(None)) | (AccessToken.expires_at > now),
            User.active.is_(True),
        )
    )
    return found


def record_use(token_id: int, last_used_at: datetime | None) -> None:
    """Note that the token was used now (at most once per USE_RECORDED_EVERY)."""
    now = utcnow()
    if last_used_at is not None and now - last_used_at < USE_RECORDED_EVERY:
        return
    db.session.execute(
        update(AccessToken).where(AccessToken.id == token_id).values(last_used_at=now)
    )


def tokens_of(user: User) -> list[AccessToken]:
    """The user's tokens that have not been revoked, newest first (expired ones too,
    so that their owner sees why a script stopped)."""
    return list(
        db.session.scalars(
            select(AccessToken)
            .where(AccessToken.user_id == user.id, AccessToken.revoked_at.is_(None))
            .order_by(AccessToken.created_at.desc(), AccessToken.id.desc())
        )
    )


def revoke_token(user: User, token_id: int) -> bool:
    """Revoke one of the user's tokens; False when it is not theirs or already revoked."""
    result = db.session.execute(
        update(AccessToken)
        .where(
            AccessToken.id == token_id,
            AccessToken.user_id == user.id,
            AccessToken.revoked_at.is_(None),
        )
        .values(revoked_at=utcnow())
    )
    return result.rowcount == 1


def is_expired(record: AccessToken) -> bool:
    return record.expires_at is not None and record.expires_at <= utcnow()

"""Each person's channel per event, and the signed links that turn one off."""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from app.errors import Refused
from app.extensions import db
from app.models import CHANNELS, NOTIFICATION_EVENTS, NotificationPreference
from app.models.notification import DEFAULT_CHANNEL, DEFAULT_CHANNELS

_SALT = "unsubscribe"


class PreferenceError(Refused):
    pass


def default_channel(event: str) -> str:
    return DEFAULT_CHANNELS.get(event, DEFAULT_CHANNEL)


def channels_of(user_ids: Iterable[int], event: str) -> dict[int, str]:
    """Each user's channel for ``event`` (their choice, else the default)."""
    ids = list(set(user_ids))
    chosen = dict(
        db.session.execute(
            select(NotificationPreference.user_id, NotificationPreference.channel).where(
                NotificationPreference.event == event, NotificationPreference.user_id.in_(ids)
            )
        ).all()
    )
    return {user_id: chosen.get(user_id, default_channel(event)) for user_id in ids}


def preferences_of(user_id: int) -> dict[str, str]:
    """Every event's channel for one user."""
    chosen = dict(
        db.session.execute(
            select(NotificationPreference.event, NotificationPreference.channel).where(
                NotificationPreference.user_id == user_id
            )
        ).all()
    )
    return {event: chosen.get(event, default_channel(event)) for event in NOTIFICATION_EVENTS}


def set_channel(user_id: int, event: str, channel: str) -> None:
    """Choose ``channel`` for ``event``. Flushes, never commits."""
    if event not in NOTIFICATION_EVENTS:
        raise PreferenceError(f"Unknown event {event!r}.", field="event")
    if channel not in CHANNELS:
        raise PreferenceError(
            f"Choose one of {', '.join(CHANNELS)}, not {channel!r}.", field="channel"
        )
    found = db.session.get(NotificationPreference, (user_id, event))
    if found is None:
        db.session.add(NotificationPreference(user_id=user_id, event=event, channel=channel))
    else:
        found.channel = channel
    db.session.flush()


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def unsubscribe_token(user_id: int, event: str) -> str:
    """A token for the link in a mail that turns its event's mails off."""
    return _serializer().dumps([user_id, event])


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """(user id, event) of a token this app signed, else None."""
    try:
        value = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not isinstance(value[0], int)
        or value[1] not in NOTIFICATION_EVENTS
    ):
        return None
    return value[0], value[1]

"""A person's inbox: their notifications newest first, a page at a time, how many
are unread, and marking them read. Each query walks the person's own part of an
index (``ix_notification_inbox`` on (user_id, id), ``ix_notification_unread`` on
(user_id, read_at)), so it costs the same for someone with ten notifications as
for someone with ten thousand. The changes flush and never commit."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update

from app.clock import utcnow
from app.extensions import db
from app.models import Notification

PAGE_SIZE = 50
# The badge counts this far and then says "99+": a count that stays cheap however
# many notifications wait unread.
UNREAD_SHOWN = 99


@dataclass(frozen=True, slots=True)
class InboxPage:
    notes: list[Notification]
    older: int | None  # ``before`` of the next page, or None on the last one


def page_of(user_id: int, before: int | None = None, size: int = PAGE_SIZE) -> InboxPage:
    """The ``size`` newest notifications of the user older than ``before`` (an id)."""
    query = select(Notification).where(Notification.user_id == user_id)
    if before is not None:
        query = query.where(Notification.id < before)
    rows = list(db.session.scalars(query.order_by(Notification.id.desc()).limit(size + 1)))
    notes = rows[:size]
    return InboxPage(notes, notes[-1].id if len(rows) > size else None)


def unread_count(user_id: int, most: int = UNREAD_SHOWN) -> int:
    """How many of the user's notifications are unread, counted up to ``most + 1``."""
    unread = (
        select(Notification.id)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .limit(most + 1)
        .subquery()
    )
    return db.session.scalar(select(func.count()).select_from(unread))


def note_of(user_id: int, note_id: int) -> Notification | None:
    """The user's notification of that id; None for anyone else's."""
    return db.session.scalar(
        select(Notification).where(Notification.id == note_id, Notification.user_id == user_id)
    )


def mark_read(note: Notification) -> None:
    if note.read_at is None:
        note.read_at = utcnow()
        db.session.flush()


def mark_all_read(user_id: int) -> int:
    """Mark every unread notification of the user read; how many were."""
    return db.session.execute(
        update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount

"""The daily mail: each person's notifications of the ``daily`` channel, gathered.

``send_pending`` puts every notification waiting for a person's daily mail
(``mail_daily``) into one mail (key ``daily:<day>:user:<id>``, the day in
ORG_TIMEZONE) and clears ``mail_daily`` on those it holds. A person who had
today's mail already keeps what came since for tomorrow's, so nobody gets two in
a day, however often it runs.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from flask import render_template
from sqlalchemy import select, update

from app.clock import utcnow
from app.extensions import db
from app.mail.outbox import queue_mail
from app.models import NOTIFICATION_EVENTS, Notification, OutgoingMail, User
from app.notifications.notify import Note, absolute, unsubscribe_url
from app.notifications.schedule import schedule


@dataclass(frozen=True, slots=True)
class DailyMail:
    user: User
    day: date
    notes: list[Note]
    ids: list[int]  # the notifications it holds

    @property
    def key(self) -> str:
        return f"daily:{self.day.isoformat()}:user:{self.user.id}"

    @property
    def subject(self) -> str:
        count = len(self.notes)
        return f"Your notifications of {self.day:%d %B %Y}: {count}" + (
            "" if count > 1 else f" ({self.notes[0].title})"
        )


def pending(day: date | None = None) -> list[DailyMail]:
    """The daily mail of ``day`` (default: today in ORG_TIMEZONE) each person is to
    get, those who had it already left out. Nothing is written."""
    day = day or schedule().local(utcnow()).date()
    rows = db.session.execute(
        select(Notification, User)
        .join(User, User.id == Notification.user_id)
        .where(Notification.mail_daily.is_(True), User.active.is_(True))
        .order_by(Notification.user_id, Notification.id)
    ).all()
    by_user: dict[int, list[Notification]] = defaultdict(list)
    users: dict[int, User] = {}
    for notification, user in rows:
        by_user[user.id].append(notification)
        users[user.id] = user
    keys = {f"daily:{day.isoformat()}:user:{user_id}": user_id for user_id in by_user}
    mailed = set(db.session.scalars(select(OutgoingMail.key).where(OutgoingMail.key.in_(keys))))
    return [
        DailyMail(
            users[user_id],
            day,
            [Note(n.event, n.key, n.title, n.url, n.body) for n in by_user[user_id]],
            [n.id for n in by_user[user_id]],
        )
        for key, user_id in keys.items()
        if key not in mailed
    ]


def mail_daily(mail: DailyMail) -> bool:
    """Queue one daily mail and clear what it holds from the waiting list."""
    events = list(dict.fromkeys(note.event for note in mail.notes))
    stops = [(NOTIFICATION_EVENTS[e], unsubscribe_url(mail.user, e)) for e in events]
    values = {"user": mail.user, "mail": mail, "stops": stops, "absolute": absolute}
    queued = queue_mail(
        mail.key,
        mail.user.email,
        mail.subject,
        render_template("mail/daily.txt", **values),
        render_template("mail/daily.html", **values),
        # one link for the mail client's button only when it means one thing
        unsubscribe_url=stops[0][1] if len(stops) == 1 else None,
    )
    if queued:
        db.session.execute(
            update(Notification)
            .where(Notification.id.in_(mail.ids))
            .values(mail_daily=False)
            .execution_options(synchronize_session=False)
        )
    return queued


def send_pending(day: date | None = None) -> int:
    """Send each person's daily mail of ``day`` (default: today in ORG_TIMEZONE);
    how many were queued. Never commits."""
    return sum(mail_daily(mail) for mail in pending(day))

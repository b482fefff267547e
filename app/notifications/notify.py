"""``notify``: the one way a notification goes out.

Each person gets it by their channel for its event (app.notifications.preferences):
in the inbox, and with ``email`` also a mail at once, with ``daily`` also a line in
their next daily mail (``send_pending``); ``off`` stops it. One event (``key``)
reaches one person once, however often the code that notices it runs; a team's
chat channel, when it has one, gets it once too. Everything is written in the
caller's transaction: a rolled-back change notifies nobody.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import current_app, render_template
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from app.clock import utcnow
from app.extensions import db
from app.jobs.after_commit import enqueue_after_commit
from app.mail.outbox import queue_mail
from app.models import ChatMessage, Notification, Team, User
from app.models.notification import KEY_MAX, TITLE_MAX
from app.notifications.preferences import channels_of, unsubscribe_token

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
CHAT_JOB = "app.notifications.chat:post"


@dataclass(frozen=True, slots=True)
class Note:
    """What a notification says: a title, a few lines, and the page it is about
    (a path of this app, e.g. ``/items/PAY-7``)."""

    event: str
    key: str
    title: str
    path: str
    body: str = ""


def absolute(path: str) -> str:
    """A path of the app as a link from outside it (BASE_URL)."""
    return current_app.config["BASE_URL"].rstrip("/") + path


def _insert(table):
    return _INSERTS[db.session.connection().dialect.name](table)


def notify(
    users: Iterable[User],
    note: Note,
    teams: Iterable[Team] = (),
    *,
    mail: Callable[[User, Note], bool] | None = None,
) -> int:
    """Notify these users (the inactive ones left out) and these teams' chat
    channels of ``note``; how many people it reached. ``mail`` writes the mail of
    those whose channel is ``email`` (default: ``mail_now``, the note itself).
    Never commits."""
    people = {user.id: user for user in users if user.active}
    channels = channels_of(people, note.event) if people else {}
    reached = 0
    now = utcnow()
    for user_id, channel in sorted(channels.items()):
        if channel == "off":
            continue
        row = (
            _insert(Notification.__table__)
            .values(
                user_id=user_id,
                event=note.event,
                key=note.key[:KEY_MAX],
                title=note.title[:TITLE_MAX],
                body=note.body,
                url=note.path,
                created_at=now,
                mail_daily=channel == "daily",
            )
            .on_conflict_do_nothing(index_elements=["user_id", "key"])
            .returning(Notification.__table__.c.id)
        )
        if db.session.execute(row).scalar() is None:
            continue  # this person has it already
        reached += 1
        if channel == "email":
            (mail or mail_now)(people[user_id], note)
    for team in teams:
        if team.chat_channel_url:
            post_to_chat(team, note)
    return reached


def notified(user_ids: Iterable[int], key: str) -> set[int]:
    """Those of these users who have the notification of ``key`` already."""
    ids = list(set(user_ids))
    if not ids:
        return set()
    return set(
        db.session.scalars(
            select(Notification.user_id).where(
                Notification.key == key[:KEY_MAX], Notification.user_id.in_(ids)
            )
        )
    )


def path_of(endpoint: str, **values) -> str:
    """The path of an endpoint (``/status/my-week``), for a Note, in a request or not."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


def unsubscribe_url(user: User, event: str) -> str:
    from app.mail.message import absolute_url

    return absolute_url("notifications.unsubscribe", token=unsubscribe_token(user.id, event))


def mail_now(user: User, note: Note) -> bool:
    """The mail of one notification, at once."""
    link, stop = absolute(note.path), unsubscribe_url(user, note.event)
    values = {
        "user": user,
        "notes": [note],
        "link": link,
        "unsubscribe": stop,
        "absolute": absolute,
    }
    return queue_mail(
        f"note:{note.key}:user:{user.id}"[:200],
        user.email,
        note.title,
        render_template("mail/notifications.txt", **values),
        render_template("mail/notifications.html", **values),
        unsubscribe_url=stop,
    )


def post_to_chat(team: Team, note: Note) -> bool:
    """Post ``note`` to the team's chat channel, once per event, by a job."""
    text = f"{note.title}\n{absolute(note.path)}"
    row = (
        _insert(ChatMessage.__table__)
        .values(
            key=f"{note.key}:team:{team.id}"[:KEY_MAX],
            team_id=team.id,
            text=text,
            url=team.chat_channel_url,
            state="pending",
            attempts=0,
            next_attempt_at=utcnow(),
            created_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(ChatMessage.__table__.c.id)
    )
    message_id = db.session.execute(row).scalar()
    if message_id is None:
        return False
    enqueue_after_commit(db.session, CHAT_JOB, message_id)
    return True


def members_of(teams: Iterable[Team]) -> list[User]:
    """The active people of these teams (contributors and planners who belong)."""
    from app.models import TeamMembership

    ids = [team.id for team in teams]
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(User)
            .join(TeamMembership, TeamMembership.user_id == User.id)
            .where(TeamMembership.team_id.in_(ids), User.active.is_(True))
            .distinct()
        )
    )


@dataclass(frozen=True, slots=True)
class Planned:
    """What ``notify`` would do for one person: the note, their channel for its
    event, and whether they have it already (then nothing happens)."""

    user: User
    note: Note
    channel: str
    done: bool

    @property
    def goes_out(self) -> bool:
        return not self.done and self.channel != "off"

    def describe(self) -> str:
        how = self.channel
        if self.done:
            how += ", already sent"
        elif self.channel == "off":
            how += ": nothing sent"
        return f"{self.user.email} ({how}): {self.note.title}"


def plan(pairs: Iterable[tuple[User, Note]]) -> list[Planned]:
    """Each (person, note) as ``notify`` would take it, the inactive left out; a few
    queries per distinct event and key, none per person."""
    pairs = [(user, note) for user, note in pairs if user.active]
    channels: dict[str, dict[int, str]] = {}
    done: dict[str, set[int]] = {}
    for event in {note.event for _user, note in pairs}:
        channels[event] = channels_of([u.id for u, n in pairs if n.event == event], event)
    for key in {note.key for _user, note in pairs}:
        done[key] = notified([u.id for u, n in pairs if n.key == key], key)
    return [
        Planned(user, note, channels[note.event][user.id], user.id in done[note.key])
        for user, note in pairs
    ]


def deliver(planned: Iterable[Planned], mail: Callable[[User, Note], bool] | None = None) -> int:
    """Send what ``plan`` found to go out; how many people it reached. Never commits."""
    return sum(notify([p.user], p.note, mail=mail) for p in planned if p.goes_out)

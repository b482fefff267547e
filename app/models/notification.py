"""Notifications: what concerns a person, in their inbox and, as they choose, by
e-mail; each person's choice per event; and the messages posted to a team's chat
channel. ``key`` names the event a notification is about (``request:41``), so
one event reaches one person (or one team's channel) once."""

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import db
from app.models.webhook import ERROR_MAX, URL_MAX

# Event -> what a person reads on their account page.
NOTIFICATION_EVENTS = {
    "request_received": "A dependency request for my team's work arrived",
    "request_answered": "My team's dependency request was committed or declined",
    "conflict_opened": "A conflict involving my team's items opened",
    "conflict_critical": "A conflict involving my team's items turned critical",
    "conflict_resolved": "A conflict involving my team's items was resolved",
    "needed_at_risk": "Work my team needs became at risk or off track",
    "needed_moved": "Work my team needs moved to a later period",
    "weekly_reminder": "A reminder when my team has not posted its weekly update",
    "weekly_digest": "The weekly digest, Monday morning",
}
# inbox: in the app only; email: the inbox and a mail at once; daily: the inbox
# and one mail a day gathering them; off: nothing.
CHANNELS = ("inbox", "email", "daily", "off")
# Mails that exist to be mailed go by mail unless a person says otherwise.
DEFAULT_CHANNELS = {"weekly_reminder": "email", "weekly_digest": "email"}
DEFAULT_CHANNEL = "inbox"
KEY_MAX = 200
TITLE_MAX = 300


class Notification(db.Model):
    """One thing that concerns one person. ``read_at`` is set when they mark it
    read; ``mail_daily`` when it waits for that person's daily mail (cleared once
    the mail is queued)."""

    __tablename__ = "notification"
    __table_args__ = (
        UniqueConstraint("user_id", "key", name="one_per_event"),
        Index("ix_notification_inbox", "user_id", "id"),
        Index("ix_notification_unread", "user_id", "read_at"),
        Index("ix_notification_daily", "mail_daily", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(KEY_MAX))
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    body: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(URL_MAX), default="/")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)
    mail_daily: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")

    user = relationship("User")

    def __repr__(self) -> str:
        return f"<Notification {self.id} {self.event} user {self.user_id}>"


class NotificationPreference(db.Model):
    """A person's channel for one event; without a row, the event's default."""

    __tablename__ = "notification_preference"
    __table_args__ = (
        CheckConstraint("channel IN ('inbox', 'email', 'daily', 'off')", name="channel"),
    )

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    event: Mapped[str] = mapped_column(String(40), primary_key=True)
    channel: Mapped[str] = mapped_column(String(10))


class ChatMessage(db.Model):
    """One notification posted to a team's chat channel (an incoming-webhook URL
    taking a Slack-compatible JSON body), kept as its sent-log: ``pending`` until
    the channel accepts it (``sent``) or the last attempt fails (``failed``)."""

    __tablename__ = "chat_message"
    __table_args__ = (
        CheckConstraint("state IN ('pending', 'sent', 'failed')", name="state"),
        Index("ix_chat_message_due", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(KEY_MAX), unique=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(String(URL_MAX))
    state: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(String(ERROR_MAX))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)

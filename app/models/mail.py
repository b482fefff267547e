"""The outbox: every mail the app sends, kept as its sent-log. ``key`` names what
the mail is about for whom (``digest:2026-W48:user:5``), so that one mail is
queued once however often the job that writes it runs."""

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.extensions import db
from app.fields import EMAIL_MAX
from app.models.webhook import ERROR_MAX, URL_MAX

MAIL_STATES = ("pending", "sent", "failed")
MAIL_KEY_MAX = 200
SUBJECT_MAX = 250


class OutgoingMail(db.Model):
    """One mail to one person. ``pending`` until an attempt hands it to the mail
    server (``sent``) or the last attempt fails (``failed``); ``next_attempt_at`` is
    when the next attempt is due (an attempt under way pushes it forward by a
    lease). ``message_id`` is the same for every attempt."""

    __tablename__ = "outgoing_mail"
    __table_args__ = (
        CheckConstraint("state IN ('pending', 'sent', 'failed')", name="state"),
        Index("ix_outgoing_mail_due", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(MAIL_KEY_MAX), unique=True)
    recipient: Mapped[str] = mapped_column(String(EMAIL_MAX))
    subject: Mapped[str] = mapped_column(String(SUBJECT_MAX))
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    unsubscribe_url: Mapped[str | None] = mapped_column(String(URL_MAX))
    message_id: Mapped[str] = mapped_column(String(250))
    state: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(String(ERROR_MAX))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)

    def __repr__(self) -> str:
        return f"<OutgoingMail {self.id} {self.key} {self.state}>"

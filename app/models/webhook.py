"""Webhooks: the endpoints admins register, the events the plan sends them, each
delivery of an event to an endpoint with its attempts, and the conflicts as they
were last announced (what conflict events are computed against)."""

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import db
from app.fields import NAME_MAX

WEBHOOK_EVENTS = (
    "item.created",
    "item.updated",
    "item.deleted",
    "dependency.created",
    "dependency.updated",
    "dependency.deleted",
    "status_update.created",
    "capacity.updated",
    "conflict.opened",
    "conflict.resolved",
    "conflict.changed",
)
CONFLICT_EVENTS = ("conflict.opened", "conflict.resolved", "conflict.changed")
DELIVERY_STATES = ("pending", "delivered", "failed")
URL_MAX = 2000
ERROR_MAX = 500


class WebhookEndpoint(db.Model):
    """Where events are delivered: a URL, the events it wants, and the secret that
    signs every delivery (``whsec_`` and base64). Deliveries that exhaust all their
    attempts several times in a row disable it (``disabled_at``, ``disabled_reason``)."""

    __tablename__ = "webhook_endpoint"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(URL_MAX))
    description: Mapped[str] = mapped_column(String(NAME_MAX), default="", server_default="")
    events: Mapped[list[str]] = mapped_column(JSON)
    secret: Mapped[str] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Deliveries in a row whose every attempt failed (a success sets it back to 0).
    failed_in_row: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime)
    disabled_reason: Mapped[str | None] = mapped_column(String(ERROR_MAX))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(254))

    def wants(self, event: str) -> bool:
        return event in self.events

    def __repr__(self) -> str:
        return f"<WebhookEndpoint {self.id} {self.url}>"


class WebhookEvent(db.Model):
    """One event, as the exact JSON body every endpoint receives. ``message_id`` is
    the ``webhook-id`` header: the same for every attempt of it."""

    __tablename__ = "webhook_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(40), unique=True)
    type: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


class WebhookDelivery(db.Model):
    """One event for one endpoint. ``pending`` until an attempt succeeds
    (``delivered``) or the last attempt fails (``failed``); ``next_attempt_at`` is
    when the next attempt is due (an attempt under way pushes it forward by a
    lease, so a worker that dies mid-attempt leaves the delivery due again).
    A ``manual`` delivery (a redelivery) makes one attempt only."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        CheckConstraint("state IN ('pending', 'delivered', 'failed')", name="state"),
        Index("ix_webhook_delivery_due", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_endpoint.id", ondelete="CASCADE"), index=True
    )
    event_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_event.id", ondelete="CASCADE"), index=True
    )
    state: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    manual: Mapped[bool] = mapped_column(Boolean, default=False)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(ERROR_MAX))

    endpoint: Mapped[WebhookEndpoint] = relationship()
    event: Mapped[WebhookEvent] = relationship()
    attempt_log: Mapped[list["WebhookAttempt"]] = relationship(
        order_by="WebhookAttempt.number",
        cascade="all, delete-orphan",
        passive_deletes=True,
        back_populates="delivery",
    )


class WebhookAttempt(db.Model):
    """One attempt of a delivery: when, the response code (None when no response
    came), how long it took and why it failed."""

    __tablename__ = "webhook_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_delivery.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime)
    ok: Mapped[bool] = mapped_column(Boolean)
    status_code: Mapped[int | None] = mapped_column(Integer)
    duration_ms: Mapped[int] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(ERROR_MAX))

    delivery: Mapped[WebhookDelivery] = relationship(back_populates="attempt_log")


class AnnouncedConflict(db.Model):
    """A conflict as the last conflict event (or the baseline) told it: the next
    check compares the plan's conflicts with these, by fingerprint, and ``digest``
    (of severity, state and message) tells a changed one."""

    __tablename__ = "announced_conflict"

    fingerprint: Mapped[str] = mapped_column(String(64), primary_key=True)
    digest: Mapped[str] = mapped_column(String(64))
    conflict: Mapped[dict[str, Any]] = mapped_column(JSON)


class ConflictBaseline(db.Model):
    """One row: whether the announced conflicts are a baseline to compare with
    (``taken``), the plan revision and time of the last check. Each check updates
    it first, so that two checks never run at once."""

    __tablename__ = "conflict_baseline"

    id: Mapped[int] = mapped_column(primary_key=True)
    taken: Mapped[bool] = mapped_column(Boolean, default=False)
    revision: Mapped[int | None] = mapped_column(Integer)
    checked_at: Mapped[datetime | None] = mapped_column(DateTime)

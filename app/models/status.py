from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.alignment import HEALTHS, STATUSES
from app.clock import utcnow
from app.extensions import db
from app.models.item import Item, _in


class StatusUpdate(db.Model):
    """One item's weekly report. The newest sets the item's health and status."""

    __tablename__ = "status_update"
    __table_args__ = (
        CheckConstraint(_in("health", HEALTHS), name="health"),
        CheckConstraint(_in("status", STATUSES), name="status"),
        CheckConstraint("progress IS NULL OR progress BETWEEN 0 AND 100", name="progress"),
        Index("ix_status_update_item_id_at", "item_id", "at"),
        UniqueConstraint("item_id", "submission"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    week: Mapped[str] = mapped_column(String(8), index=True)  # ISO week, "2027-W05"
    health: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(12))
    progress: Mapped[int | None] = mapped_column(SmallInteger)
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    # The author's e-mail as written, kept when the account is gone or was never here.
    author: Mapped[str | None] = mapped_column(String(254))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # The form submission that wrote it: a resubmitted form writes nothing twice.
    submission: Mapped[str | None] = mapped_column(String(36))

    item: Mapped[Item] = relationship()

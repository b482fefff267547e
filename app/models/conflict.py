from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.extensions import db


class ConflictDecision(db.Model):
    """An acknowledgement or accepted risk of a conflict, held by its fingerprint."""

    __tablename__ = "conflict_decision"
    __table_args__ = (CheckConstraint("state IN ('acknowledged', 'accepted')", name="state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    conflict_type: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(12))
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    by: Mapped[str | None] = mapped_column(String(254))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

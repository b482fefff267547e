from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import db


class WeeklySnapshot(db.Model):
    """The plan and its conflicts as they stood in one ISO week (the newest take
    of that week replaces earlier ones). Feeds trends, the digest and slippage."""

    __tablename__ = "weekly_snapshot"

    id: Mapped[int] = mapped_column(primary_key=True)
    week: Mapped[str] = mapped_column(String(8), unique=True)  # ISO week, "2027-W05"
    taken_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # {"open": n, "accepted": n, "by_severity": {...}, "by_type": {...},
    #  "by_team": {slug: {severity: n}}}
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # one entry per conflict: fingerprint, type, severity, state, items, teams, period, message
    conflicts: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # The same conflicts' fingerprints alone, sorted: what "resolved since last week"
    # compares, small enough to read on every dashboard view.
    fingerprints: Mapped[list[str]] = mapped_column(JSON, default=list)

    items: Mapped[list["SnapshotItem"]] = relationship(
        back_populates="snapshot", cascade="all, delete-orphan", passive_deletes=True
    )


class SnapshotItem(db.Model):
    """One item as it stood when its snapshot was taken. Keys, slugs and period
    names rather than ids, so the record outlives later edits and deletions."""

    __tablename__ = "snapshot_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(
        ForeignKey("weekly_snapshot.id", ondelete="CASCADE"), index=True
    )
    item_key: Mapped[str] = mapped_column(String(32), index=True)
    team_slug: Mapped[str] = mapped_column(String(20))
    priority: Mapped[int] = mapped_column(SmallInteger)
    start_period: Mapped[str | None] = mapped_column(String(40))
    end_period: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(12))
    health: Mapped[str] = mapped_column(String(10))

    snapshot: Mapped[WeeklySnapshot] = relationship(back_populates="items")

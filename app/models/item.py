from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.alignment import ACTIVE_STATUSES, COMMITMENTS, HEALTHS, PRIORITY_NAMES, STATUSES
from app.clock import utcnow
from app.extensions import db
from app.fields import KEY_MAX, OWNER_MAX, SOURCE_KEY_MAX, SOURCE_URL_MAX, TITLE_MAX
from app.models.period import Period
from app.models.team import Team


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Item(db.Model):
    """One roadmap entry of one team: a feature (product team) or platform work."""

    __tablename__ = "item"
    __table_args__ = (
        CheckConstraint("priority BETWEEN 0 AND 3", name="priority"),
        CheckConstraint("estimate IS NULL OR estimate >= 0", name="estimate"),
        CheckConstraint(
            "(start_period_id IS NULL) = (end_period_id IS NULL)", name="periods_both_or_neither"
        ),
        CheckConstraint(_in("status", STATUSES), name="status"),
        CheckConstraint(_in("health", HEALTHS), name="health"),
        # An item imported from Jira, Linear or GitHub, found again by a re-sync.
        UniqueConstraint("source", "source_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(KEY_MAX), unique=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), index=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    priority: Mapped[int] = mapped_column(SmallInteger, index=True)
    start_period_id: Mapped[int | None] = mapped_column(ForeignKey("period.id"), index=True)
    end_period_id: Mapped[int | None] = mapped_column(ForeignKey("period.id"), index=True)
    estimate: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(12), index=True, default="proposed")
    health: Mapped[str] = mapped_column(String(10), index=True, default="on_track")
    owner: Mapped[str | None] = mapped_column(String(OWNER_MAX))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer)
    # Where an imported item came from: "jira", "linear" or "github", its key there
    # and a link back to it (app.importing); all None for an item made here.
    source: Mapped[str | None] = mapped_column(String(20))
    source_key: Mapped[str | None] = mapped_column(String(SOURCE_KEY_MAX))
    source_url: Mapped[str | None] = mapped_column(String(SOURCE_URL_MAX))

    __mapper_args__ = {"version_id_col": version}

    team: Mapped[Team] = relationship()
    start_period: Mapped[Period | None] = relationship(foreign_keys=[start_period_id])
    end_period: Mapped[Period | None] = relationship(foreign_keys=[end_period_id])

    @property
    def priority_name(self) -> str:
        return PRIORITY_NAMES[self.priority]

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def scheduled(self) -> bool:
        return self.start_period_id is not None

    def __repr__(self) -> str:
        return f"<Item {self.key}>"


class Dependency(db.Model):
    """ "`dependent` needs `dependency`", with the providing team's commitment."""

    __tablename__ = "dependency"
    __table_args__ = (
        UniqueConstraint("dependent_id", "dependency_id"),
        CheckConstraint("dependent_id <> dependency_id", name="not_self"),
        CheckConstraint(_in("commitment", COMMITMENTS), name="commitment"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dependent_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    dependency_id: Mapped[int] = mapped_column(
        ForeignKey("item.id", ondelete="CASCADE"), index=True
    )
    needed_by_period_id: Mapped[int | None] = mapped_column(ForeignKey("period.id"), index=True)
    commitment: Mapped[str] = mapped_column(String(10), default="requested")
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer)
    # The source an import took the link from (app.importing): a re-sync removes the
    # link when the source no longer has it. None for a link made here, always kept.
    source: Mapped[str | None] = mapped_column(String(20))

    __mapper_args__ = {"version_id_col": version}

    dependent: Mapped[Item] = relationship(foreign_keys=[dependent_id])
    dependency: Mapped[Item] = relationship(foreign_keys=[dependency_id])
    needed_by: Mapped[Period | None] = relationship()

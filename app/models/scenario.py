from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import db
from app.models.user import User

SCENARIO_NAME_MAX = 80
TARGET_MAX = 80
LABEL_MAX = 200
# What a scenario change is of: a field of a live item, a new item, a field of a
# live dependency, or a team's capacity in one period.
CHANGE_KINDS = ("item", "new", "dependency", "capacity")


class Scenario(db.Model):
    """A named set of changes over the live plan (a what-if). Not part of the plan:
    writing one changes neither the plan's revision nor its audit history. Every
    change to its changes bumps ``version`` (optimistic locking, as items do), so
    that two people saving one scenario at once cannot both win."""

    __tablename__ = "scenario"
    __table_args__ = (
        CheckConstraint(f"length(name) BETWEEN 1 AND {SCENARIO_NAME_MAX}", name="name_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(SCENARIO_NAME_MAX), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}

    created_by: Mapped[User | None] = relationship()
    changes: Mapped[list["ScenarioChange"]] = relationship(
        back_populates="scenario",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ScenarioChange.id",
    )

    def __repr__(self) -> str:
        return f"<Scenario {self.name}>"


class ScenarioChange(db.Model):
    """One thing a scenario changes, named by ``target``: ``item:<id>:<field>``,
    ``new:<n>``, ``dependency:<dependent id>:<dependency id>:<field>`` or
    ``capacity:<team id>:<period id>``. The ids are plain numbers, not foreign
    keys: a change may outlive the live row it changes (applying the scenario then
    reports it). ``value`` is the scenario's value and ``base`` the live one when
    the scenario first changed it (JSON, with period and team ids, never period
    indices); ``reason`` says why, when auto-scheduling made the change."""

    __tablename__ = "scenario_change"
    __table_args__ = (
        UniqueConstraint("scenario_id", "target"),
        CheckConstraint(f"kind IN ({', '.join(repr(k) for k in CHANGE_KINDS)})", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scenario_id: Mapped[int] = mapped_column(
        ForeignKey("scenario.id", ondelete="CASCADE"), index=True
    )
    target: Mapped[str] = mapped_column(String(TARGET_MAX))
    kind: Mapped[str] = mapped_column(String(12))
    item_id: Mapped[int | None] = mapped_column(Integer)
    dependent_id: Mapped[int | None] = mapped_column(Integer)
    dependency_id: Mapped[int | None] = mapped_column(Integer)
    team_id: Mapped[int | None] = mapped_column(Integer)
    period_id: Mapped[int | None] = mapped_column(Integer)
    field: Mapped[str | None] = mapped_column(String(20))
    # What the change is of, in words, as it was when the scenario made it
    # ("PAY-7", "CHK-3 needs PAY-1", "Payments in 2027 Q2"): still there to name it
    # when the live row is gone.
    label: Mapped[str] = mapped_column(String(LABEL_MAX), default="", server_default="")
    value: Mapped[Any] = mapped_column(JSON, nullable=True)
    base: Mapped[Any] = mapped_column(JSON, nullable=True)
    reason: Mapped[str | None] = mapped_column(Text)

    scenario: Mapped[Scenario] = relationship(back_populates="changes")

    def __repr__(self) -> str:
        return f"<ScenarioChange {self.target}>"

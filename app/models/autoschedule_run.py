"""One auto-scheduling of a scenario, run as a job: what was asked (pin, horizon,
the scenario's version), how far it has got, and how it ended."""

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
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import db
from app.models.scenario import Scenario
from app.models.user import User
from app.models.webhook import ERROR_MAX

RUN_STATES = ("queued", "running", "done", "failed")
ACTIVE_STATES = ("queued", "running")
RUN_PINS = ("in_progress", "committed", "none")
_ACTIVE = text("state IN ('queued', 'running')")


class AutoscheduleRun(db.Model):
    """``queued`` until a job claims it, ``running`` while it places the items
    (``done`` of ``total`` steps), then ``done`` (the moves are in the scenario;
    ``moves``, ``feasible``, ``why`` and ``broken`` say how it came out) or
    ``failed`` (``error`` says why; nothing was recorded). A job claims it as the
    other jobs claim their rows (app.jobs.leases): ``next_attempt_at`` is pushed
    forward by a lease at the claim and at each progress write, so a run whose
    worker died is found by the periodic sweep once the lease has run out. One
    scenario has at most one run queued or running (a partial unique index)."""

    __tablename__ = "autoschedule_run"
    __table_args__ = (
        CheckConstraint(f"state IN ({', '.join(repr(s) for s in RUN_STATES)})", name="state"),
        CheckConstraint(f"pin IN ({', '.join(repr(p) for p in RUN_PINS)})", name="pin"),
        Index("ix_autoschedule_run_due", "state", "next_attempt_at"),
        Index(
            "ix_autoschedule_run_active",
            "scenario_id",
            unique=True,
            sqlite_where=_ACTIVE,
            postgresql_where=_ACTIVE,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scenario_id: Mapped[int] = mapped_column(
        ForeignKey("scenario.id", ondelete="CASCADE"), index=True
    )
    state: Mapped[str] = mapped_column(String(10), default="queued")
    pin: Mapped[str] = mapped_column(String(12))
    # The latest period allowed, by id (None: the plan's last); a plain number, as
    # scenario changes keep theirs: the period may be deleted before the run.
    horizon_period_id: Mapped[int | None] = mapped_column(Integer)
    # The scenario's version the run was asked for: a scenario changed meanwhile
    # fails the run rather than mixing its moves with changes made since.
    scenario_version: Mapped[int] = mapped_column(Integer)
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime)
    done: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    total: Mapped[int | None] = mapped_column(Integer)
    moves: Mapped[int | None] = mapped_column(Integer)
    feasible: Mapped[bool | None] = mapped_column(Boolean)
    solver: Mapped[str | None] = mapped_column(String(12))
    why: Mapped[list[str] | None] = mapped_column(JSON)
    broken: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)  # [{kind, text}]
    error: Mapped[str | None] = mapped_column(String(ERROR_MAX))

    scenario: Mapped[Scenario] = relationship()
    requested_by: Mapped[User | None] = relationship()

    @property
    def active(self) -> bool:
        return self.state in ACTIVE_STATES

    def __repr__(self) -> str:
        return f"<AutoscheduleRun {self.id} {self.state}>"

"""The one bridge from the database to a plan snapshot for the analysis.

A constant number of bulk selects (seven) whatever the size of the plan: rows come
back as the driver's plain tuples, never as ORM objects, and nothing is loaded lazily.
"""

from __future__ import annotations

import threading
from datetime import date, datetime
from itertools import chain
from uuid import uuid4

from flask import current_app
from flask_sqlalchemy.session import Session
from sqlalchemy import event, func, insert, select, update
from sqlalchemy.engine import Connection

from app.alignment import Analysis, Settings, analyze
from app.alignment.collector import collector_paused
from app.alignment.snapshot import Decision, Dependency, Item, Period, PlanSnapshot, Team
from app.clock import utcnow
from app.extensions import db
from app.models import ConflictDecision, PlanRevision, StatusUpdate, TeamCapacity
from app.models import Dependency as DependencyRow
from app.models import Item as ItemRow
from app.models import Period as PeriodRow
from app.models import Team as TeamRow

REVISION_ROW = 1
# What the analysis reads: a flush that touches any of these changes the plan.
PLAN_MODELS = (ItemRow, DependencyRow, TeamRow, TeamCapacity, PeriodRow, StatusUpdate,
               ConflictDecision)  # fmt: skip


def load_snapshot() -> PlanSnapshot:
    with collector_paused():
        return _load(db.session.connection())


def _load(connection: Connection) -> PlanSnapshot:

    def rows(*columns, order_by=None, group_by=None) -> list[tuple]:
        # The driver's own tuples, fetched whole: no ORM and no row objects. Only
        # SQLite's timestamps then need parsing (see _timestamps).
        statement = select(*columns)
        if order_by is not None:
            statement = statement.order_by(order_by)
        if group_by is not None:
            statement = statement.group_by(group_by)
        return connection.execute(statement).cursor.fetchall()

    timestamp = _timestamps(connection.dialect.name)

    period_rows = rows(
        PeriodRow.id, PeriodRow.name, PeriodRow.start_date, PeriodRow.end_date,
        order_by=PeriodRow.start_date,
    )  # fmt: skip
    periods = tuple(Period(name, _date(start), _date(end)) for _id, name, start, end in period_rows)
    index = {row[0]: i for i, row in enumerate(period_rows)}
    index[None] = None

    capacities: dict[int, dict[int, float]] = {}
    for team_id, period_id, person_weeks in rows(
        TeamCapacity.team_id, TeamCapacity.period_id, TeamCapacity.person_weeks
    ):
        capacities.setdefault(team_id, {})[index[period_id]] = person_weeks
    teams = tuple(
        Team(team_id, slug, name, kind, default, capacities.get(team_id, {}))
        for team_id, slug, name, kind, default in rows(
            TeamRow.id, TeamRow.slug, TeamRow.name, TeamRow.kind, TeamRow.default_capacity
        )
    )

    last_update = {
        item_id: timestamp(at)
        for item_id, at in rows(
            StatusUpdate.item_id, func.max(StatusUpdate.at), group_by=StatusUpdate.item_id
        )
    }
    items = tuple(
        Item(
            item_id, key, team_id, title, priority, index[start], index[end], estimate, status,
            health, timestamp(created_at), last_update.get(item_id),
        )
        for (
            item_id, key, team_id, title, priority, start, end, estimate, status, health,
            created_at,
        ) in rows(
            ItemRow.id, ItemRow.key, ItemRow.team_id, ItemRow.title, ItemRow.priority,
            ItemRow.start_period_id, ItemRow.end_period_id, ItemRow.estimate, ItemRow.status,
            ItemRow.health, ItemRow.created_at,
        )
    )  # fmt: skip
    dependencies = tuple(
        Dependency(dependent, dependency, index[needed], commitment)
        for dependent, dependency, needed, commitment in rows(
            DependencyRow.dependent_id,
            DependencyRow.dependency_id,
            DependencyRow.needed_by_period_id,
            DependencyRow.commitment,
        )
    )
    decisions = {
        fingerprint: Decision(fingerprint, state, note, by, timestamp(at))
        for fingerprint, state, note, by, at in rows(
            ConflictDecision.fingerprint,
            ConflictDecision.state,
            ConflictDecision.note,
            ConflictDecision.by,
            ConflictDecision.at,
        )
    }
    return PlanSnapshot(periods, teams, items, dependencies, decisions)


def _timestamps(dialect: str):
    """PostgreSQL's driver returns datetimes; SQLite stores ISO 8601 text."""
    if dialect != "sqlite":
        return lambda value: value
    return lambda value: None if value is None else datetime.fromisoformat(value)


def _date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def current_revision() -> str | None:
    return db.session.scalar(select(PlanRevision.token).where(PlanRevision.id == REVISION_ROW))


def bump_revision(connection: Connection) -> None:
    """Mark the plan as changed, in the caller's transaction. Writers queue on the one
    row, so readers see the tokens in commit order."""
    token = uuid4().hex
    result = connection.execute(
        update(PlanRevision).where(PlanRevision.id == REVISION_ROW).values(token=token)
    )
    if result.rowcount == 0:
        connection.execute(insert(PlanRevision).values(id=REVISION_ROW, token=token))


@event.listens_for(Session, "after_flush")
def _plan_changed(session, _flush_context) -> None:
    changed = chain(session.new, session.dirty, session.deleted)
    if any(isinstance(row, PLAN_MODELS) for row in changed):
        bump_revision(session.connection())


class _Reuse:
    """This process's newest analysis, reused while the plan's revision token and the
    time window it was made in both hold. Another process keeps its own."""

    def __init__(self) -> None:
        self.key: tuple | None = None
        self.analysis: Analysis | None = None
        self.lock = threading.Lock()

    def clear(self) -> None:
        with self.lock:
            self.key = self.analysis = None


reuse = _Reuse()


def analysis_settings() -> Settings:
    """The analysis thresholds of this app's configuration."""
    return Settings(cadence_days=current_app.config["UPDATE_CADENCE_DAYS"])


def analyze_plan(now: datetime | None = None) -> Analysis:
    """Load the plan and analyse it with the app's settings, as of `now` (naive UTC).

    Without `now`, the analysis is of the present: it is reused while the plan is
    unchanged, for up to ANALYSIS_REUSE_SECONDS (the window also bounds how late a
    newly stale item may show)."""
    settings = analysis_settings()
    if now is not None:
        return analyze(load_snapshot(), now, settings)
    moment = utcnow()
    window = current_app.config["ANALYSIS_REUSE_SECONDS"]
    revision = current_revision() if window > 0 else None
    if revision is None:
        return analyze(load_snapshot(), moment, settings)
    key = (str(db.engine.url), revision, settings, int(moment.timestamp()) // window)
    with reuse.lock:
        if reuse.key != key:
            reuse.analysis = analyze(load_snapshot(), moment, settings)
            reuse.key = key
        return reuse.analysis

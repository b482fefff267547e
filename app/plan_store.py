"""The one bridge from the database to a plan snapshot for the analysis.

A constant number of bulk selects (seven) whatever the size of the plan: rows come
back as the driver's plain tuples, never as ORM objects, and nothing is loaded lazily.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import current_app
from sqlalchemy import func, select

from app.alignment import Analysis, Settings, analyze
from app.alignment.snapshot import Decision, Dependency, Item, Period, PlanSnapshot, Team
from app.clock import utcnow
from app.extensions import db
from app.models import ConflictDecision, StatusUpdate, TeamCapacity
from app.models import Dependency as DependencyRow
from app.models import Item as ItemRow
from app.models import Period as PeriodRow
from app.models import Team as TeamRow


def load_snapshot() -> PlanSnapshot:
    connection = db.session.connection()

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


def analysis_settings() -> Settings:
    """The analysis thresholds of this app's configuration."""
    return Settings(cadence_days=current_app.config["UPDATE_CADENCE_DAYS"])


def analyze_plan(now: datetime | None = None) -> Analysis:
    """Load the plan and analyse it with the app's settings, as of `now` (naive UTC)."""
    return analyze(load_snapshot(), now or utcnow(), analysis_settings())

"""The one bridge from the database to a plan snapshot for the analysis.

A constant number of bulk selects (seven) whatever the size of the plan: rows come
back as plain tuples, never as ORM objects, and nothing is loaded lazily.
"""

from __future__ import annotations

from datetime import datetime

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
    session = db.session
    period_rows = session.execute(
        select(PeriodRow.id, PeriodRow.name, PeriodRow.start_date, PeriodRow.end_date).order_by(
            PeriodRow.start_date
        )
    ).all()
    periods = tuple(Period(name, start, end) for _id, name, start, end in period_rows)
    index = {row[0]: i for i, row in enumerate(period_rows)}

    capacities: dict[int, dict[int, float]] = {}
    for team_id, period_id, person_weeks in session.execute(
        select(TeamCapacity.team_id, TeamCapacity.period_id, TeamCapacity.person_weeks)
    ):
        capacities.setdefault(team_id, {})[index[period_id]] = person_weeks
    teams = tuple(
        Team(team_id, slug, name, kind, default, capacities.get(team_id, {}))
        for team_id, slug, name, kind, default in session.execute(
            select(TeamRow.id, TeamRow.slug, TeamRow.name, TeamRow.kind, TeamRow.default_capacity)
        )
    )

    last_update = dict(
        session.execute(
            select(StatusUpdate.item_id, func.max(StatusUpdate.at)).group_by(StatusUpdate.item_id)
        ).all()
    )
    item_rows = session.execute(
        select(
            ItemRow.id,
            ItemRow.key,
            ItemRow.team_id,
            ItemRow.title,
            ItemRow.priority,
            ItemRow.start_period_id,
            ItemRow.end_period_id,
            ItemRow.estimate,
            ItemRow.status,
            ItemRow.health,
            ItemRow.created_at,
        )
    )
    items = tuple(
        Item(
            item_id,
            key,
            team_id,
            title,
            priority,
            None if start is None else index[start],
            None if end is None else index[end],
            estimate,
            status,
            health,
            created_at,
            last_update.get(item_id),
        )
        for (
            item_id,
            key,
            team_id,
            title,
            priority,
            start,
            end,
            estimate,
            status,
            health,
            created_at,
        ) in item_rows
    )
    dependencies = tuple(
        Dependency(dependent, dependency, None if needed is None else index[needed], commitment)
        for dependent, dependency, needed, commitment in session.execute(
            select(
                DependencyRow.dependent_id,
                DependencyRow.dependency_id,
                DependencyRow.needed_by_period_id,
                DependencyRow.commitment,
            )
        )
    )
    decisions = {
        fingerprint: Decision(fingerprint, state, note, by, at)
        for fingerprint, state, note, by, at in session.execute(
            select(
                ConflictDecision.fingerprint,
                ConflictDecision.state,
                ConflictDecision.note,
                ConflictDecision.by,
                ConflictDecision.at,
            )
        )
    }
    return PlanSnapshot(periods, teams, items, dependencies, decisions)


def analyze_plan(now: datetime | None = None) -> Analysis:
    """Load the plan and analyse it with the app's settings, as of `now` (naive UTC)."""
    settings = Settings(cadence_days=current_app.config["UPDATE_CADENCE_DAYS"])
    return analyze(load_snapshot(), now or utcnow(), settings)

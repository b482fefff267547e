"""Export of the whole plan as a ``roadmap-plan/1`` document.

Six bulk queries, no ORM objects. The ordering is fixed (periods by start date,
teams by slug, items by id, dependencies by dependent then dependency key,
status updates by item key then time), so an export, imported again and
exported, gives the same document byte for byte.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from app.alignment import PRIORITY_NAMES
from app.clock import format_datetime
from app.extensions import db
from app.models import Dependency, Item, Period, StatusUpdate, Team, TeamCapacity, User
from app.plan_io.validate import FORMAT


def plain_number(value: float | None) -> int | float | None:
    """Whole numbers as ints, so ``12.0`` is written ``12``."""
    if value is not None and float(value).is_integer():
        return int(value)
    return value


def export_plan(session: Any = None) -> dict[str, Any]:
    session = session or db.session
    periods = session.execute(
        select(Period.id, Period.name, Period.start_date, Period.end_date).order_by(
            Period.start_date, Period.id
        )
    ).all()
    period_names = {row.id: row.name for row in periods}
    period_rank = {row.id: rank for rank, row in enumerate(periods)}

    teams = sorted(
        session.execute(select(Team.id, Team.slug, Team.name, Team.kind, Team.default_capacity)),
        key=lambda row: row.slug,
    )
    slugs = {row.id: row.slug for row in teams}
    overrides: dict[int, list[tuple[int, str, float]]] = {}
    for team_id, period_id, person_weeks in session.execute(
        select(TeamCapacity.team_id, TeamCapacity.period_id, TeamCapacity.person_weeks)
    ):
        overrides.setdefault(team_id, []).append(
            (period_rank[period_id], period_names[period_id], person_weeks)
        )

    items = session.execute(
        select(
            Item.id,
            Item.key,
            Item.team_id,
            Item.title,
            Item.description,
            Item.priority,
            Item.start_period_id,
            Item.end_period_id,
            Item.estimate,
            Item.status,
            Item.health,
            Item.owner,
            Item.created_at,
        ).order_by(Item.id)
    ).all()
    keys = {row.id: row.key for row in items}

    dependencies = sorted(
        (
            (keys[dependent_id], keys[dependency_id], needed_by, commitment)
            for dependent_id, dependency_id, needed_by, commitment in session.execute(
                select(
                    Dependency.dependent_id,
                    Dependency.dependency_id,
                    Dependency.needed_by_period_id,
                    Dependency.commitment,
                )
            )
        ),
        key=lambda dep: (dep[0], dep[1]),
    )
    updates = sorted(
        session.execute(
            select(
                StatusUpdate.id,
                StatusUpdate.item_id,
                StatusUpdate.week,
                StatusUpdate.health,
                StatusUpdate.status,
                StatusUpdate.progress,
                StatusUpdate.note,
                func.coalesce(StatusUpdate.author, User.email).label("author"),
                StatusUpdate.at,
            ).outerjoin(User, User.id == StatusUpdate.author_id)
        ),
        key=lambda row: (keys[row.item_id], row.at, row.id),
    )

    return {
        "format": FORMAT,
        "periods": [
            {"name": p.name, "start": p.start_date.isoformat(), "end": p.end_date.isoformat()}
            for p in periods
        ],
        "teams": [
            {
                "slug": team.slug,
                "name": team.name,
                "kind": team.kind,
                "capacity": {
                    "default": plain_number(team.default_capacity),
                    "periods": {
                        name: plain_number(pw) for _, name, pw in sorted(overrides.get(team.id, []))
                    },
                },
            }
            for team in teams
        ],
        "items": [
            {
                "key": item.key,
                "team": slugs[item.team_id],
                "title": item.title,
                "description": item.description,
                "priority": PRIORITY_NAMES[item.priority],
                "start": period_names.get(item.start_period_id),
                "end": period_names.get(item.end_period_id),
                "estimate": plain_number(item.estimate),
                "status": item.status,
                "health": item.health,
                "owner": item.owner,
                "created_at": format_datetime(item.created_at),
            }
            for item in items
        ],
        "dependencies": [
            {
                "dependent": dependent,
                "dependency": dependency,
                "needed_by": period_names.get(needed_by),
                "commitment": commitment,
            }
            for dependent, dependency, needed_by, commitment in dependencies
        ],
        "status_updates": [
            {
                "item": keys[update.item_id],
                "week": update.week,
                "health": update.health,
                "status": update.status,
                "progress": update.progress,
                "note": update.note,
                "author": update.author,
                "at": format_datetime(update.at),
            }
            for update in updates
        ],
    }

"""The API's resources as JSON, with the plan interchange format's field names
(docs/plan-format.md), plus what only the API shows (``version``, links)."""

from __future__ import annotations

from typing import Any

from app.alignment import PRIORITY_NAMES, Conflict
from app.api.base import etag_of
from app.clock import format_datetime
from app.models import Dependency, Item, Period, StatusUpdate, Team
from app.plan_io.exporter import plain_number
from app.planning.history import HistoryEntry


def item_json(item: Item) -> dict[str, Any]:
    return {
        "key": item.key,
        "team": item.team.slug,
        "title": item.title,
        "description": item.description,
        "priority": PRIORITY_NAMES[item.priority],
        "start": item.start_period.name if item.start_period else None,
        "end": item.end_period.name if item.end_period else None,
        "estimate": plain_number(item.estimate),
        "status": item.status,
        "health": item.health,
        "owner": item.owner,
        "created_at": format_datetime(item.created_at),
        "updated_at": format_datetime(item.updated_at),
        "version": item.version,
    }


def item_etag(item: Item) -> str:
    return etag_of("item", item.id, item.version)


def dependency_json(dep: Dependency) -> dict[str, Any]:
    return {
        "id": dep.id,
        "dependent": dep.dependent.key,
        "dependency": dep.dependency.key,
        "needed_by": dep.needed_by.name if dep.needed_by else None,
        "commitment": dep.commitment,
        "note": dep.note,
        "created_at": format_datetime(dep.created_at),
        "version": dep.version,
    }


def dependency_etag(dep: Dependency) -> str:
    return etag_of("dependency", dep.id, dep.version)


def status_update_json(update: StatusUpdate) -> dict[str, Any]:
    return {
        "id": update.id,
        "item": update.item.key,
        "week": update.week,
        "health": update.health,
        "status": update.status,
        "progress": update.progress,
        "note": update.note,
        "author": update.author,
        "at": format_datetime(update.at),
    }


def history_entry_json(entry: HistoryEntry) -> dict[str, Any]:
    """One event of an item's history, in the words of the item page."""
    return {
        "at": format_datetime(entry.at),
        "actor": entry.actor,
        "subject": entry.subject,
        "action": entry.action,
        "changes": [{"field": c.field, "old": c.old, "new": c.new} for c in entry.changes],
    }


def period_json(period: Period) -> dict[str, Any]:
    return {
        "name": period.name,
        "start": period.start_date.isoformat(),
        "end": period.end_date.isoformat(),
    }


def team_json(team: Team, overrides: list[tuple[str, float]]) -> dict[str, Any]:
    """A team as the plan interchange format writes it; ``overrides`` are
    ``(period name, person-weeks)`` in period order."""
    return {
        "slug": team.slug,
        "name": team.name,
        "kind": team.kind,
        "capacity": {
            "default": plain_number(team.default_capacity),
            "periods": {name: plain_number(pw) for name, pw in overrides},
        },
    }


def capacity_cell_json(
    team: Team, period: Period, person_weeks: float | None, version: int | None
) -> dict[str, Any]:
    """One team's capacity in one period: its override (None: the default holds)
    and the capacity that counts."""
    effective = team.default_capacity if person_weeks is None else person_weeks
    return {
        "team": team.slug,
        "period": period.name,
        "person_weeks": plain_number(person_weeks),
        "default": plain_number(team.default_capacity),
        "effective_capacity": plain_number(effective),
        "version": version or 0,
    }


def conflict_json(conflict: Conflict) -> dict[str, Any]:
    """A conflict as `flask conflicts --format json` reports it, plus its
    explanation and the one-click actions of its suggestions, as the app shows them."""
    data = conflict.to_dict()
    data["explanation"] = conflict.message
    data["actions"] = [
        {
            "kind": action.kind,
            "item": action.item_key,
            "suggestion": action.suggestion,
            "start": action.start_name,
            "end": action.end_name,
            "priority": None if action.priority is None else PRIORITY_NAMES[action.priority],
        }
        for action in conflict.actions
    ]
    return data

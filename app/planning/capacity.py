"""Team capacity: each team's default and its per-period overrides, in person-weeks.

A capacity table is a mapping ``{(team id, period id or None): person-weeks or
None}``; the period None stands for the team's default, and an override of None
means "use the default". Saving writes only the cells that the person changed
from the values they loaded, and refuses (changing nothing) when someone else
changed one of those cells meanwhile.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app.alignment.diff import TEAM_PERIOD_TYPES, ConflictChanges, compare
from app.alignment.text import plural, pw
from app.extensions import db
from app.models import AuditEvent, Period, Team, TeamCapacity
from app.plan_store import analyze_plan
from app.planning.operations import PlanningError

Cell = tuple[int, int | None]
MAX_CAPACITY = 100_000


@dataclass(frozen=True, slots=True)
class CapacityResult:
    saved: int
    changes: ConflictChanges | None
    message: str


class CapacityChanged(PlanningError):
    """Someone else changed cells that this save would change; nothing was saved."""

    def __init__(self, cells: list[str], actor: str | None, at: datetime | None) -> None:
        self.cells = cells
        who = actor or "someone else"
        when = f" at {at:%Y-%m-%d %H:%M} UTC" if at else ""
        super().__init__(
            f"{who} changed capacity{when}, after you opened this page: "
            f"{'; '.join(cells)}. Nothing was saved. The table shows your values: save "
            "again to put them in place of theirs."
        )


def capacity_table() -> dict[Cell, float | None]:
    """The current defaults of every team and the overrides that are set."""
    table: dict[Cell, float | None] = {
        (team_id, None): default
        for team_id, default in db.session.execute(select(Team.id, Team.default_capacity))
    }
    for team_id, period_id, person_weeks in db.session.execute(
        select(TeamCapacity.team_id, TeamCapacity.period_id, TeamCapacity.person_weeks)
    ):
        table[(team_id, period_id)] = person_weeks
    return table


def _shown(value: float | None) -> str:
    return "default" if value is None else pw(value)


def _check(value: float | None, name: str) -> None:
    if value is not None and not (math.isfinite(value) and 0 <= value <= MAX_CAPACITY):
        raise PlanningError(
            f"{name}: capacity is a number of person-weeks from 0 to {MAX_CAPACITY:,}, or empty."
        )


def _cell_of(event: AuditEvent, row_cells: Mapping[int, Cell]) -> Cell | None:
    changes = event.changes or {}
    if event.entity == "team":
        return (event.entity_id, None) if "default_capacity" in changes else None
    if "team_id" in changes and "period_id" in changes:
        team_id = changes["team_id"][1] or changes["team_id"][0]
        return (team_id, changes["period_id"][1] or changes["period_id"][0])
    return row_cells.get(event.entity_id)


def last_change_of(cells: Collection[Cell], lookback: int = 200) -> AuditEvent | None:
    """The newest audit event (of the last ``lookback`` capacity changes) that set
    one of ``cells``."""
    row_cells = {
        row_id: (team_id, period_id)
        for row_id, team_id, period_id in db.session.execute(
            select(TeamCapacity.id, TeamCapacity.team_id, TeamCapacity.period_id)
        )
    }
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.entity.in_(("capacity", "team")))
        .order_by(AuditEvent.id.desc())
        .limit(lookback)
    )
    wanted = set(cells)
    return next((e for e in events if _cell_of(e, row_cells) in wanted), None)


def save_capacities(
    wanted: Mapping[Cell, float | None], loaded: Mapping[Cell, float | None]
) -> CapacityResult:
    """Write the cells of ``wanted`` that differ from ``loaded`` (what the person saw),
    creating, updating or deleting overrides and setting defaults."""
    teams = {team.id: team for team in db.session.scalars(select(Team))}
    periods = {period.id: period for period in db.session.scalars(select(Period))}

    def name(cell: Cell) -> str:
        team_id, period_id = cell
        if team_id not in teams or (period_id is not None and period_id not in periods):
            raise PlanningError("The capacity table refers to a team or period that is gone.")
        team = teams[team_id].name
        return f"{team} default" if period_id is None else f"{team} in {periods[period_id].name}"

    edits = {
        cell: value for cell, value in wanted.items() if cell in loaded and value != loaded[cell]
    }
    for cell, value in edits.items():
        _check(value, name(cell))
    if not edits:
        return CapacityResult(0, None, "No capacity changed.")

    current = capacity_table()
    stale = [cell for cell in edits if current.get(cell) != loaded[cell]]
    if stale:
        event = last_change_of(stale)
        described = [
            f"{name(cell)} is now {_shown(current.get(cell))} (you loaded {_shown(loaded[cell])})"
            for cell in stale
        ]
        who, when = (event.actor, event.at) if event else (None, None)
        raise CapacityChanged(described, who, when)

    before = analyze_plan()
    overrides = {
        (row.team_id, row.period_id): row for row in db.session.scalars(select(TeamCapacity))
    }
    for (team_id, period_id), value in edits.items():
        if period_id is None:
            teams[team_id].default_capacity = value
            continue
        row = overrides.get((team_id, period_id))
        if value is None:
            db.session.delete(row)
        elif row is None:
            db.session.add(TeamCapacity(team_id=team_id, period_id=period_id, person_weeks=value))
        else:
            row.person_weeks = value
    db.session.flush()
    changes = compare(before, analyze_plan(before.now), TEAM_PERIOD_TYPES)
    message = f"Saved {plural(len(edits), 'capacity change')}: {changes.text()}."
    return CapacityResult(len(edits), changes, message)

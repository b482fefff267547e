"""Team capacity: each team's default and its per-period overrides, in person-weeks.

A capacity table is a mapping ``{(team id, period id or None): person-weeks or
None}``; the period None stands for the team's default, and an override of None
means "use the default". Each cell also has a version: the team's
``capacity_version`` for its default, the override row's ``version`` for an
override, and None for an empty override cell (no row). The capacity form carries
what every cell was (value and version) when it was loaded.

Saving writes only the cells that the person changed from the values they loaded,
each with one conditional statement that matches only if the cell is still as
loaded: an UPDATE or DELETE ``... WHERE version = loaded``, or an
``INSERT ... ON CONFLICT DO NOTHING`` for an empty cell. A statement that matches
nothing means someone else changed that cell meanwhile, in this process or any
other: the whole save is undone and refused with who changed which cell. Two
saves of one cell at once therefore cannot both succeed; the database decides
which one was first.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.alignment.diff import TEAM_PERIOD_TYPES, ConflictChanges, compare
from app.alignment.text import plural, pw
from app.audit import record
from app.extensions import db
from app.fields import PERSON_WEEKS_MAX, is_person_weeks
from app.models import AuditEvent, Period, Team, TeamCapacity
from app.plan_store import Change, analyze_plan, bump_revision
from app.planning.operations import PlanningError

Cell = tuple[int, int | None]


class CellState(NamedTuple):
    """A capacity cell as stored: its value and its version (None: no override row)."""

    value: float | None
    version: int | None


@dataclass(frozen=True, slots=True)
class CapacityResult:
    saved: int
    changes: ConflictChanges | None
    message: str


@dataclass(frozen=True, slots=True)
class Clash:
    """A cell that someone else changed after the form was loaded."""

    cell: Cell
    name: str
    loaded: float | None
    theirs: float | None
    yours: float | None
    actor: str | None
    at: datetime | None

    def text(self) -> str:
        by = f" by {self.actor}" if self.actor else ""
        when = f" at {self.at:%Y-%m-%d %H:%M} UTC" if self.at else ""
        return (
            f"{self.name} is now {_shown(self.theirs)}, set{by}{when} "
            f"(you loaded {_shown(self.loaded)}; yours: {_shown(self.yours)})"
        )


class CapacityChanged(PlanningError):
    """Someone else changed cells that this save would change; nothing was saved."""

    def __init__(self, clashes: list[Clash]) -> None:
        self.clashes = clashes
        actors = sorted({c.actor for c in clashes if c.actor}) or ["Someone else"]
        super().__init__(
            f"{' and '.join(actors)} changed capacity after you opened this page: "
            f"{'; '.join(c.text() for c in clashes)}. Nothing was saved. The table shows "
            "your values: save again to put them in place of theirs."
        )


def capacity_cells() -> dict[Cell, CellState]:
    """Every team's default and every override that is set, with their versions."""
    cells: dict[Cell, CellState] = {
        (team_id, None): CellState(default, version)
        for team_id, default, version in db.session.execute(
            select(Team.id, Team.default_capacity, Team.capacity_version)
        )
    }
    for team_id, period_id, person_weeks, version in db.session.execute(
        select(
            TeamCapacity.team_id,
            TeamCapacity.period_id,
            TeamCapacity.person_weeks,
            TeamCapacity.version,
        )
    ):
        cells[(team_id, period_id)] = CellState(person_weeks, version)
    return cells


def capacity_table(cells: Mapping[Cell, CellState] | None = None) -> dict[Cell, float | None]:
    """The current defaults of every team and the overrides that are set."""
    cells = capacity_cells() if cells is None else cells
    return {cell: state.value for cell, state in cells.items()}


def _shown(value: float | None) -> str:
    return "default" if value is None else pw(value)


def _check(value: float | None, name: str) -> None:
    if not is_person_weeks(value):
        raise PlanningError(
            f"{name}: capacity is a number of person-weeks "
            f"from 0 to {PERSON_WEEKS_MAX:,}, or empty."
        )


def _cell_of(event: AuditEvent, row_cells: Mapping[int, Cell]) -> Cell | None:
    changes = event.changes or {}
    if event.entity == "team":
        return (event.entity_id, None) if "default_capacity" in changes else None
    if "team_id" in changes and "period_id" in changes:
        team_id = changes["team_id"][1] or changes["team_id"][0]
        return (team_id, changes["period_id"][1] or changes["period_id"][0])
    return row_cells.get(event.entity_id)


def last_changes(cells: Collection[Cell], lookback: int = 500) -> dict[Cell, AuditEvent]:
    """The newest audit event (of the last ``lookback`` team and capacity changes)
    that set each of ``cells``."""
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
    wanted, found = set(cells), {}
    for event in events:
        cell = _cell_of(event, row_cells)
        if cell in wanted and cell not in found:
            found[cell] = event
            if len(found) == len(wanted):
                break
    return found


def _upsert(table):
    dialect = db.session.get_bind().dialect.name
    return (postgresql_insert if dialect == "postgresql" else sqlite_insert)(table)


def _write(cell: Cell, loaded: CellState, value: float | None) -> bool:
    """Set ``cell`` to ``value`` if it is still as ``loaded``, with its audit event.
    False when someone else changed it meanwhile (then nothing was written)."""
    team_id, period_id = cell
    if period_id is None:
        changed = db.session.execute(
            update(Team)
            .where(
                Team.id == team_id,
                Team.capacity_version == loaded.version,
                Team.default_capacity.is_not_distinct_from(loaded.value),
            )
            .values(default_capacity=value, capacity_version=Team.capacity_version + 1)
            .execution_options(synchronize_session=False)
        )
        if changed.rowcount != 1:
            return False
        record(db.session, "team", team_id, "update", {"default_capacity": [loaded.value, value]})
        return True

    here = (TeamCapacity.team_id == team_id, TeamCapacity.period_id == period_id)
    if loaded.version is None:
        if value is None:
            return True
        row_id = db.session.execute(
            _upsert(TeamCapacity.__table__)
            .values(team_id=team_id, period_id=period_id, person_weeks=value, version=1)
            .on_conflict_do_nothing(index_elements=["team_id", "period_id"])
            .returning(TeamCapacity.__table__.c.id)
        ).scalar()
        if row_id is None:
            return False
        changes = {"team_id": [None, team_id], "period_id": [None, period_id]}
        record(db.session, "capacity", row_id, "create", {**changes, "person_weeks": [None, value]})
        return True

    still = (
        *here,
        TeamCapacity.version == loaded.version,
        TeamCapacity.person_weeks == loaded.value,
    )
    if value is None:
        row_id = db.session.execute(
            delete(TeamCapacity)
            .where(*still)
            .returning(TeamCapacity.id)
            .execution_options(synchronize_session=False)
        ).scalar()
        if row_id is None:
            return False
        changes = {"team_id": [team_id, None], "period_id": [period_id, None]}
        record(
            db.session,
            "capacity",
            row_id,
            "delete",
            {**changes, "person_weeks": [loaded.value, None]},
        )
        return True
    row_id = db.session.execute(
        update(TeamCapacity)
        .where(*still)
        .values(person_weeks=value, version=TeamCapacity.version + 1)
        .returning(TeamCapacity.id)
        .execution_options(synchronize_session=False)
    ).scalar()
    if row_id is None:
        return False
    record(db.session, "capacity", row_id, "update", {"person_weeks": [loaded.value, value]})
    return True


def _order(cell: Cell) -> tuple[int, int]:
    """Cells in one order for every save, so that two saves never wait on each other
    in a circle."""
    team_id, period_id = cell
    return (team_id, -1 if period_id is None else period_id)


def save_capacities(
    wanted: Mapping[Cell, float | None], loaded: Mapping[Cell, CellState]
) -> CapacityResult:
    """Write the cells of ``wanted`` that differ from ``loaded`` (what the person saw),
    creating, updating or deleting overrides and setting defaults. Raises
    CapacityChanged, having written nothing, when any of them is no longer as loaded."""
    teams = {team.id: team for team in db.session.scalars(select(Team))}
    periods = {period.id: period for period in db.session.scalars(select(Period))}

    def name(cell: Cell) -> str:
        team_id, period_id = cell
        if team_id not in teams or (period_id is not None and period_id not in periods):
            raise PlanningError("The capacity table refers to a team or period that is gone.")
        team = teams[team_id].name
        return f"{team} default" if period_id is None else f"{team} in {periods[period_id].name}"

    edits = {
        cell: value
        for cell, value in wanted.items()
        if cell in loaded and value != loaded[cell].value
    }
    for cell, value in edits.items():
        _check(value, name(cell))
    if not edits:
        return CapacityResult(0, None, "No capacity changed.")

    before = analyze_plan()
    savepoint = db.session.begin_nested()
    try:
        stale = [
            cell
            for cell in sorted(edits, key=_order)
            if not _write(cell, loaded[cell], edits[cell])
        ]
        if not stale:
            changed = sorted({team_id for team_id, _period_id in edits})
            bump_revision(db.session.connection(), map(Change.of_team, changed))
    except BaseException:
        savepoint.rollback()
        raise
    if stale:
        savepoint.rollback()
        current = capacity_cells()
        events = last_changes(stale)
        clashes = []
        for cell in stale:
            event = events.get(cell)
            theirs = current.get(cell, CellState(None, None)).value
            clashes.append(
                Clash(
                    cell,
                    name(cell),
                    loaded[cell].value,
                    theirs,
                    edits[cell],
                    event.actor if event else None,
                    event.at if event else None,
                )
            )
        raise CapacityChanged(clashes)
    savepoint.commit()
    for team_id in {team_id for team_id, _ in edits}:
        db.session.expire(teams[team_id])
    changes = compare(before, analyze_plan(before.now), TEAM_PERIOD_TYPES)
    message = f"Saved {plural(len(edits), 'capacity change')}: {changes.text()}."
    return CapacityResult(len(edits), changes, message)

"""The plan's own forms, drag and one-click actions, inside a scenario: what they
show is the scenario's plan, and what they change goes into the scenario (through
``app.scenarios.operations``), never into the live plan.

A scenario changes an item's periods, team, priority, estimate and status, a
dependency's needed-by period and commitment, and a team's capacity per period;
anything else (titles, deleting, linking) is the live plan's, and asked for inside
a scenario it is refused with a way back to the live plan."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from flask import abort
from sqlalchemy import select

from app.alignment import PRIORITY_NAMES, Analysis
from app.alignment.diff import TEAM_PERIOD_TYPES, compare
from app.alignment.text import period_place, plural
from app.extensions import db
from app.models import Dependency, Item, Period, Scenario, Team
from app.planning.capacity import CapacityChanged, CapacityResult, Cell, CellState
from app.planning.capacity import Clash as CapacityClash
from app.planning.operations import PlanningError, StaleEdit
from app.planning.schedule import MoveResult, shifted_periods
from app.scenarios import operations


class StaleInScenario(StaleEdit):
    """An edit inside a scenario made against values that are no longer the
    scenario's (see ``edit_version``): nothing was saved. ``current`` holds the
    values as they are now, in the form's terms, for the differences table (empty
    when another save got in between this one's check and its write)."""

    def __init__(
        self, message: str, current: dict[str, Any] | None = None, version: int | None = None
    ) -> None:
        self.actor, self.at, self.current = "someone else", None, current or {}
        self.version = version  # the version to save against next, when known
        PlanningError.__init__(self, message)


def _stale_message(scenario: Scenario, what: str) -> str:
    return (
        f"{what} was changed in scenario {scenario.name} after you opened this page, by "
        "another planner or live where the scenario does not change it (or the page was "
        "opened outside this scenario). Nothing was saved."
    )


@contextmanager
def refusals() -> Iterator[None]:
    """A scenario's refusal as the planning refusal that the plan's forms show; a
    save that lost the race to another one on the same scenario is stale (409)."""
    try:
        yield
    except operations.ScenarioStale as error:
        raise StaleInScenario(str(error)) from None
    except operations.ScenarioError as error:
        raise PlanningError(str(error), error.field) from None


# Versions: what a page inside a scenario carries for the thing it edits

# The fields of an item that each of its edits writes (and so checks).
MOVE_FIELDS = ("start_period_id", "end_period_id", "team_id")
ITEM_FIELDS = (*MOVE_FIELDS, "priority", "estimate", "status")


def edit_version(scenario: Scenario, what: str, values: Mapping[str, Any]) -> int:
    """The version that a page inside ``scenario`` carries for one thing it edits
    (``what``: an item, a dependency, a capacity cell), in the form's ``version``
    field or the card's ``data-version`` as the live plan's pages carry a row's
    version: a fingerprint of the scenario and of ``values``, the values of the
    fields that the edit writes as the scenario's plan has them now.

    An edit whose version is not the one these values give when it is saved is
    refused as stale (409, nothing written), as a live edit against an older row
    version is. That is the finest check that loses nothing: it refuses exactly when
    what the edit would overwrite is no longer what its page showed, because another
    planner changed the same thing in the same scenario, or because it changed live
    where the scenario does not change it (the page then showed the live value, and
    saving it would silently put the old value back into the scenario). It does not
    refuse for other changes: the scenario's version moves with every change to any
    of its items, so checking it would refuse every other planner's edit of the
    same scenario; the live row's version moves with live changes of fields that the
    scenario overrides (which the page never showed), and stays still when another
    planner changes the scenario. A page opened live, or in another scenario, carries
    a version that is not this one (the scenario's id is in the fingerprint), so its
    edit is refused rather than put into a scenario it did not show. A save that
    races another between this check and its write still loses: the scenario's
    optimistic version, which the change functions' flush checks, refuses it."""
    text = json.dumps([scenario.id, what, values], sort_keys=True, default=str)
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=6).digest(), "big")


@dataclass(frozen=True, slots=True)
class PlannedItem:
    """A live item as a scenario plans it: the row's key, title and version, with
    the scenario's periods, team, priority, estimate and status. It reads like an
    ``Item`` to the filters and helpers that describe or shift an item."""

    row: Item
    start_period: Period | None
    end_period: Period | None
    team: Team
    priority: int
    estimate: float | None
    status: str

    @property
    def id(self) -> int:
        return self.row.id

    @property
    def key(self) -> str:
        return self.row.key

    @property
    def title(self) -> str:
        return self.row.title

    @property
    def version(self) -> int:
        return self.row.version

    @property
    def start_period_id(self) -> int | None:
        return self.start_period.id if self.start_period else None

    @property
    def end_period_id(self) -> int | None:
        return self.end_period.id if self.end_period else None

    @property
    def team_id(self) -> int:
        return self.team.id

    @property
    def priority_name(self) -> str:
        return PRIORITY_NAMES[self.priority]

    def values(self) -> dict:
        """The fields a scenario changes, as ``set_item_fields`` takes them."""
        return {
            "start_period_id": self.start_period_id,
            "end_period_id": self.end_period_id,
            "team_id": self.team_id,
            "priority": self.priority,
            "estimate": self.estimate,
            "status": self.status,
        }


def _periods_by_index(analysis: Analysis) -> list[Period | None]:
    """The periods of the analysed snapshot, as rows, by their index."""
    rows = {p.name: p for p in db.session.scalars(select(Period))}
    return [rows.get(p.name) for p in analysis.snapshot.periods]


def planned_item(scenario: Scenario, item: Item, analysis: Analysis | None = None) -> PlannedItem:
    """``item`` as ``scenario`` plans it (the live item where it changes nothing)."""
    analysis = analysis or operations.scenario_analysis(scenario)
    periods = _periods_by_index(analysis)
    planned = analysis.item(item.id)
    team = item.team if planned.team_id == item.team_id else db.session.get(Team, planned.team_id)
    return PlannedItem(
        item,
        None if planned.start is None else periods[planned.start],
        None if planned.end is None else periods[planned.end],
        team,
        planned.priority,
        planned.estimate,
        planned.status,
    )


def _item_version(scenario: Scenario, key: str, values: Mapping[str, Any], fields) -> int:
    return edit_version(scenario, f"item {key}", {name: values[name] for name in fields})


def item_version(
    scenario: Scenario, planned: PlannedItem, fields: Iterable[str] = ITEM_FIELDS
) -> int:
    """The version of an edit of ``planned``'s ``fields`` (see ``edit_version``)."""
    return _item_version(scenario, planned.key, planned.values(), tuple(fields))


def form_values(planned: PlannedItem) -> dict[str, Any]:
    """The scenario's values of an item in the item form's terms, as the
    differences after a stale save show them."""
    return {
        "team": planned.team.name,
        "priority": planned.priority,
        "start": planned.start_period,
        "end": planned.end_period,
        "estimate": planned.estimate,
        "status": planned.status,
    }


def check_item_version(
    scenario: Scenario,
    planned: PlannedItem,
    expected: int | None,
    fields: Iterable[str] = ITEM_FIELDS,
) -> None:
    """Refuse an edit of ``planned``'s ``fields`` whose page had version ``expected``
    when they have changed since (StaleInScenario, with the values now)."""
    fields = tuple(fields)
    now = item_version(scenario, planned, fields)
    if expected != now:
        raise StaleInScenario(_stale_message(scenario, planned.key), form_values(planned), now)


@contextmanager
def writing_item(
    scenario: Scenario, fields: Iterable[str], planned: Callable[[], PlannedItem | None]
) -> Iterator[None]:
    """``refusals()`` around a write of an item's ``fields``: when another save of
    the scenario got in between the check and the write, the refusal carries the
    item's values and version after that save (``planned()``, read anew)."""
    try:
        with refusals():
            yield
    except StaleInScenario:
        db.session.expire_all()
        now = planned()
        if now is not None:
            check_item_version(scenario, now, None, fields)  # None is never a version
        raise


def move_versions(scenario: Scenario, analysis: Analysis, ids: Iterable[int]) -> dict[int, int]:
    """The version of each roadmap card's move (its periods and team), by item id,
    from the scenario's ``analysis``: what its ``data-version`` carries."""
    periods = _periods_by_index(analysis)

    def period_id(index: int | None) -> int | None:
        row = None if index is None else periods[index]
        return row.id if row is not None else None

    versions = {}
    for item_id in ids:
        planned = analysis.item(item_id)
        values = {
            "start_period_id": period_id(planned.start),
            "end_period_id": period_id(planned.end),
            "team_id": planned.team_id,
        }
        versions[item_id] = _item_version(scenario, planned.key, values, MOVE_FIELDS)
    return versions


def _stale_move(scenario: Scenario, planned: PlannedItem, version: int) -> StaleInScenario:
    """The roadmap's refusal of a move of ``planned``, saying where it is now."""
    start, end = planned.start_period, planned.end_period
    place = period_place(start.name if start else None, end.name if end else None)
    where = f"{place} ({planned.team.name})"
    return StaleInScenario(
        f"{planned.key} was changed in scenario {scenario.name} after you loaded the roadmap (or "
        "the roadmap you moved it on was not this scenario's). Nothing was moved: in the "
        f"scenario it is now in {where}. Move it again if you still want to.",
        version=version,
    )


def _where(old_team_id: int, team: Team, start: Period | None, end: Period | None) -> str:
    place = period_place(start.name if start else None, end.name if end else None)
    return f"{team.name}, {place}" if team.id != old_team_id else place


def change_item(
    scenario: Scenario,
    item: Item,
    values: Mapping,
    before: Analysis,
    *,
    what: str,
    expected_version: int | None,
) -> tuple[Analysis, str]:
    """Put ``values`` of ``item`` into the scenario, if the fields they set are still
    as the page of version ``expected_version`` showed them (else StaleInScenario);
    the scenario's analysis after, and a message that says what ``what`` (e.g.
    "Moved PAY-1 to 2027 Q3") did to the scenario's conflicts."""
    check_item_version(scenario, planned_item(scenario, item, before), expected_version, values)
    with writing_item(scenario, values, lambda: planned_item(scenario, item)):
        operations.set_item_fields(scenario, item, dict(values))
    after = operations.scenario_analysis(scenario)
    changes = compare(before, after)
    return after, f"{what} in scenario {scenario.name}: {changes.text(focus=[item.key])}."


def move_item(
    scenario: Scenario,
    item: Item,
    start: Period | None,
    *,
    team: Team | None,
    periods: list[Period],
    before: Analysis,
    expected_version: int | None,
) -> MoveResult:
    """The roadmap's move, in the scenario: ``item`` to begin in ``start`` (None: the
    backlog) keeping the span it has in the scenario, and to ``team`` if given; only
    if its periods and team are as the roadmap of version ``expected_version``
    showed them (else StaleInScenario)."""
    planned = planned_item(scenario, item, before)
    now = item_version(scenario, planned, MOVE_FIELDS)
    if expected_version != now:
        raise _stale_move(scenario, planned, now)
    new_start, new_end = shifted_periods(planned, start, periods)
    team = team or planned.team
    where = _where(planned.team_id, team, new_start, new_end)
    values = {
        "start_period_id": new_start.id if new_start else None,
        "end_period_id": new_end.id if new_end else None,
        "team_id": team.id,
    }
    if all(planned.values()[name] == value for name, value in values.items()):
        return MoveResult(
            item, False, None, f"{item.key} is already in {where} in scenario {scenario.name}."
        )
    with refusals():
        operations.set_item_fields(scenario, item, values)
    after = operations.scenario_analysis(scenario)
    changes = compare(before, after)
    message = (
        f"Moved {item.key} to {where} in scenario {scenario.name}: "
        f"{changes.text(focus=[item.key])}."
    )
    return MoveResult(item, True, changes, message, after)


@dataclass(frozen=True, slots=True)
class NewItem:
    """One of a scenario's new items, as the roadmap's move reads an item."""

    id: int
    key: str
    start_period_id: int | None
    end_period_id: int | None
    team_id: int
    version: int = 0


def new_item_row(scenario: Scenario, key: str, analysis: Analysis) -> PlannedItem | None:
    """One of the scenario's new items, as the Move page shows an item (id negative,
    version 0), or None."""
    planned = next((i for i in analysis.snapshot.items if i.id < 0 and i.key == key), None)
    if planned is None:
        return None
    periods = _periods_by_index(analysis)
    stand_in = Item(id=planned.id, key=key, title=planned.title, version=0)
    return PlannedItem(
        stand_in,
        None if planned.start is None else periods[planned.start],
        None if planned.end is None else periods[planned.end],
        db.session.get(Team, planned.team_id),
        planned.priority,
        planned.estimate,
        planned.status,
    )


def move_new_item(
    scenario: Scenario,
    key: str,
    start: Period | None,
    *,
    team: Team | None,
    periods: list[Period],
    before: Analysis,
    expected_version: int | None,
) -> MoveResult | None:
    """The roadmap's move of one of the scenario's new items, checked as
    ``move_item``'s is; None when the scenario has no new item ``key``."""
    planned = next((i for i in before.snapshot.items if i.id < 0 and i.key == key), None)
    if planned is None or operations.new_item(scenario, key) is None:
        return None
    rows = _periods_by_index(before)
    item = NewItem(
        planned.id,
        key,
        None if planned.start is None else rows[planned.start].id,
        None if planned.end is None else rows[planned.end].id,
        planned.team_id,
    )
    now = move_versions(scenario, before, [planned.id])[planned.id]
    if expected_version != now:
        raise _stale_move(scenario, new_item_row(scenario, key, before), now)
    new_start, new_end = shifted_periods(item, start, periods)
    team = team or db.session.get(Team, planned.team_id)
    where = _where(planned.team_id, team, new_start, new_end)
    values = {
        "start_period_id": new_start.id if new_start else None,
        "end_period_id": new_end.id if new_end else None,
        "team_id": team.id,
    }
    if (item.start_period_id, item.end_period_id, item.team_id) == tuple(values.values()):
        return MoveResult(
            item, False, None, f"{key} is already in {where} in scenario {scenario.name}."
        )
    with refusals():
        operations.update_new_item(scenario, key, values)
    after = operations.scenario_analysis(scenario)
    changes = compare(before, after)
    message = f"Moved {key} to {where} in scenario {scenario.name}: {changes.text(focus=[key])}."
    return MoveResult(item, True, changes, message, after)


def item_json(analysis: Analysis, item: Item, scenario: Scenario | None = None) -> dict:
    """The roadmap's JSON of an item, with its periods and team as ``analysis`` has
    them, and its version as the scenario's roadmap carries it."""
    planned = analysis.item(item.id)
    if scenario is None:
        version = item.version
    else:
        version = move_versions(scenario, analysis, [item.id])[item.id]
    names = [p.name for p in analysis.snapshot.periods]
    team = next(t for t in analysis.snapshot.teams if t.id == planned.team_id)
    return {
        "key": item.key,
        "id": item.id,
        "version": version,
        "team": team.slug,
        "start": None if planned.start is None else names[planned.start],
        "end": None if planned.end is None else names[planned.end],
    }


def _snapshot_dependency(analysis: Analysis, dep: Dependency):
    return next(
        (
            d
            for d in analysis.snapshot.dependencies
            if d.dependent_id == dep.dependent_id and d.dependency_id == dep.dependency_id
        ),
        None,
    )


def planned_dependency(scenario: Scenario, dep: Dependency) -> tuple[Period | None, str]:
    """(needed-by period, commitment) of ``dep`` as the scenario plans it."""
    analysis = operations.scenario_analysis(scenario)
    found = _snapshot_dependency(analysis, dep)
    if found is None:
        return dep.needed_by, dep.commitment
    periods = _periods_by_index(analysis)
    needed_by = None if found.needed_by is None else periods[found.needed_by]
    return needed_by, found.commitment


@dataclass(frozen=True, slots=True)
class PlannedDependency:
    """A live dependency as a scenario plans it, read like a ``Dependency`` by the
    pages: its two items, needed-by period and commitment as the scenario has them
    (its note is the live one: a scenario does not hold notes)."""

    row: Dependency
    dependent: PlannedItem
    dependency: PlannedItem
    needed_by: Period | None
    commitment: str

    @property
    def id(self) -> int:
        return self.row.id

    @property
    def note(self) -> str | None:
        return self.row.note


def planned_dependency_row(scenario: Scenario, dep: Dependency) -> PlannedDependency:
    analysis = operations.scenario_analysis(scenario)
    needed_by, commitment = planned_dependency(scenario, dep)
    return PlannedDependency(
        dep,
        planned_item(scenario, dep.dependent, analysis),
        planned_item(scenario, dep.dependency, analysis),
        needed_by,
        commitment,
    )


def dependency_version(scenario: Scenario, dep: Dependency, field: str) -> int:
    """The version of an edit of ``dep``'s ``field`` ("needed_by" or "commitment")
    in the scenario (see ``edit_version``)."""
    values = _dependency_values(scenario, dep, field)
    return edit_version(scenario, f"dependency {dep.id} {field}", values)


def _dependency_values(scenario: Scenario, dep: Dependency, field: str) -> dict[str, Any]:
    if field == "commitment":  # read from the analysis alone: the item pages ask per link
        found = _snapshot_dependency(operations.scenario_analysis(scenario), dep)
        return {"commitment": dep.commitment if found is None else found.commitment}
    needed_by, _commitment = planned_dependency(scenario, dep)
    return {"needed_by": needed_by.id if needed_by else None}


def check_dependency_version(
    scenario: Scenario, dep: Dependency, field: str, expected: int | None
) -> None:
    """Refuse an edit of ``dep``'s ``field`` whose page had version ``expected`` when
    the field has changed since (StaleInScenario, with its value now)."""
    now = dependency_version(scenario, dep, field)
    if expected != now:
        needed_by, commitment = planned_dependency(scenario, dep)
        current = {"needed_by": needed_by} if field == "needed_by" else {"commitment": commitment}
        what = f"{dep.dependent.key} needing {dep.dependency.key}"
        raise StaleInScenario(_stale_message(scenario, what), current, now)


# Capacity: the scenario's table, in the capacity form's terms


_NO_OVERRIDE = CellState(None, None)


def _cell_version(scenario: Scenario, cell: Cell, value: float | None) -> int:
    return edit_version(scenario, f"capacity {cell[0]}:{cell[1]}", {"value": value})


def capacity_cells(scenario: Scenario, analysis: Analysis | None = None) -> dict[Cell, CellState]:
    """Every team's default and every per-period capacity that the scenario's plan
    sets, as the capacity form loads them: each with its version (``edit_version``
    of the cell's value; a cell the scenario's plan leaves at the default has none,
    as a live cell without an override has none)."""
    analysis = analysis or operations.scenario_analysis(scenario)
    periods = _periods_by_index(analysis)
    cells: dict[Cell, CellState] = {}
    for team in analysis.snapshot.teams:
        default = (team.id, None)
        cells[default] = CellState(
            team.default_capacity, _cell_version(scenario, default, team.default_capacity)
        )
        for index, value in team.capacities.items():
            period = periods[index]
            if period is not None:
                cell = (team.id, period.id)
                cells[cell] = CellState(value, _cell_version(scenario, cell, value))
    return cells


def save_capacities(
    scenario: Scenario,
    wanted: Mapping[Cell, float | None],
    loaded: Mapping[Cell, CellState],
) -> CapacityResult:
    """The capacity form's save, into the scenario: each period cell that differs
    from what was loaded. A team's default is the live plan's (a scenario changes
    capacity period by period). A cell that is no longer as loaded (value and
    version: another planner changed it in the scenario, or it changed live where
    the scenario does not change it, or the page was not this scenario's) is
    refused as the live table refuses one (CapacityChanged), with nothing saved."""
    before = operations.scenario_analysis(scenario)
    current = capacity_cells(scenario, before)
    edits = {
        cell: value
        for cell, value in wanted.items()
        if cell in loaded and value != loaded[cell].value
    }
    if any(period_id is None for _team, period_id in edits):
        raise PlanningError(
            "A scenario changes capacity period by period: change a team's default in the "
            "live plan."
        )
    if not edits:
        return CapacityResult(0, None, f"No capacity changed in scenario {scenario.name}.")
    teams = {t.id: t for t in db.session.scalars(select(Team))}
    periods = {p.id: p for p in db.session.scalars(select(Period))}
    if any(team_id not in teams or period_id not in periods for team_id, period_id in edits):
        raise PlanningError("The capacity table refers to a team or period that is gone.")
    clashes = [
        CapacityClash(
            cell,
            f"{teams[cell[0]].name} in {periods[cell[1]].name} (scenario {scenario.name})",
            loaded[cell].value,
            current.get(cell, _NO_OVERRIDE).value,
            value,
            None,
            None,
        )
        for cell, value in sorted(edits.items())
        if current.get(cell, _NO_OVERRIDE) != loaded[cell]
    ]
    if clashes:
        raise CapacityChanged(clashes)
    for (team_id, period_id), value in sorted(edits.items()):
        with refusals():
            operations.set_capacity(scenario, teams[team_id], periods[period_id], value)
    changes = compare(before, operations.scenario_analysis(scenario), TEAM_PERIOD_TYPES)
    message = (
        f"Saved {plural(len(edits), 'capacity change')} in scenario {scenario.name}: "
        f"{changes.text()}."
    )
    return CapacityResult(len(edits), changes, message)


def refuse_in_scenario(scenario: Scenario, what: str) -> None:
    """409 for a change that only the live plan can take, asked inside a scenario."""
    abort(
        409,
        description=(
            f"You are in scenario {scenario.name}, which cannot hold this change: {what} "
            "changes the live plan. Go back to the live plan (the banner's button) to do it, "
            "or make the change the scenario can hold."
        ),
    )

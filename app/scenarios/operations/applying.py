"""Applying a scenario to the live plan (or refusing, with its clashes), and
auto-scheduling it."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from sqlalchemy import insert, select, tuple_
from sqlalchemy.orm.exc import StaleDataError

from app.alignment import PRIORITY_NAMES
from app.alignment.text import estimate_text, period_span, pw, status_word
from app.audit import acting_as
from app.extensions import db
from app.models import (
    Dependency,
    Item,
    Period,
    Scenario,
    ScenarioChange,
    Team,
    TeamCapacity,
    User,
)
from app.planning.capacity import CellState, capacity_cells, save_capacities
from app.planning.dependency_operations import answer_request, update_dependency
from app.planning.operations import (
    PlanningError,
    create_item,
    stale_item,
    update_item,
)
from app.planning.schedule import move_item, periods_in_order

from .changes import (
    FIELD_WORDS,
    _all_periods,
    _checked_item,
    _live_item,
    _new_changes,
    _same,
    _set_item,
)
from .errors import Clash, ScenarioClash, ScenarioError
from .lifecycle import (
    _by_target,
    _saving,
    _stale,
    refuse_while_scheduled,
    scenario_changes,
)
from .reading import _period_ids, scenario_analysis

# Autoschedule: bulk reads of item rows in chunks of this many ids.
CHUNK = 500


# -- Apply -------------------------------------------------------------------------------


class _Live:
    """The live rows that changes name, loaded in a few bulk queries."""

    def __init__(self) -> None:
        self.items: dict[int, Item] = {}
        self.dependencies: dict[tuple[int, int], Dependency] = {}
        self.overrides: dict[tuple[int, int], float] = {}
        self.periods: dict[int, Period] = {}
        self.teams: dict[int, Team] = {}

    @classmethod
    def load(cls, changes: list[ScenarioChange]) -> _Live:
        live = cls()
        item_ids = {c.item_id for c in changes if c.kind == "item"}
        if item_ids:
            live.items = {
                i.id: i for i in db.session.scalars(select(Item).where(Item.id.in_(item_ids)))
            }
        pairs = {(c.dependent_id, c.dependency_id) for c in changes if c.kind == "dependency"}
        if pairs:
            live.dependencies = {
                (d.dependent_id, d.dependency_id): d
                for d in db.session.scalars(
                    select(Dependency).where(
                        tuple_(Dependency.dependent_id, Dependency.dependency_id).in_(pairs)
                    )
                )
            }
        if any(c.kind == "capacity" for c in changes):
            live.overrides = {
                (team_id, period_id): value
                for team_id, period_id, value in db.session.execute(
                    select(TeamCapacity.team_id, TeamCapacity.period_id, TeamCapacity.person_weeks)
                )
            }
        live.periods = {p.id: p for p in db.session.scalars(select(Period))}
        live.teams = {t.id: t for t in db.session.scalars(select(Team))}
        return live

    def present(self, change: ScenarioChange) -> bool:
        if change.kind == "item":
            return change.item_id in self.items
        if change.kind == "dependency":
            return (change.dependent_id, change.dependency_id) in self.dependencies
        if change.kind == "capacity":
            return change.team_id in self.teams and change.period_id in self.periods
        return change.team_id in self.teams

    def value(self, change: ScenarioChange) -> Any:
        if change.kind == "item":
            return _live_item(self.items[change.item_id])[change.field]
        if change.kind == "dependency":
            dep = self.dependencies[(change.dependent_id, change.dependency_id)]
            return dep.needed_by_period_id if change.field == "needed_by" else dep.commitment
        if change.kind == "capacity":
            return self.overrides.get((change.team_id, change.period_id))
        return None

    def missing_periods(self, change: ScenarioChange) -> bool:
        """Whether the scenario's value names a period that is gone."""
        value = change.value
        if change.kind == "item" and change.field == "periods":
            named = value
        elif change.kind == "dependency" and change.field == "needed_by":
            named = [value]
        elif change.kind == "new":
            named = [value["start_period_id"], value["end_period_id"]]
        else:
            named = []
        return any(p is not None and p not in self.periods for p in named)

    def missing_team(self, change: ScenarioChange) -> bool:
        if change.kind == "item" and change.field == "team_id":
            return change.value not in self.teams
        return False

    def words(self, change: ScenarioChange, value: Any) -> str:
        """A change's value in words: period names, team names, P0..P3."""
        field = change.field
        if change.kind == "capacity":
            return "default" if value is None else f"{pw(value)} person-weeks"
        if field == "periods":
            start, end = value
            names = [self.periods[p].name if p in self.periods else "(gone)" for p in (start, end)]
            return "backlog" if start is None else period_span(*names)
        if field == "team_id":
            return self.teams[value].name if value in self.teams else "(gone)"
        if field == "priority":
            return PRIORITY_NAMES[value] if value in range(len(PRIORITY_NAMES)) else str(value)
        if field == "estimate":
            return estimate_text(value)
        if field == "status":
            return status_word(value)
        if field == "needed_by":
            if value is None:
                return "the dependent's start"
            return self.periods[value].name if value in self.periods else "(gone)"
        if field == "commitment":
            return status_word(value)
        return str(value)


def _clashes(changes: list[ScenarioChange], live: _Live) -> list[Clash]:
    found = []
    for change in changes:
        field = FIELD_WORDS.get(change.field or change.kind, change.field or change.kind)
        if change.kind == "new":
            value = change.value
            if value["team_id"] not in live.teams:
                found.append(Clash(change.label, "team", "gone", "its team", change.target, False))
            elif live.missing_periods(change):
                found.append(
                    Clash(change.label, "periods", "gone", "a period", change.target, False)
                )
            continue
        if not live.present(change):
            scenario = live.words(change, change.value)
            found.append(Clash(change.label, field, "gone", scenario, change.target, False))
            continue
        if live.missing_periods(change) or live.missing_team(change):
            found.append(
                Clash(
                    change.label,
                    field,
                    live.words(change, live.value(change)),
                    live.words(change, change.value),
                    change.target,
                    False,
                )
            )
            continue
        now = live.value(change)
        if not _same(now, change.base) and not _same(now, change.value):
            found.append(
                Clash(
                    change.label,
                    field,
                    live.words(change, now),
                    live.words(change, change.value),
                    change.target,
                )
            )
    return found


def scenario_clashes(scenario: Scenario) -> list[Clash]:
    """What would stop the scenario from being applied now (see ``apply_scenario``)."""
    changes = scenario_changes(scenario)
    return _clashes(changes, _Live.load(changes))


def apply_scenario(scenario: Scenario, actor: User | None = None) -> int:
    """Write the scenario's changes to the live plan in the caller's transaction,
    through the planning operations (the same checks and audit history as a
    person's edits, attributed to ``actor`` outside a request), then delete the
    scenario; returns how many changes were written. Raises ScenarioClash, having
    written nothing, when a change clashes with the live plan; ScenarioError when
    the plan refuses a change (e.g. someone saved one of its rows meanwhile), and
    ScenarioBusy while the scenario is being auto-scheduled.

    The rows it changes are read in a few bulk queries, and the item edits are
    flushed together, once (``update_item(..., flush=False)``): a flush per item
    would cost milliseconds each, minutes for an auto-scheduled scenario of a large
    plan. That one flush still checks every item's version, so an item saved by
    someone else meanwhile stops the whole apply."""
    refuse_while_scheduled(scenario, "applied")
    changes = scenario_changes(scenario)
    live = _Live.load(changes)
    clashes = _clashes(changes, live)
    if clashes:
        raise ScenarioClash(scenario.name, clashes)
    acting = acting_as(actor.id, actor.email) if actor is not None else contextlib.nullcontext()
    loaded: dict[int, tuple[str, int]] = {}  # the items edited: key and version as read
    savepoint = db.session.begin_nested()
    try:
        with acting:
            written = _write(changes, live, loaded)
            db.session.delete(scenario)
            db.session.flush()
    except PlanningError as error:
        savepoint.rollback()
        raise _refused(scenario, error) from None
    except StaleDataError:  # an item, or the scenario, saved by someone else meanwhile
        savepoint.rollback()
        error = stale_item(loaded)
        raise (_stale(scenario) if error is None else _refused(scenario, error)) from None
    except BaseException:
        savepoint.rollback()
        raise
    savepoint.commit()
    return written


def _refused(scenario: Scenario, error: PlanningError) -> ScenarioError:
    return ScenarioError(
        f"Scenario {scenario.name!r} was not applied: {error} Nothing was written.",
        error.field,
    )


def _write(changes: list[ScenarioChange], live: _Live, loaded: dict[int, tuple[str, int]]) -> int:
    """Make the changes that differ from the live plan; returns how many. ``loaded``
    gets the key and version, as read, of each item whose fields it edits."""
    pending = [c for c in changes if c.kind == "new" or not _same(live.value(c), c.value)]
    periods = live.periods
    written = 0
    for change in pending:
        if change.kind != "new":
            continue
        value = change.value
        create_item(
            live.teams[value["team_id"]],
            title=value["title"],
            priority=value["priority"],
            start=periods.get(value["start_period_id"]),
            end=periods.get(value["end_period_id"]),
            estimate=value["estimate"],
            status=value["status"],
        )
        written += 1
    by_item: dict[int, dict[str, Any]] = {}
    for change in pending:
        if change.kind == "item":
            by_item.setdefault(change.item_id, {})[change.field] = change.value
    to_teams: list[tuple[Item, Team]] = []
    for item_id, fields in sorted(by_item.items()):
        item = live.items[item_id]
        edits: dict[str, Any] = {}
        if "periods" in fields:
            start, end = fields["periods"]
            edits["start"], edits["end"] = periods.get(start), periods.get(end)
        for name in ("priority", "estimate", "status"):
            if name in fields:
                edits[name] = fields[name]
        if edits:
            loaded[item.id] = (item.key, item.version)
            update_item(item, edits, expected_version=item.version, flush=False)
        if "team_id" in fields:
            to_teams.append((item, live.teams[fields["team_id"]]))
        written += len(fields)
    db.session.flush()  # every item edit at once (StaleDataError: see apply_scenario)
    before = None
    ordered = periods_in_order() if to_teams else []
    for item, team in to_teams:
        moved = move_item(
            item,
            item.start_period,
            team=team,
            expected_version=item.version,
            periods=ordered,
            before=before,
        )
        before = moved.after or before
    for change in pending:
        if change.kind != "dependency":
            continue
        dep = live.dependencies[(change.dependent_id, change.dependency_id)]
        if change.field == "needed_by":
            update_dependency(
                dep, needed_by=periods.get(change.value), expected_version=dep.version
            )
        else:
            answer_request(dep, change.value, dep.note, expected_version=dep.version)
        written += 1
    cells = {(c.team_id, c.period_id): c.value for c in pending if c.kind == "capacity"}
    if cells:
        loaded_cells = capacity_cells()
        for cell in cells:
            loaded_cells.setdefault(cell, CellState(None, None))
        save_capacities(cells, loaded_cells)
        written += len(cells)
    return written


# -- Auto-scheduling ---------------------------------------------------------------------


def autoschedule_scenario(
    scenario: Scenario,
    *,
    pin: str = "in_progress",
    horizon: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    expected_version: int | None = None,
):
    """Place the scenario's active, estimated items (``app.alignment.autoschedule``)
    and record every move as a change of the scenario, with its reason; returns the
    Schedule."""
    from app.alignment.autoschedule import autoschedule

    analysis = scenario_analysis(scenario)
    schedule = autoschedule(analysis, pin=pin, horizon=horizon, progress=progress)
    period_ids = _period_ids()
    all_periods = _all_periods()
    known = _by_target(scenario)
    moves = list(schedule.moves)
    live_ids = [move.item_id for move in moves if move.item_id > 0]
    rows: dict[int, Item] = {}
    for at in range(0, len(live_ids), CHUNK):
        chunk = live_ids[at : at + CHUNK]
        rows.update((i.id, i) for i in db.session.scalars(select(Item).where(Item.id.in_(chunk))))
    new = _new_changes(known)
    by_id = {change.item_id: change for change in new.values()}
    added: list[ScenarioChange] = []
    with _saving(scenario, expected_version):
        for move in moves:
            periods = {
                "start_period_id": period_ids[move.to_start],
                "end_period_id": period_ids[move.to_end],
            }
            if move.item_id < 0:
                change = by_id.get(move.item_id)
                if change is not None:
                    checked = _checked_item(None, {**change.value, **periods}, all_periods)
                    change.value = {**change.value, **checked}
                    change.reason = move.reason
            elif move.item_id in rows:
                _set_item(
                    scenario, known, rows[move.item_id], periods, all_periods, move.reason, added
                )
        if added:
            columns = [c.key for c in ScenarioChange.__table__.columns if c.key != "id"]
            db.session.execute(
                insert(ScenarioChange),
                [{name: getattr(change, name) for name in columns} for change in added],
            )
    return schedule


KEEPS = ("live", "scenario")


def resolve_clashes(
    scenario: Scenario,
    keep: str,
    targets: list[str] | None = None,
    *,
    expected_version: int | None = None,
) -> list[Clash]:
    """Settle the clashes named by ``targets`` (None: every clash there is now) in
    one save of the scenario: ``keep="live"`` drops the scenario's change (it reads
    the live value again), ``keep="scenario"`` keeps its value over the live one
    (its base becomes the live value now). Returns the clashes settled, as they
    stood. Refuses, settling none, a target that does not clash now, and keeping
    the scenario's value where it cannot be kept (``Clash.keepable``)."""
    if keep not in KEEPS:
        raise ScenarioError('Keep "live" or "scenario".', "keep")
    if expected_version is not None and expected_version != scenario.version:
        raise _stale(scenario)
    changes = scenario_changes(scenario)
    live = _Live.load(changes)
    clashes = {clash.target: clash for clash in _clashes(changes, live)}
    if targets is None:
        chosen = list(clashes.values())
    else:
        named = list(dict.fromkeys(targets))
        unknown = [target for target in named if target not in clashes]
        if unknown:
            raise ScenarioError(
                f"Scenario {scenario.name!r} has no clash {unknown[0]!r} now (settled "
                "already, or never one): nothing was kept.",
                "target",
            )
        chosen = [clashes[target] for target in named]
    if keep == "scenario":
        lost = [clash for clash in chosen if not clash.keepable]
        if lost:
            raise ScenarioError(
                f"The scenario's {lost[0].field} of {lost[0].what} cannot be kept: what it "
                "names is gone from the live plan. Keep the live value instead. "
                "Nothing was kept.",
                "keep",
            )
    if not chosen:
        return []
    by_target = {change.target: change for change in changes}
    with _saving(scenario, expected_version):
        for clash in chosen:
            change = by_target[clash.target]
            if keep == "live":
                db.session.delete(change)
            else:
                change.base = live.value(change)
    return chosen


def resolve_clash(
    scenario: Scenario, target: str, keep: str, *, expected_version: int | None = None
) -> Clash:
    """Settle one clash (see ``resolve_clashes``)."""
    [settled] = resolve_clashes(scenario, keep, [target], expected_version=expected_version)
    return settled

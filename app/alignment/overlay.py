"""A scenario's changes over the live plan, in snapshot terms, and the analysis of
the plan with them made.

An ``Overlay`` names only what the scenario changed: fields of items, new items,
fields of dependencies and capacity cells. Everything else is read from the live
snapshot it is laid over, so a scenario sees every live change made after it was
made, except where it changed the same thing itself. What the overlay names but
the snapshot no longer has (an item, dependency or team removed live, a period
index past the last) is left out.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .analysis import Analysis
from .snapshot import Dependency, Item, PlanDelta, PlanSnapshot, Team

# The fields of an item a scenario may change, as the snapshot names them.
ITEM_FIELDS = ("start", "end", "team_id", "priority", "estimate", "status")
DEPENDENCY_FIELDS = ("needed_by", "commitment")


@dataclass(frozen=True, slots=True)
class Overlay:
    """A scenario's changes, in snapshot terms (period indices, item and team ids).

    ``items``: item id -> {field: value} (fields of ITEM_FIELDS; "start" and "end"
    are period indices or None). ``new_items``: whole items (negative ids, keys such
    as ``PAY-new1``). ``dependencies``: (dependent id, dependency id) -> {field:
    value} (DEPENDENCY_FIELDS; "needed_by" a period index or None). ``capacities``:
    (team id, period index) -> person-weeks, or None for the team's default.
    ``reasons``: item id -> why the scenario moved it (auto-scheduling's reason)."""

    items: Mapping[int, Mapping[str, Any]] = field(default_factory=dict)
    new_items: tuple[Item, ...] = ()
    dependencies: Mapping[tuple[int, int], Mapping[str, Any]] = field(default_factory=dict)
    capacities: Mapping[tuple[int, int], float | None] = field(default_factory=dict)
    reasons: Mapping[int, str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.items or self.new_items or self.dependencies or self.capacities)


def _period(value: Any, n_periods: int) -> bool:
    return value is None or (isinstance(value, int) and 0 <= value < n_periods)


def _item_changes(
    item: Item, changes: Mapping[str, Any], n_periods: int, team_ids: set[int]
) -> dict[str, Any]:
    """The changes that still make sense for ``item`` as the snapshot has it."""
    kept = {}
    for name, value in changes.items():
        if name not in ITEM_FIELDS:
            raise ValueError(f"an overlay cannot change an item's {name!r}")
        if name in ("start", "end") and not _period(value, n_periods):
            continue
        if name == "team_id" and value not in team_ids:
            continue
        kept[name] = value
    return kept


def _items(snapshot: PlanSnapshot, overlay: Overlay) -> list[Item]:
    n_periods = len(snapshot.periods)
    team_ids = {team.id for team in snapshot.teams}
    rows: list[Item] = []
    if overlay.items:
        wanted = overlay.items
        for item in snapshot.items:
            changes = wanted.get(item.id)
            if changes is None:
                continue
            kept = _item_changes(item, changes, n_periods, team_ids)
            if kept:
                changed = dataclasses.replace(item, **kept)
                if changed != item:
                    rows.append(changed)
    known = {item.id for item in snapshot.items} if overlay.new_items else set()
    for item in overlay.new_items:
        if (
            item.id not in known
            and item.team_id in team_ids
            and _period(item.start, n_periods)
            and _period(item.end, n_periods)
        ):
            rows.append(item)
    return rows


def _dependencies(snapshot: PlanSnapshot, overlay: Overlay) -> list[Dependency]:
    if not overlay.dependencies:
        return []
    n_periods = len(snapshot.periods)
    rows = []
    for dep in snapshot.dependencies:
        changes = overlay.dependencies.get((dep.dependent_id, dep.dependency_id))
        if changes is None:
            continue
        kept = {}
        for name, value in changes.items():
            if name not in DEPENDENCY_FIELDS:
                raise ValueError(f"an overlay cannot change a dependency's {name!r}")
            if name == "needed_by" and not _period(value, n_periods):
                continue
            kept[name] = value
        changed = dataclasses.replace(dep, **kept)
        if changed != dep:
            rows.append(changed)
    return rows


def _teams(snapshot: PlanSnapshot, overlay: Overlay) -> list[Team]:
    if not overlay.capacities:
        return []
    n_periods = len(snapshot.periods)
    cells: dict[int, dict[int, float | None]] = {}
    for (team_id, period), value in overlay.capacities.items():
        if 0 <= period < n_periods:
            cells.setdefault(team_id, {})[period] = value
    rows = []
    for team in snapshot.teams:
        changes = cells.get(team.id)
        if not changes:
            continue
        capacities = dict(team.capacities)
        for period, value in changes.items():
            if value is None:
                capacities.pop(period, None)
            else:
                capacities[period] = value
        if capacities != team.capacities:
            rows.append(dataclasses.replace(team, capacities=capacities))
    return rows


def overlay_delta(snapshot: PlanSnapshot, overlay: Overlay) -> PlanDelta:
    """The delta that turns the live snapshot into the scenario's plan: every field
    the scenario changed takes the scenario's value, every other field the live one.
    Changes of items, dependencies and teams no longer in the snapshot are left out,
    and so are changes that now change nothing."""
    if overlay.empty:
        return PlanDelta()
    return PlanDelta(
        items=tuple(_items(snapshot, overlay)),
        dependencies=tuple(_dependencies(snapshot, overlay)),
        teams=tuple(_teams(snapshot, overlay)),
    )


def overlaid(analysis: Analysis, overlay: Overlay) -> Analysis:
    """The analysis of the live plan with the overlay's changes made, at the same
    moment and settings (the live analysis brought up to date by the delta)."""
    return analysis.updated(overlay_delta(analysis.snapshot, overlay))

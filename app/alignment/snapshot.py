"""The plan snapshot: everything the analysis reads, as plain immutable data.

Periods are referred to by their index in ``PlanSnapshot.periods`` (which is in
time order), teams by id and items by id. ``app.plan_store`` builds a snapshot
from the database; tests build them by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields, make_dataclass
from datetime import date, datetime
from functools import cache
from typing import Any, TypeVar

_Row = TypeVar("_Row")

PRIORITY_NAMES = ("P0", "P1", "P2", "P3")
ACTIVE_STATUSES = ("proposed", "committed", "in_progress")
STATUSES = ("proposed", "committed", "in_progress", "done", "cancelled")
HEALTHS = ("on_track", "at_risk", "off_track")
COMMITMENTS = ("requested", "committed", "declined")
TEAM_KINDS = ("platform", "product")


def priority_name(priority: int) -> str:
    return PRIORITY_NAMES[priority]


@dataclass(frozen=True, slots=True)
class Period:
    name: str
    start: date
    end: date


@dataclass(frozen=True, slots=True)
class Team:
    id: int
    slug: str
    name: str
    kind: str  # "platform" | "product"
    default_capacity: float | None = None
    # period index -> person-weeks; overrides the default for that period
    capacities: dict[int, float] = field(default_factory=dict)

    def capacity(self, period: int) -> float | None:
        """Capacity in a period, or None when the team has no capacity set at all."""
        return self.capacities.get(period, self.default_capacity)


@dataclass(frozen=True, slots=True)
class Item:
    id: int
    key: str
    team_id: int
    title: str
    priority: int  # 0 (P0, highest) .. 3 (P3)
    start: int | None  # period index; both None = backlog
    end: int | None
    estimate: float | None  # person-weeks
    status: str
    health: str
    created_at: datetime  # naive UTC
    last_update_at: datetime | None = None  # newest status update, naive UTC

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def scheduled(self) -> bool:
        return self.start is not None


@dataclass(frozen=True, slots=True)
class Dependency:
    dependent_id: int  # the item that needs ...
    dependency_id: int  # ... this item
    needed_by: int | None = None  # period index; None = the dependent's start
    commitment: str = "requested"


@dataclass(frozen=True, slots=True)
class Decision:
    """An acknowledgement or accepted risk, stored by conflict fingerprint."""

    fingerprint: str
    state: str  # "acknowledged" | "accepted"
    note: str
    by: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class PlanSnapshot:
    periods: tuple[Period, ...]
    teams: tuple[Team, ...]
    items: tuple[Item, ...]
    dependencies: tuple[Dependency, ...]
    decisions: dict[str, Decision] = field(default_factory=dict)

    def apply(self, delta: PlanDelta) -> PlanSnapshot:
        """The plan after ``delta``, as a new snapshot (this one is left as it is).

        Removals come first, then the delta's rows. A removed item takes every
        dependency it is part of with it, as dependent or as dependency (the
        database removes them with the item). A removed row's place is taken by
        the last row (items and dependencies alike, highest place first), so a
        removal costs no renumbering of the rest; a row whose id (item, team) or
        pair (dependency) is known replaces it in place, and a new row goes at the
        end, in the delta's order. Removing a team leaves its items: a delta that
        removes a team removes its items too. Nothing is checked here: a row that
        refers to an unknown item or team is refused by the analysis."""
        return apply_delta(self, delta)


@dataclass(frozen=True, slots=True)
class PlanDelta:
    """What changed in a plan since a snapshot of it: whole new rows for what was
    added or changed, and the identities of what was removed. A dependency is
    identified by ``(dependent_id, dependency_id)``, a decision by its fingerprint.
    ``periods`` is the whole new list of periods when any period changed (then every
    period index may mean something else), else None."""

    items: tuple[Item, ...] = ()
    removed_items: frozenset[int] = frozenset()
    dependencies: tuple[Dependency, ...] = ()
    removed_dependencies: frozenset[tuple[int, int]] = frozenset()
    teams: tuple[Team, ...] = ()
    removed_teams: frozenset[int] = frozenset()
    decisions: tuple[Decision, ...] = ()
    removed_decisions: frozenset[str] = frozenset()
    periods: tuple[Period, ...] | None = None

    @property
    def empty(self) -> bool:
        return not (
            self.items
            or self.removed_items
            or self.dependencies
            or self.removed_dependencies
            or self.teams
            or self.removed_teams
            or self.decisions
            or self.removed_decisions
            or self.periods is not None
        )


@cache
def unfrozen(cls: type) -> type:
    """A plain class with the fields and slots of ``cls``, a frozen slotted
    dataclass of the snapshot (``Item``, ``Dependency``), in the same order and
    all of them required. Its ``__init__`` stores each field directly, where a
    frozen one calls ``object.__setattr__`` for each: it makes rows at half the
    cost, which ``frozen`` then turns into ``cls`` rows."""
    return make_dataclass(
        cls.__name__,
        [(f.name, f.type) for f in fields(cls)],
        slots=True,
        repr=False,
        eq=False,
    )


def frozen(cls: type[_Row], rows: list[Any]) -> tuple[_Row, ...]:
    """The rows made by ``unfrozen(cls)``, as ``cls`` rows in every way (equality,
    hashing, ``dataclasses.replace``, immutability): the two classes share one
    layout, so a row can change class in place."""
    for row in rows:
        row.__class__ = cls
    return tuple(rows)


def _swap_remove(rows: list, positions: list[int], filled: set[int] | None = None) -> None:
    """Remove the rows at ``positions`` from ``rows``, each hole filled by the last
    row. Highest position first, so that no row moved into a hole is still to go.
    ``filled`` (when given) receives the positions that now hold a moved row; a row
    moved twice (into a hole, then, as the last row, into a lower one) is counted
    at its final place only."""
    moved: set[int] = set()
    for k in sorted(positions, reverse=True):
        last = rows.pop()
        moved.discard(len(rows))  # the row just taken from the end, if it had been moved
        if k < len(rows):
            rows[k] = last
            moved.add(k)
    if filled is not None:
        filled.update(moved)


def apply_delta(snapshot: PlanSnapshot, delta: PlanDelta) -> PlanSnapshot:
    """``snapshot.apply(delta)``: see ``PlanSnapshot.apply`` for the rules."""
    if delta.empty:
        return snapshot
    items = list(snapshot.items)
    item_pos = {item.id: k for k, item in enumerate(items)}
    deps = list(snapshot.dependencies)
    dep_pos = {(d.dependent_id, d.dependency_id): k for k, d in enumerate(deps)}
    removed_items = [item_pos[i] for i in delta.removed_items if i in item_pos]
    gone = delta.removed_items
    removed_deps = (
        {k for k, d in enumerate(deps) if d.dependent_id in gone or d.dependency_id in gone}
        if gone
        else set()
    )
    removed_deps.update(dep_pos[e] for e in delta.removed_dependencies if e in dep_pos)
    _swap_remove(items, removed_items)
    _swap_remove(deps, list(removed_deps))
    # The delta's rows: a known id or pair in place, a new one at the end, in order.
    _upsert(items, delta.items, _item_id)
    _upsert(deps, delta.dependencies, _pair)
    return PlanSnapshot(
        periods=snapshot.periods if delta.periods is None else tuple(delta.periods),
        teams=_teams(snapshot.teams, delta),
        items=tuple(items),
        dependencies=tuple(deps),
        decisions=_decisions(snapshot.decisions, delta),
    )


def _teams(teams: tuple[Team, ...], delta: PlanDelta) -> tuple[Team, ...]:
    if not (delta.teams or delta.removed_teams):
        return teams
    rows = [t for t in teams if t.id not in delta.removed_teams]
    _upsert(rows, delta.teams, _item_id)
    return tuple(rows)


def _item_id(row: Item | Team) -> int:
    return row.id


def _pair(dependency: Dependency) -> tuple[int, int]:
    return (dependency.dependent_id, dependency.dependency_id)


def _upsert(rows: list, new_rows: tuple, key: Callable[[Any], Any]) -> None:
    """Each of ``new_rows`` in place of the row with its key, or at the end."""
    if not new_rows:
        return
    where = {key(row): k for k, row in enumerate(rows)}
    for row in new_rows:
        k = where.get(key(row))
        if k is None:
            where[key(row)] = len(rows)
            rows.append(row)
        else:
            rows[k] = row


def _decisions(decisions: dict[str, Decision], delta: PlanDelta) -> dict[str, Decision]:
    if not (delta.decisions or delta.removed_decisions):
        return decisions
    kept = {f: d for f, d in decisions.items() if f not in delta.removed_decisions}
    for decision in delta.decisions:
        kept[decision.fingerprint] = decision
    return kept

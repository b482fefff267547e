"""Two plans side by side: the live plan and a scenario, or two scenarios.

``compare_plans(base, other)`` says, in the conflict report's terms, which
conflicts ``other`` resolves, adds and changes (``app.alignment.diff.compare``),
which items it moves and how far (with the reason, when one is given), each
team's demand against capacity per period in both, and what slips: items that
end later, and dependents that are late for a dependency in ``other`` and were
not in ``base``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .analysis import Analysis
from .diff import ConflictChanges, compare
from .ledger import EPSILON
from .snapshot import Item


@dataclass(frozen=True, slots=True)
class ItemMove:
    """An item in other periods or another team in ``other`` than in ``base``.
    Periods are indices (None: the backlog); ``shift`` is how many periods later
    (negative: earlier) it ends, None when it is in the backlog in either."""

    item_id: int
    key: str
    start: int | None
    end: int | None
    to_start: int | None
    to_end: int | None
    team_id: int
    to_team_id: int
    reason: str | None = None

    @property
    def shift(self) -> int | None:
        if self.end is None or self.to_end is None:
            return None
        return self.to_end - self.end


@dataclass(frozen=True, slots=True)
class LoadCell:
    """One team's demand and capacity in one period, in both plans (capacity None:
    the team has none set)."""

    team_id: int
    period: int
    demand: float
    capacity: float | None
    to_demand: float
    to_capacity: float | None

    @property
    def changed(self) -> bool:
        return abs(self.demand - self.to_demand) > EPSILON or self.capacity != self.to_capacity

    @property
    def over(self) -> bool:
        return self.capacity is not None and self.demand > self.capacity + EPSILON

    @property
    def to_over(self) -> bool:
        return self.to_capacity is not None and self.to_demand > self.to_capacity + EPSILON


@dataclass(frozen=True, slots=True)
class Slip:
    """Something that gets later in ``other``: ``kind`` "later" (the item ends in a
    later period, ``shift`` periods later, or goes to the backlog: shift None) or
    "late" (the item, a dependent, now has a schedule violation: ``because`` names
    the dependency it waits for)."""

    item_id: int
    key: str
    kind: str
    shift: int | None = None
    because: str | None = None


@dataclass(frozen=True, slots=True)
class PlanComparison:
    base: Analysis
    other: Analysis
    conflicts: ConflictChanges
    moved: list[ItemMove]
    added: list[Item]  # items only in ``other`` (a scenario's new items)
    removed: list[Item]  # items only in ``base``
    load: list[LoadCell]  # every team and period, team slug then period order
    slips: list[Slip]

    @property
    def changed_load(self) -> list[LoadCell]:
        return [cell for cell in self.load if cell.changed]

    def as_dict(self) -> dict[str, Any]:
        """Plain data for ``--format json``: period names, team slugs, item keys."""
        names = [p.name for p in self.other.snapshot.periods]
        base_names = [p.name for p in self.base.snapshot.periods]
        slugs = {t.id: t.slug for t in (*self.base.snapshot.teams, *self.other.snapshot.teams)}

        def period(index: int | None, which: list[str]) -> str | None:
            return None if index is None or index >= len(which) else which[index]

        return {
            "conflicts": {
                "resolved": [c.to_dict() for c in self.conflicts.resolved],
                "new": [c.to_dict() for c in self.conflicts.new],
                "changed": [
                    {"before": old.to_dict(), "after": new.to_dict()}
                    for old, new in self.conflicts.changed
                ],
                "summary": self.conflicts.text(),
            },
            "moved": [
                {
                    "item": move.key,
                    "from": {
                        "start": period(move.start, base_names),
                        "end": period(move.end, base_names),
                        "team": slugs.get(move.team_id),
                    },
                    "to": {
                        "start": period(move.to_start, names),
                        "end": period(move.to_end, names),
                        "team": slugs.get(move.to_team_id),
                    },
                    "shift": move.shift,
                    "reason": move.reason,
                }
                for move in self.moved
            ],
            "added": [
                {
                    "item": item.key,
                    "team": slugs.get(item.team_id),
                    "start": period(item.start, names),
                    "end": period(item.end, names),
                }
                for item in self.added
            ],
            "removed": [item.key for item in self.removed],
            "load": [
                {
                    "team": slugs.get(cell.team_id),
                    "period": period(cell.period, names),
                    "demand": round(cell.demand, 6),
                    "capacity": cell.capacity,
                    "to_demand": round(cell.to_demand, 6),
                    "to_capacity": cell.to_capacity,
                }
                for cell in self.changed_load
            ],
            "slips": [
                {"item": s.key, "kind": s.kind, "shift": s.shift, "because": s.because}
                for s in self.slips
            ],
        }


def _moves(
    base: Analysis, other: Analysis, reasons: Mapping[int, str]
) -> tuple[list[ItemMove], list[Item], list[Item]]:
    before = {item.id: item for item in base.snapshot.items}
    moved, added = [], []
    seen = set()
    for item in other.snapshot.items:
        old = before.get(item.id)
        if old is None:
            added.append(item)
            continue
        seen.add(item.id)
        if (old.start, old.end, old.team_id) != (item.start, item.end, item.team_id):
            moved.append(
                ItemMove(
                    item.id, item.key, old.start, old.end, item.start, item.end,
                    old.team_id, item.team_id, reasons.get(item.id),
                )
            )  # fmt: skip
    removed = [item for item in base.snapshot.items if item.id not in seen]
    by_key = lambda row: row.key  # noqa: E731
    return sorted(moved, key=by_key), sorted(added, key=by_key), sorted(removed, key=by_key)


def _load(base: Analysis, other: Analysis) -> list[LoadCell]:
    cells = {(c.team_id, c.period): c for c in base.ledger}
    found = []
    for cell in other.ledger:
        old = cells.get((cell.team_id, cell.period))
        found.append(
            LoadCell(
                cell.team_id,
                cell.period,
                old.demand if old else 0.0,
                old.capacity if old else None,
                cell.demand,
                cell.capacity,
            )
        )
    return found


def _late_dependents(analysis: Analysis) -> dict[int, str]:
    """Dependent id -> the key of the (first) dependency it is late for."""
    late: dict[int, str] = {}
    for conflict in analysis.conflicts:
        if conflict.type == "schedule_violation" and len(conflict.item_ids) >= 2:
            late.setdefault(conflict.item_ids[0], conflict.items[1])
    return late


def _slips(base: Analysis, other: Analysis, moved: list[ItemMove]) -> list[Slip]:
    slips: dict[int, Slip] = {}
    for move in moved:
        if move.end is None:
            continue
        if move.to_end is None or move.to_end > move.end:
            slips[move.item_id] = Slip(move.item_id, move.key, "later", move.shift)
    was_late = _late_dependents(base)
    keys = {item.id: item.key for item in other.snapshot.items}
    for dependent, dependency in _late_dependents(other).items():
        if dependent not in was_late and dependent not in slips:
            slips[dependent] = Slip(dependent, keys.get(dependent, ""), "late", because=dependency)
    return sorted(slips.values(), key=lambda s: s.key)


def compare_plans(
    base: Analysis, other: Analysis, reasons: Mapping[int, str] | None = None
) -> PlanComparison:
    """What ``other`` changes against ``base``. ``reasons``: item id -> why it moved
    (a scenario's auto-scheduling reasons), shown with the move."""
    moved, added, removed = _moves(base, other, reasons or {})
    return PlanComparison(
        base=base,
        other=other,
        conflicts=compare(base, other),
        moved=moved,
        added=added,
        removed=removed,
        load=_load(base, other),
        slips=_slips(base, other, moved),
    )

"""What the live analysis keeps beside an analysis (``LiveState``) and the
copy-on-write structures it edits, so that the analysis before an edit stays
valid and unchanged (see ``app.alignment.live``)."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from .collector import collector_paused
from .conflict import Conflict
from .index import CANCELLED, PlanIndex
from .snapshot import Dependency

if TYPE_CHECKING:
    from .analysis import Analysis

# Past these the update gives up and the plan is analysed in full (see live.py).
ROWS_LIMIT = 300
REACH_LIMIT = 20_000

EDGE_TYPES = frozenset(
    {
        "schedule_violation",
        "same_period_risk",
        "unscheduled_dependency",
        "cancelled_dependency",
        "uncommitted_dependency",
    }
)
# Edge conflicts whose suggestions read the free capacity of the dependency's team.
ROOM_TYPES = frozenset({"schedule_violation", "same_period_risk", "unscheduled_dependency"})
ITEM_TYPES = frozenset({"priority_inversion", "at_risk_dependency", "stale_status", "unestimated"})
SLOT_TYPES = frozenset({"over_capacity", "platform_contention"})


class Fallback(Exception):
    """The edit is not one the live analysis redoes in part: analyse in full."""


def _sort_key(conflict: Conflict) -> tuple[int, str, str, str]:
    return conflict.sort_key


class LiveState:
    """What the live analysis keeps beside an analysis to find what an edit
    touches: every dependency by pair, every item's dependencies and dependents
    (active or not), the dependencies each item needs by its start, the
    conflicts by the edge, item or cell that makes them, and the items in a
    cycle. Copied on write like the rest."""

    def __init__(self, analysis: Analysis) -> None:
        ctx = analysis._ctx
        ix = ctx.ix
        deps = ix.snapshot.dependencies
        pos = ix.pos
        self.deps: tuple[Dependency, ...] | list[Dependency] = deps
        self.dep_pos: dict[tuple[int, int], int] = {
            (d.dependent_id, d.dependency_id): k for k, d in enumerate(deps)
        }
        self.clean = len(self.dep_pos) == len(deps) and len(set(ix.keys)) == ix.n
        out: list[list[int]] = [[] for _ in range(ix.n)]
        inn: list[list[int]] = [[] for _ in range(ix.n)]
        for dep in deps:
            d, b = pos[dep.dependent_id], pos[dep.dependency_id]
            out[d].append(b)
            inn[b].append(d)
        self.out = out
        self.inn = inn
        needs: list[list[int]] = [[] for _ in range(ix.n)]
        for d, b, explicit in zip(ix.src, ix.dst, ix.needed_by, strict=True):
            if explicit is None:
                needs[d].append(b)
        self.start_needs = needs
        self.in_cycle: set[int] = {i for members in ctx.priorities.cycles for i in members}
        self.by_edge: dict[tuple[int, int], list[Conflict]] = {}
        self.by_item: dict[int, list[Conflict]] = {}
        self.by_slot: dict[int, list[Conflict]] = {}
        self.by_fp: dict[str, Conflict] = {}
        self.room: dict[int, set[tuple[int, int]]] = {}
        for conflict in analysis.conflicts:
            self.register(ix, conflict)

    def register(self, ix: PlanIndex, c: Conflict) -> None:
        """File a conflict under what makes it (the caller has copied the maps)."""
        self.by_fp[c.fingerprint] = c
        kind = c.type
        if kind in EDGE_TYPES:
            pair = (ix.pos[c._item_ids[0]], ix.pos[c._item_ids[1]])
            self.by_edge.setdefault(pair, []).append(c)
            if kind in ROOM_TYPES:
                self.room.setdefault(ix.team[pair[1]], set()).add(pair)
        elif kind in ITEM_TYPES:
            self.by_item.setdefault(ix.pos[c.primary_id], []).append(c)
        elif kind in SLOT_TYPES:
            slot = ix.team_pos[c._team_ids[0]] * ix.n_periods + c.period_index
            self.by_slot.setdefault(slot, []).append(c)


def live_state(analysis: Analysis) -> LiveState:
    """The analysis's live state, made on first use (linear in the plan) and kept."""
    state = analysis._live
    if state is None:
        with collector_paused():
            state = analysis._live = LiveState(analysis)
    return state


def _slots(ix: PlanIndex, p: int) -> range:
    """The ledger cells (team x period) that item ``p`` counts in, as ``ix`` has it."""
    s, e = ix.start[p], ix.end[p]
    if s < 0 or ix.status[p] == CANCELLED:
        return range(0)
    base = ix.team[p] * ix.n_periods
    return range(base + s, base + e + 1)


def _clone(obj: Any) -> Any:
    """A shallow copy of an object, ``__slots__`` (set ones) or ``__dict__``."""
    new = object.__new__(type(obj))
    if hasattr(obj, "__dict__"):
        new.__dict__.update(obj.__dict__)
    else:
        for name in type(obj).__slots__:
            with contextlib.suppress(AttributeError):
                setattr(new, name, getattr(obj, name))
    return new


class CopyOnWrite:
    """Copies a structure (or one entry of it) the first time an update writes it."""

    copied: set[tuple]

    def w(self, obj: Any, name: str) -> Any:
        key = (id(obj), name)
        if key not in self.copied:
            value = getattr(obj, name)
            setattr(obj, name, value.copy() if isinstance(value, dict | set) else list(value))
            self.copied.add(key)
        return getattr(obj, name)

    def wi(self, obj: Any, name: str, k: Any) -> Any:
        outer = self.w(obj, name)
        key = (id(obj), name, k)
        if key not in self.copied:
            inner = outer.get(k) if isinstance(outer, dict) else outer[k]
            outer[k] = [] if inner is None else inner.copy()
            self.copied.add(key)
        return outer[k]

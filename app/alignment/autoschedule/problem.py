"""The scheduling problem of an analysed plan, as dense lists.

The items placed are the active, estimated, scheduled ones (numbered 0..m-1 in
key order); each keeps its span length and spreads its estimate evenly over the
periods it spans, as the ledger does. An item is *fixed* when it is pinned
(``pin``: "in_progress" pins work in progress, "committed" committed work too,
"none" nothing) or when its span does not fit in the periods that have not
ended; the others are *movable*, each to a start between the first open period
and the last start that keeps it on the plan (``top``); ``hi``, the last start
that keeps it within the horizon, is a constraint, not a bound, so that a plan
that cannot meet it still gets a placement.

Every other item (done, unestimated, in the backlog ...) stays where it is: its
demand is part of ``fixed`` (the demand of each team and period that the
scheduler does not move, fixed items included) and its periods are constants in
the dependency edges. An edge "d needs b" of an active dependent counts when b
is neither done nor cancelled, both ends have a period and at least one of them
is placed; it is needed by its explicit period, else by the dependent's start.
"""

from __future__ import annotations

from math import fsum
from typing import TYPE_CHECKING

from ..index import CANCELLED, COMMITTED, DONE, IN_PROGRESS, PlanIndex
from ..ledger import EPSILON

if TYPE_CHECKING:
    from ..analysis import Analysis

PINS = ("in_progress", "committed", "none")
# Lateness weight per effective priority, P0..P3.
WEIGHTS = (8, 4, 2, 1)
_PINNED = {"in_progress": (IN_PROGRESS,), "committed": (COMMITTED, IN_PROGRESS), "none": ()}
_STATUS_WORDS = {IN_PROGRESS: "in progress", COMMITTED: "committed"}


class Problem:
    """What the solvers read. Items are problem numbers (0..m-1, key order),
    periods the snapshot's indices, teams dense (``PlanIndex`` numbering), a cell
    ``team * n_periods + period``."""

    def __init__(self, analysis: Analysis, pin: str = "in_progress", horizon: int | None = None):
        if pin not in PINS:
            raise ValueError(f"pin must be one of {', '.join(PINS)}, not {pin!r}")
        ledger = analysis.ledger
        ix: PlanIndex = ledger.ix
        n_periods = ix.n_periods
        if horizon is not None and not 0 <= horizon < n_periods:
            raise ValueError(f"the horizon must be a period of the plan (0..{n_periods - 1})")
        if horizon is None:
            horizon = n_periods - 1
        self.ix = ix
        self.ledger = ledger
        self.effective: dict[int, int] = analysis.effective_priority
        self.n_periods = n_periods
        self.period_names: list[str] = ix.period_names
        self.team_names: list[str] = ix.team_name
        self.horizon = horizon
        open_period = analysis.first_open_period
        self.first_open: int = n_periods if open_period is None else open_period
        self.pin = pin

        status, start, end, estimate = ix.status, ix.start, ix.end, ix.estimate
        placed = [
            i
            for i in range(ix.n)
            if status[i] <= IN_PROGRESS and start[i] >= 0 and estimate[i] is not None
        ]
        placed.sort(key=ix.keys.__getitem__)
        self.m = m = len(placed)
        self.pos: list[int] = placed
        number = {i: k for k, i in enumerate(placed)}
        self.keys: list[str] = [ix.keys[i] for i in placed]
        self.ids: list[int] = [ix.ids[i] for i in placed]
        self.team: list[int] = [ix.team[i] for i in placed]
        self.start: list[int] = [start[i] for i in placed]
        self.length: list[int] = [end[i] - start[i] + 1 for i in placed]
        self.share: list[float] = [ledger.share[i] for i in placed]
        effective = analysis.effective_priority
        self.priority: list[int] = [effective[ix.ids[i]] for i in placed]
        self.weight: list[int] = [WEIGHTS[p] for p in self.priority]
        pinned_statuses = _PINNED[pin]
        first = self.first_open
        self.lo: list[int] = [first] * m
        self.top: list[int] = [n_periods - n for n in self.length]
        self.hi: list[int] = [horizon - n + 1 for n in self.length]
        # Why an item stays put: "in progress" / "committed" (pinned), "no room" (its
        # span does not fit in the open periods), None (movable).
        self.fixed_as: list[str | None] = [
            _STATUS_WORDS[status[i]]
            if status[i] in pinned_statuses
            else ("no room" if self.top[k] < first else None)
            for k, i in enumerate(placed)
        ]
        self.movable: list[int] = [k for k in range(m) if self.fixed_as[k] is None]
        self.movable_positions: set[int] = {placed[k] for k in self.movable}

        self._edges(ix, number)
        self._capacity(ledger, ix, placed)

    def _edges(self, ix: PlanIndex, number: dict[int, int]) -> None:
        """Parallel lists of the edges that count: dependent and dependency as
        problem numbers (-1: not placed, then ``const_start`` / ``const_end`` holds
        its period), the explicit needed-by period (-1: the dependent's start),
        and the snapshot positions of both ends."""
        status, start, end = ix.status, ix.start, ix.end
        self.e_d: list[int] = []
        self.e_b: list[int] = []
        self.e_need: list[int] = []
        self.e_start: list[int] = []
        self.e_end: list[int] = []
        self.e_src: list[int] = []
        self.e_dst: list[int] = []
        seen: set[tuple[int, int]] = set()
        for d, b, explicit in _needs(ix):
            if d == b or status[b] in (DONE, CANCELLED) or (d, b) in seen:
                continue
            kd, kb = number.get(d, -1), number.get(b, -1)
            if kd < 0 and kb < 0:
                continue
            need = -1 if explicit is None else explicit
            if need < 0 and start[d] < 0 or end[b] < 0:
                continue
            seen.add((d, b))
            self.e_d.append(kd)
            self.e_b.append(kb)
            self.e_need.append(need)
            self.e_start.append(start[d] if kd < 0 else -1)
            self.e_end.append(end[b] if kb < 0 else -1)
            self.e_src.append(d)
            self.e_dst.append(b)

    def _capacity(self, ledger, ix: PlanIndex, placed: list[int]) -> None:
        """``cap`` (None: no limit) and ``fixed`` (demand of what the scheduler does
        not move) per cell, summed as the ledger sums."""
        movable = self.movable_positions
        self.cap: list[float | None] = ledger.capacity
        share = ledger.share
        fixed = []
        for slot, demand in enumerate(ledger.demand):
            cell = ledger.items_in(slot)
            if any(i in movable for i in cell):
                demand = fsum(share[i] for i in cell if i not in movable)
            fixed.append(demand)
        self.fixed: list[float] = fixed

    def end_of(self, k: int, starts: list[int]) -> int:
        return starts[k] + self.length[k] - 1

    def edge_periods(self, e: int, starts: list[int]) -> tuple[int, int]:
        """``(needed-by period, dependency's end)`` of edge ``e`` under ``starts``."""
        d, b, need = self.e_d[e], self.e_b[e], self.e_need[e]
        if need < 0:
            need = starts[d] if d >= 0 else self.e_start[e]
        finish = starts[b] + self.length[b] - 1 if b >= 0 else self.e_end[e]
        return need, finish

    def over(self, slot: int, demand: float) -> bool:
        cap = self.cap[slot]
        return cap is not None and demand > cap + EPSILON


def _needs(ix: PlanIndex):
    """``(dependent, dependency, explicit needed-by)`` of every edge whose dependent
    is active, by position: the index's lists, or, in an analysis brought up to
    date by ``Analysis.updated`` (which drops them), the snapshot's dependencies."""
    if ix.src is not None:
        return zip(ix.src, ix.dst, ix.needed_by, strict=True)
    pos, active = ix.pos, ix.active
    return (
        (pos[x.dependent_id], pos[x.dependency_id], x.needed_by)
        for x in ix.snapshot.dependencies
        if active[pos[x.dependent_id]]
    )

"""The capacity ledger: demand against capacity per team and period.

Demand of a team in a period is the sum of the estimates of its scheduled,
non-cancelled items (done ones included), each spread evenly over the periods
it spans. Capacity is the team's override for the period, else its default;
a team with neither has capacity None and is never over capacity.

Attribution (``LedgerCell.by_requester``): an item's share in a period counts
in full for every product team that requests it: the item's own team when that
is a product team, and every product team with an active item that needs it
directly or through a chain of active items. An item that no product team
requests counts under ``None`` ("unrequested"). Shared items are counted once
per requesting team, so the breakdown can add up to more than the demand.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from math import fsum

from .index import CANCELLED, PlanIndex
from .priority import Priorities

EPSILON = 1e-9


@dataclass(frozen=True, slots=True)
class LedgerCell:
    team_id: int
    period: int
    capacity: float | None
    demand: float
    _ledger: Ledger = field(repr=False, compare=False)

    @property
    def utilisation(self) -> float | None:
        """demand / capacity, or None when the team has no (or zero) capacity."""
        if self.capacity is None or self.capacity <= 0:
            return None
        return self.demand / self.capacity

    @property
    def free(self) -> float | None:
        return None if self.capacity is None else self.capacity - self.demand

    @property
    def over(self) -> bool:
        return self.capacity is not None and self.demand > self.capacity + EPSILON

    @property
    def by_item(self) -> dict[int, float]:
        """``{item id: person-weeks in this period}``, in key order."""
        ledger = self._ledger
        ids, share = ledger.ix.ids, ledger.share
        items = sorted(ledger.items_in(self._slot), key=ledger.ix.keys.__getitem__)
        return {ids[i]: share[i] for i in items}

    @property
    def by_requester(self) -> dict[int | None, float]:
        """``{product team id or None: person-weeks}`` by the attribution rule."""
        ledger = self._ledger
        ix = ledger.ix
        totals: dict[int | None, float] = {}
        for i in sorted(ledger.items_in(self._slot), key=ix.keys.__getitem__):
            for team in ledger.requesters(i) or [None]:
                key = None if team is None else ix.team_ids[team]
                totals[key] = totals.get(key, 0.0) + ledger.share[i]
        return totals

    @property
    def _slot(self) -> int:
        return self._ledger.ix.team_pos[self.team_id] * self._ledger.n_periods + self.period


class Ledger:
    """Demand and capacity of every team in every period (team ids, period indices)."""

    def __init__(self, ix: PlanIndex, priorities: Priorities) -> None:
        self.ix = ix
        self.priorities = priorities
        n_periods = self.n_periods = ix.n_periods
        self.capacity: list[float | None] = [
            team.capacity(p) for team in ix.teams for p in range(n_periods)
        ]
        cells: list[list[int]] = [[] for _ in range(len(ix.teams) * n_periods)]
        share = [0.0] * ix.n
        status = ix.status
        spans = zip(ix.start, ix.end, ix.team, ix.estimate, strict=True)
        for i, (s, e, t, est) in enumerate(spans):
            if s < 0 or status[i] == CANCELLED:
                continue
            base = t * n_periods
            part = est / (e - s + 1) if est else 0.0
            share[i] = part
            for slot in range(base + s, base + e + 1):
                cells[slot].append(i)
        # fsum: the exactly rounded sum, whatever order the plan's rows came in
        self.demand = [fsum(share[i] for i in cell) if cell else 0.0 for cell in cells]
        self.share = share
        self._cells = cells

    def items_in(self, slot: int) -> list[int]:
        return self._cells[slot]

    def requesters(self, i: int) -> list[int]:
        """Product teams (dense) that request item ``i``, by the attribution rule."""
        teams = self.priorities.requesting_teams(i)
        own = self.ix.team[i]
        if self.ix.team_product[own]:
            teams.setdefault(own, self.ix.prio[i])
        return sorted(teams)

    def free(self, team: int, period: int) -> float | None:
        slot = team * self.n_periods + period
        capacity = self.capacity[slot]
        return None if capacity is None else capacity - self.demand[slot]

    def over_slots(self) -> list[int]:
        capacity, demand = self.capacity, self.demand
        return [
            slot
            for slot, cap in enumerate(capacity)
            if cap is not None and demand[slot] > cap + EPSILON
        ]

    def _make(self, slot: int) -> LedgerCell:
        team, period = divmod(slot, self.n_periods)
        return LedgerCell(
            self.ix.team_ids[team], period, self.capacity[slot], self.demand[slot], self
        )

    def cell(self, team_id: int, period: int) -> LedgerCell:
        if not 0 <= period < self.n_periods:
            raise IndexError(f"no period {period}")
        return self._make(self.ix.team_pos[team_id] * self.n_periods + period)

    def team(self, team_id: int) -> list[LedgerCell]:
        base = self.ix.team_pos[team_id] * self.n_periods
        return [self._make(base + p) for p in range(self.n_periods)]

    def __iter__(self) -> Iterator[LedgerCell]:
        return (self._make(slot) for slot in range(len(self.demand)))

    def __getitem__(self, key: tuple[int, int]) -> LedgerCell:
        return self.cell(*key)

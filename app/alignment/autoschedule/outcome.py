"""What a placement does to the plan: the constraints it breaks, its same-period
risks, its weighted lateness and the items it moves. Both solvers are judged by
this one account, so that the heuristic and the exact solver are compared on
the same terms."""

from __future__ import annotations

from dataclasses import dataclass
from math import fsum

from .problem import Problem


@dataclass(slots=True)
class Outcome:
    starts: list[int]
    violations: list[int]  # edges whose dependency ends after its needed-by period
    same_period: list[int]  # edges whose dependency ends in its needed-by period
    over: list[tuple[int, float]]  # (cell, demand) over capacity, in open periods
    past_horizon: list[int]  # movable items that end after the horizon
    pinned_past_horizon: list[int]  # fixed items that do
    stuck: list[int]  # items whose span does not fit in the open periods
    lateness: int
    moved: list[int]
    caps: list[float | None]

    @property
    def broken(self) -> int:
        return (
            len(self.violations)
            + len(self.over)
            + len(self.past_horizon)
            + len(self.pinned_past_horizon)
            + len(self.stuck)
        )

    def broken_set(self, problem: Problem) -> frozenset[tuple[str, object]]:
        """The broken constraints by identity: ``("dependency", (dependent id,
        dependency id))``, ``("capacity", cell)``, ``("horizon", item id)``, to compare
        the placements of two solvers."""
        ids = problem.ix.ids
        return frozenset(
            [
                ("dependency", (ids[problem.e_src[e]], ids[problem.e_dst[e]]))
                for e in self.violations
            ]
            + [("capacity", slot) for slot, _demand in self.over]
            + [
                ("horizon", problem.ids[k])
                for k in (*self.past_horizon, *self.pinned_past_horizon, *self.stuck)
            ]
        )

    @property
    def excess(self) -> float:
        """Person-weeks over capacity, summed over the cells over it."""
        return round(sum(demand - (self.caps[slot] or 0.0) for slot, demand in self.over), 6)

    @property
    def score(self) -> tuple[int, float, int, int, int]:
        """Smaller is better, compared in this order (see the package docstring)."""
        return (self.broken, self.excess, len(self.same_period), self.lateness, len(self.moved))


def demand(problem: Problem, starts: list[int]) -> dict[int, float]:
    """Demand of every cell a movable item takes under ``starts``."""
    parts: dict[int, list[float]] = {}
    n_periods, team, share, length = problem.n_periods, problem.team, problem.share, problem.length
    for k in problem.movable:
        base = team[k] * n_periods
        for p in range(starts[k], starts[k] + length[k]):
            parts.setdefault(base + p, []).append(share[k])
    fixed = problem.fixed
    return {slot: fsum([fixed[slot], *shares]) for slot, shares in parts.items()}


def evaluate(problem: Problem, starts: list[int]) -> Outcome:
    violations, same = [], []
    for e in range(len(problem.e_d)):
        need, finish = problem.edge_periods(e, starts)
        if finish > need:
            violations.append(e)
        elif finish == need:
            same.append(e)
    load = demand(problem, starts)
    n_periods, first = problem.n_periods, problem.first_open
    over = []
    for slot, cap in enumerate(problem.cap):
        if cap is None or slot % n_periods < first:
            continue
        value = load.get(slot, problem.fixed[slot])
        if problem.over(slot, value):
            over.append((slot, value))
    horizon = problem.horizon
    late, past, pinned_past, stuck, moved = 0, [], [], [], []
    for k in range(problem.m):
        end = starts[k] + problem.length[k] - 1
        fixed_as = problem.fixed_as[k]
        if fixed_as == "no room":
            stuck.append(k)
        elif end > horizon:
            (past if fixed_as is None else pinned_past).append(k)
        if starts[k] != problem.start[k]:
            moved.append(k)
            late += problem.weight[k] * max(0, starts[k] - problem.start[k])
    return Outcome(
        starts, violations, same, over, past, pinned_past, stuck, late, moved, problem.cap
    )

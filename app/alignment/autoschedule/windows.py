"""What the dependencies, pins, ended periods and horizon alone allow each item."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..text import plural
from .problem import Problem

if TYPE_CHECKING:
    pass


class Windows:
    """Earliest ends and latest starts from the dependencies, the pins, the ended
    periods and the horizon alone (capacity left out), each with the chain of
    items that sets it and what sets the chain: worked out once, in dependency
    order (the items of a loop, in imported plans only, last)."""

    def __init__(self, problem: Problem) -> None:
        self.p = p = problem
        names = problem.period_names
        needs: list[list[int]] = [[] for _ in range(p.m)]  # edges by dependent start
        needers: list[list[int]] = [[] for _ in range(p.m)]  # edges on the dependency
        for e, (d, b, need) in enumerate(zip(p.e_d, p.e_b, p.e_need, strict=True)):
            if need < 0 and d >= 0:
                needs[d].append(e)
            if b >= 0:
                needers[b].append(e)
        order = _dependency_order(p, needs)
        # (end, chain of keys, what sets it) per item
        early: list[tuple[int, tuple[str, ...], str]] = [(0, (), "")] * p.m
        known = [False] * p.m
        for k in order:
            if p.fixed_as[k] is not None:
                early[k] = (p.end_of(k, p.start), (), self._pinned_to(k, "end"))
            else:
                first = p.first_open
                root = f"{names[first]} is the first period that has not ended"
                if p.length[k] > 1:
                    root = f"{p.keys[k]} spans {plural(p.length[k], 'period')} and {root}"
                found = (first + p.length[k] - 1, (), root)
                for e in needs[k]:
                    b = p.e_b[e]
                    if b >= 0 and not known[b]:
                        continue
                    if b >= 0:
                        end, chain, root = early[b]
                        chain = (p.keys[b], *chain)
                    else:
                        end, chain = p.e_end[e], (p.ix.keys[p.e_dst[e]],)
                        root = f"{chain[0]} is not rescheduled and ends in {names[end]}"
                    if end + p.length[k] - 1 > found[0]:
                        found = (end + p.length[k] - 1, chain, root)
                early[k] = found
            known[k] = True
        late: list[tuple[int, tuple[str, ...], str]] = [(0, (), "")] * p.m
        known = [False] * p.m
        for k in reversed(order):
            if p.fixed_as[k] is not None:
                late[k] = (p.start[k], (), self._pinned_to(k, "start"))
            else:
                horizon = f"{p.keys[k]} must end by the horizon, {names[p.horizon]}"
                found = (p.hi[k], (), horizon)
                for e in needers[k]:
                    d = p.e_d[e]
                    if p.e_need[e] < 0 and d >= 0 and not known[d]:
                        continue
                    latest, chain, root = self._need(e, late)
                    if latest - p.length[k] + 1 < found[0]:
                        found = (latest - p.length[k] + 1, chain, root)
                late[k] = found
            known[k] = True
        self.early, self.late = early, late

    def _pinned_to(self, k: int, what: str) -> str:
        p = self.p
        period = p.start[k] if what == "start" else p.end_of(k, p.start)
        if p.fixed_as[k] == "no room":
            return f"{p.keys[k]} cannot move and {what}s in {p.period_names[period]}"
        return f"{p.keys[k]} is pinned ({p.fixed_as[k]}) and {what}s in {p.period_names[period]}"

    def _need(self, e: int, late: list) -> tuple[int, tuple[str, ...], str]:
        """The latest needed-by period of edge ``e``, with its chain."""
        p = self.p
        d, need = p.e_d[e], p.e_need[e]
        dependent = p.ix.keys[p.e_src[e]]
        if need >= 0:
            key = p.ix.keys[p.e_dst[e]]
            return need, (), f"{dependent} needs {key} by {p.period_names[need]}"
        if d < 0:
            start = p.e_start[e]
            return (
                start,
                (),
                (f"{dependent} is not rescheduled and starts in {p.period_names[start]}"),
            )
        start, chain, root = late[d]
        if p.fixed_as[d] is not None:
            return start, chain, root
        return start, (dependent, *chain), root

    @staticmethod
    def _after(chain: tuple[str, ...], root: str) -> str:
        if not chain:
            return root
        return f"it comes after {', after '.join(chain)}; {root}"

    @staticmethod
    def _before(chain: tuple[str, ...], root: str) -> str:
        if not chain:
            return root
        if len(chain) == 1:
            return f"{chain[0]} must start by then; {root}"
        return f"{chain[0]} must start by then, before {', before '.join(chain[1:])}; {root}"

    def earliest_end(self, e: int) -> tuple[int, str]:
        """The earliest end of edge ``e``'s dependency, and why."""
        p = self.p
        b = p.e_b[e]
        if b < 0:
            key = p.ix.keys[p.e_dst[e]]
            return p.e_end[e], f"{key} is not rescheduled"
        return self.item_earliest_end(b)

    def item_earliest_end(self, k: int) -> tuple[int, str]:
        end, chain, root = self.early[k]
        return end, self._after(chain, root)

    def latest_need(self, e: int) -> tuple[int, str]:
        """The latest needed-by period edge ``e`` can have, and why."""
        latest, chain, root = self._need(e, self.late)
        return latest, self._before(chain, root)


def _dependency_order(problem: Problem, needs: list[list[int]]) -> list[int]:
    """Placed items, each after what it needs by its start (Kahn); a loop's items last."""
    p = problem
    waiting = [0] * p.m
    needers: list[list[int]] = [[] for _ in range(p.m)]
    for d in range(p.m):
        for e in needs[d]:
            b = p.e_b[e]
            if b >= 0:
                waiting[d] += 1
                needers[b].append(d)
    order = [k for k in range(p.m) if not waiting[k]]
    for u in order:
        for d in needers[u]:
            waiting[d] -= 1
            if not waiting[d]:
                order.append(d)
    if len(order) < p.m:
        seen = set(order)
        order.extend(k for k in range(p.m) if k not in seen)
    return order

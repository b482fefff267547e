"""A placement in a planner's words: the reason of each move, each broken
constraint, and why no placement meets them all."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..ledger import EPSILON
from ..snapshot import PRIORITY_NAMES
from ..text import and_list, capped_list, plural, pw, span
from .outcome import Outcome, demand
from .problem import Problem

if TYPE_CHECKING:
    pass

from .results import Broken, Move
from .windows import Windows

# How many items a reason names before "and N more".
NAMED = 3


class Words:
    """The texts of one outcome."""

    def __init__(self, problem: Problem, outcome: Outcome) -> None:
        self.p = problem
        self.o = outcome
        self.names = problem.period_names
        self.load = demand(problem, outcome.starts)
        # The movable items in each cell under the outcome.
        cells: dict[int, list[int]] = {}
        n_periods = problem.n_periods
        for k in problem.movable:
            base = problem.team[k] * n_periods
            start = outcome.starts[k]
            for p in range(start, start + problem.length[k]):
                cells.setdefault(base + p, []).append(k)
        self.cells = cells
        # The edges of each item, as dependent and as dependency.
        self.as_dependent: dict[int, list[int]] = {}
        self.as_dependency: dict[int, list[int]] = {}
        for e, (d, b) in enumerate(zip(problem.e_d, problem.e_b, strict=True)):
            if d >= 0:
                self.as_dependent.setdefault(d, []).append(e)
            if b >= 0:
                self.as_dependency.setdefault(b, []).append(e)

    # -- small pieces ---------------------------------------------------------------

    def _end(self, k: int) -> int:
        return self.o.starts[k] + self.p.length[k] - 1

    def _span(self, k: int, start: int | None = None) -> str:
        start = self.o.starts[k] if start is None else start
        return span(self.names, start, start + self.p.length[k] - 1)

    def _key(self, i: int) -> str:
        """The key of a snapshot position."""
        return self.p.ix.keys[i]

    def _team(self, slot: int) -> str:
        return self.p.team_names[slot // self.p.n_periods]

    def _period(self, slot: int) -> str:
        return self.names[slot % self.p.n_periods]

    def _pinned(self, k: int) -> str:
        return f"{self.p.keys[k]} (pinned: {self.p.fixed_as[k]})"

    def _occupants(self, slot: int, leave: int) -> str:
        """The items taking a cell (movable ones where they now are, and the work that
        stays put), best effective priority first, then the largest share."""
        p = self.p
        ix, ledger = p.ix, p.ledger
        rows = [
            (p.priority[k], -p.share[k], p.keys[k]) for k in self.cells.get(slot, []) if k != leave
        ]
        movable = p.movable_positions
        for i in ledger.items_in(slot):
            if i not in movable and ledger.share[i] > 0:
                rows.append((p.effective[ix.ids[i]], -ledger.share[i], ix.keys[i]))
        rows.sort()
        return capped_list([f"{key} ({PRIORITY_NAMES[level]})" for level, _s, key in rows], NAMED)

    def _no_room(self, k: int, start: int) -> str | None:
        """Why ``k`` cannot be at ``start`` for capacity: the first cell of that span
        its team has no room in, with everything else where it now is."""
        p = self.p
        share = p.share[k]
        if share <= 0:
            return None
        base = p.team[k] * p.n_periods
        for period in range(start, start + p.length[k]):
            slot = base + period
            cap = p.cap[slot]
            if cap is None:
                continue
            taken = self.load.get(slot, p.fixed[slot])
            if k in self.cells.get(slot, ()):
                taken -= share
            if taken + share > cap + EPSILON:
                return (
                    f"{p.team_names[p.team[k]]} has no room for its {pw(share)} person-weeks "
                    f"in {self.names[period]}: {pw(taken)} of {pw(cap)} are taken by "
                    f"{self._occupants(slot, k)}"
                )
        return None

    # -- the reason of a move ----------------------------------------------------------

    def move(self, k: int) -> Move:
        p = self.p
        s0, s1 = p.start[k], self.o.starts[k]
        length = p.length[k]
        return Move(
            item_id=p.ids[k],
            key=p.keys[k],
            start=s0,
            end=s0 + length - 1,
            to_start=s1,
            to_end=s1 + length - 1,
            reason=self._reason(k, s0, s1),
        )

    def _reason(self, k: int, s0: int, s1: int) -> str:
        p, names = self.p, self.names
        key = p.keys[k]
        where = f"Moved to {self._span(k)}"
        if s0 < p.lo[k]:
            return f"{where}: it started in {names[s0]}, which has ended"
        if s0 > p.hi[k]:
            return f"{where}: in {self._span(k, s0)} it ended after the horizon, {names[p.horizon]}"
        if s1 > s0:
            found = self._later_by_dependency(k, s0, s1)
        else:
            found = self._earlier_by_dependency(k, s0)
        if found is None:
            found = self._no_room(k, s0)
        if found is None:
            found = f"the best place found for {key} with everything else where it now is"
        return f"{where}: {found}"

    def _later_by_dependency(self, k: int, s0: int, s1: int) -> str | None:
        """The dependency, needed by ``k``'s start, that ends latest at or after ``s0``."""
        p = self.p
        latest = None
        for e in self.as_dependent.get(k, ()):
            if p.e_need[e] < 0:
                _need, finish = p.edge_periods(e, self.o.starts)
                if finish >= s0 and (latest is None or finish > latest[0]):
                    latest = (finish, e)
        if latest is None:
            return None
        finish, e = latest
        what = f"{p.keys[k]} needs {self._key(p.e_dst[e])} by its start"
        ends = f"{self._key(p.e_dst[e])} ends in {self.names[finish]}"
        if finish > s0:
            return f"{what}, and {ends}"
        return f"{what}, and {ends}, the period {p.keys[k]} started in (a same-period risk)"

    def _earlier_by_dependency(self, k: int, s0: int) -> str | None:
        """The dependent that needs ``k`` earliest, by a period before or at ``k``'s
        old end."""
        p = self.p
        old_end = s0 + p.length[k] - 1
        first = None
        for e in self.as_dependency.get(k, ()):
            need, _finish = p.edge_periods(e, self.o.starts)
            if need <= old_end and (first is None or need < first[0]):
                first = (need, e)
        if first is None:
            return None
        need, e = first
        dependent = self._key(p.e_src[e])
        by = "its needed-by period" if p.e_need[e] >= 0 else f"{dependent}'s start"
        text = f"{dependent} needs {p.keys[k]} by {self.names[need]} ({by})"
        if need == old_end:
            return f"{text}, and ending in that period too was a same-period risk"
        return text

    # -- what is broken, and why -----------------------------------------------------------

    def broken(self) -> list[Broken]:
        p, o, names = self.p, self.o, self.names
        found = []
        for e in o.violations:
            need, finish = p.edge_periods(e, o.starts)
            found.append(
                Broken(
                    "schedule_violation",
                    f"{self._key(p.e_src[e])} needs {self._key(p.e_dst[e])} by {names[need]}, "
                    f"but {self._key(p.e_dst[e])} ends in {names[finish]}",
                )
            )
        for slot, value in o.over:
            cap = p.cap[slot]
            found.append(
                Broken(
                    "capacity",
                    f"{self._team(slot)} has {pw(value)} person-weeks of work in "
                    f"{self._period(slot)} against a capacity of {pw(cap or 0)}, "
                    f"{pw(value - (cap or 0))} over",
                )
            )
        horizon = names[p.horizon] if names else ""
        for k in o.past_horizon:
            found.append(
                Broken(
                    "horizon",
                    f"{p.keys[k]} ends in {names[self._end(k)]}, after the horizon, {horizon}",
                )
            )
        for k in o.stuck:
            found.append(Broken("horizon", self._stuck(k)))
        for k in o.pinned_past_horizon:
            found.append(
                Broken(
                    "pin",
                    f"{self._pinned(k)} ends in {names[self._end(k)]}, "
                    f"after the horizon, {horizon}",
                )
            )
        return found

    def _stuck(self, k: int) -> str:
        p, names = self.p, self.names
        spans = plural(p.length[k], "period")
        if p.first_open >= p.n_periods:
            return f"{p.keys[k]} stays in {self._span(k)}: every period of the plan has ended"
        return (
            f"{p.keys[k]} stays in {self._span(k)}: its {spans} do not fit between "
            f"{names[p.first_open]}, the first period that has not ended, and "
            f"{names[-1]}, the last period of the plan"
        )

    def why(self) -> list[str]:
        """Which team is short in which periods by how much, and which pinned items
        (or ended periods, or the horizon) make which dependency impossible."""
        p, o = self.p, self.o
        reasons = []
        by_team: dict[int, list[tuple[int, float]]] = {}
        for slot, value in o.over:
            by_team.setdefault(slot // p.n_periods, []).append((slot, value))
        for team, cells in sorted(by_team.items(), key=lambda kv: p.team_names[kv[0]]):
            reasons.append(self._short(team, cells))
        windows = Windows(p)
        for e in o.violations:
            reasons.append(self._impossible(e, windows))
        for k in o.past_horizon:
            reasons.append(self._late(k, windows))
        for k in o.stuck:
            reasons.append(self._stuck(k))
        for k in o.pinned_past_horizon:
            reasons.append(
                f"{self._pinned(k)} ends in {self.names[self._end(k)]}, after the horizon, "
                f"{self.names[p.horizon]}"
            )
        return reasons

    def _short(self, team: int, cells: list[tuple[int, float]]) -> str:
        p = self.p
        parts = []
        for slot, value in cells:
            cap = p.cap[slot] or 0.0
            text = (
                f"in {self._period(slot)} by {pw(value - cap)} person-weeks "
                f"({pw(value)} of work, capacity {pw(cap)}"
            )
            if p.fixed[slot] > cap + EPSILON:
                text += f"; work that is not rescheduled alone takes {pw(p.fixed[slot])}"
            parts.append(text + ")")
        return f"{p.team_names[team]} is short {and_list(parts)}"

    def _at(self, period: int) -> str:
        """A period by name, or where it falls off the plan."""
        names = self.names
        if period < 0:
            return f"before {names[0]}"
        if period >= len(names):
            return f"after {names[-1]}"
        return names[period]

    def _impossible(self, e: int, windows: Windows) -> str:
        p = self.p
        need, _finish = p.edge_periods(e, self.o.starts)
        dependent, dependency = self._key(p.e_src[e]), self._key(p.e_dst[e])
        latest, latest_why = windows.latest_need(e)
        earliest, earliest_why = windows.earliest_end(e)
        head = f"{dependent} needs {dependency}"
        if earliest > latest:
            if p.e_need[e] >= 0:
                latest_why = "its needed-by period"
            by = (
                f"by {self.names[latest]} at the latest"
                if latest >= 0
                else f"before {self.names[0]}, the first period of the plan"
            )
            return (
                f"{head} {by} ({latest_why}), but {dependency} "
                f"cannot end before {self._at(earliest)} ({earliest_why})"
            )
        b = p.e_b[e]
        if b < 0 or p.fixed_as[b] is not None:
            return f"{head} by {self._at(need)}: no place for {dependent} meets it"
        return f"{head} by {self._at(need)}, but {self._room_before(b, need)}"

    def _room_before(self, k: int, need: int) -> str:
        """The room ``k``'s team has from the first open period to ``need``, the
        rest of the work where it now is."""
        p = self.p
        base = p.team[k] * p.n_periods
        frees = []
        for period in range(p.first_open, min(need, p.n_periods - 1) + 1):
            slot = base + period
            cap = p.cap[slot]
            if cap is None:
                continue
            taken = self.load.get(slot, p.fixed[slot])
            if k in self.cells.get(slot, ()):
                taken -= p.share[k]
            frees.append(f"{pw(max(0.0, cap - taken))} in {self.names[period]}")
        team = p.team_names[p.team[k]]
        if not frees:
            return f"{p.keys[k]} cannot end by then with the rest of the plan placed"
        return (
            f"{team} has only {and_list(frees)} person-weeks free with the rest of its work "
            f"placed, and {p.keys[k]} needs {pw(p.share[k])} in each of its "
            f"{plural(p.length[k], 'period')}"
        )

    def _late(self, k: int, windows: Windows) -> str:
        p, names = self.p, self.names
        earliest, earliest_why = windows.item_earliest_end(k)
        head = f"{p.keys[k]} cannot end by the horizon, {names[p.horizon]}"
        if earliest > p.horizon:
            return f"{head}: it cannot end before {self._at(earliest)} ({earliest_why})"
        return f"{head}: {self._room_before(k, p.horizon)}"

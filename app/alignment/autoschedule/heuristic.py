"""The fast solver: priority-rule serial schedules, improved by re-placement.

Work that is needed by its start ("d needs b", no explicit needed-by period)
orders a schedule: an item is placed once everything it needs by its start is.
Among the items ready to place, one rule takes the best effective priority
first (platform work inherits the priority of what needs it, so the closure of
a P0 item is placed before any P1 work takes its team's room), then the
earliest target start, then the key; the other takes the earliest needed-by
period first, then priority. Each item takes the start that scores best, as a
tuple compared in order:

1. the constraints it breaks: a cell of its team it takes over capacity,
   each placed dependency that ends after its start, each needed-by period it
   misses (explicit ones, and the starts of dependents that stay put or cannot
   start later), the horizon;
2. the person-weeks it puts over capacity;
3. the same-period risks it makes;
4. its weighted lateness, plus that of the dependents it would push past the
   start they need (their current one, or earlier when they must be earlier);
5. whether it moves, then how far.

Its current start wins every tie, so a plan that needs no change gets none.
Then each movable item in turn, best effective priority first, is taken out
and put back at its best start with every other item where it now is (the same
tuple, with its real neighbours), while that improves anything: a few rounds on
a small plan, one on a large one; and each dependency that still ends too late
for its dependent, both movable, is re-placed as a pair. A small plan (up to
``SEARCH`` movable items) is then searched further (``_Search``). Of the two
rules' placements, the one ``outcome.evaluate`` scores best is kept. Everything
runs in a fixed order: the same plan gives the same placement.

``progress(done, total)`` follows the whole solve, every pass of each rule
(``_Meter``): ``total`` is fixed at the start, the sum of what the passes may
take at most, in steps of about one item's placement (a pass over the items
counts a step an item, the pairs one per ``PAIR_EDGES`` dependencies, the
search ``len(movable)`` steps an item, twice a round, for the moves and the
swaps; getting ready a quarter of a pass, judging a rule's placement a tenth).
``done`` never goes back, jumps over what is skipped (rounds not needed, a rule
not tried) and reaches ``total`` exactly once, in the last call. At most
``CALLS`` + 1 calls: one at 0, one each time ``done`` passes another
``1/CALLS`` of the total, the last; a pass pays one comparison a step for them.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable

from ..ledger import EPSILON
from .outcome import evaluate
from .problem import Problem

INFINITY = 1 << 30
NEVER = 1 << 62
# The orders of the serial schedules tried: best effective priority first, or the
# earliest needed-by period first (then priority).
RULES = ("priority", "deadline")
# Rounds of re-placement: every movable item is re-placed once per round.
ROUNDS_SMALL, ROUNDS_LARGE, SMALL = 8, 1, 2000
# Up to this many movable items, a search over whole placements follows (see _Search).
SEARCH, SEARCH_ROUNDS, EJECTIONS = 200, 12, 3
# Progress: at most this many calls besides the last; a dependency the pairs look
# at costs about this many times less than an item's placement; getting ready
# (the dependencies read, the order, the targets) about a quarter of a pass over
# the items, judging a rule's placement about a tenth.
CALLS, PAIR_EDGES, SETUP_SHARE, EVALUATE_SHARE = 100, 16, 4, 10


class SerialScheduler:
    """``Solver`` by a priority-rule serial schedule (see the module docstring)."""

    name = "heuristic"

    def solve(
        self, problem: Problem, progress: Callable[[int, int], None] | None = None
    ) -> list[int]:
        return _Serial(problem, progress).run()


class _Meter:
    """``progress(done, total)`` over the whole solve (see the module docstring).

    Each pass opens a section of the steps it may take (``section``), reports
    how far it got within it when told to (``at``: the next count to tell it at
    comes back, so that a loop pays one comparison a step) and closes it, the
    steps it skipped counted done (``close``). Calls ``progress`` when ``done``
    reaches the next multiple of ``step``, below ``total``; ``finish`` the last
    time, at ``total``."""

    def __init__(self, progress: Callable[[int, int], None] | None, total: int) -> None:
        self.progress = progress
        self.total = total
        self.step = max(1, -(-total // CALLS))
        self.done = self.base = self.end = 0
        # with nobody to tell, no count is ever due
        self.next = self.step if progress is not None else NEVER
        if progress is not None and total > 0:
            progress(0, total)

    def section(self, size: int) -> int:
        self.base = self.done
        self.end = min(self.total, self.done + size)
        return self.next - self.base

    def at(self, count: int) -> int:
        self._reach(min(self.end, self.base + count))
        return self.next - self.base

    def close(self) -> None:
        self._reach(self.end)

    def skip(self, size: int) -> None:
        self.section(size)
        self.close()

    def _reach(self, done: int) -> None:
        done = self.done = max(self.done, done)
        if done >= self.next:
            self.next = (done // self.step + 1) * self.step
            if done < self.total and self.progress is not None:
                self.progress(done, self.total)

    def finish(self) -> None:
        self.done = self.total
        if self.progress is not None:
            self.progress(self.total, self.total)


class _Serial:
    def __init__(self, problem: Problem, progress: Callable[[int, int], None] | None) -> None:
        self.p = problem
        total = len(problem.movable)
        self.rounds = ROUNDS_SMALL if total <= SMALL else ROUNDS_LARGE
        self.judging = total // EVALUATE_SHARE
        setup = total // SETUP_SHARE
        pairs = len(problem.e_d) // PAIR_EDGES
        search = SEARCH_ROUNDS * 2 * total * total if total <= SEARCH else 0
        # the steps of one rule: the serial pass, the rounds, the pairs and the
        # round after them, the search, the judging
        per_rule = total + self.rounds * total + pairs + total + search + self.judging
        self.meter = _Meter(progress, setup + len(RULES) * per_rule)
        m, n_periods = problem.m, problem.n_periods
        self.starts = list(problem.start)
        movable = [False] * m
        for k in problem.movable:
            movable[k] = True
        self.is_movable = movable
        # Per movable item: the movable items it needs by its start and the ends
        # of the fixed ones, the movable items that need it by their start, and
        # the periods it must end by (explicit needed-by periods; the starts of
        # fixed dependents).
        self.needs: list[list[int]] = [[] for _ in range(m)]
        self.needed_by: list[list[int]] = [[] for _ in range(m)]
        self.fixed_ends: list[list[int]] = [[] for _ in range(m)]
        self.bounds: list[list[int]] = [[] for _ in range(m)]
        for d, b, need, const_start, const_end in zip(
            problem.e_d, problem.e_b, problem.e_need, problem.e_start, problem.e_end, strict=True
        ):
            b_moves = b >= 0 and movable[b]
            d_moves = d >= 0 and movable[d]
            if need >= 0:
                if b_moves:
                    self.bounds[b].append(need)
            elif b_moves and d_moves:
                self.needs[d].append(b)
                self.needed_by[b].append(d)
            elif b_moves:
                self.bounds[b].append(const_start if d < 0 else problem.start[d])
            elif d_moves:
                finish = const_end if b < 0 else problem.start[b] + problem.length[b] - 1
                self.fixed_ends[d].append(finish)
        self.meter.skip(setup // 2)
        # Free capacity per cell for the movable items (INFINITY: no limit).
        self.free = [
            INFINITY if cap is None else cap - fixed
            for cap, fixed in zip(problem.cap, problem.fixed, strict=True)
        ]
        self.used = [0.0] * len(self.free)
        self.n_periods = n_periods
        self.order = self._topological()
        self.meter.skip(setup // 8)
        self._targets()
        self.meter.skip(setup - setup // 2 - setup // 8)

    def _topological(self) -> list[int]:
        """Movable items, each after what it needs by its start (Kahn); the items
        of a loop (imported plans only) at the end, in key order."""
        p = self.p
        indeg = [0] * p.m
        for k in p.movable:
            indeg[k] = len(self.needs[k])
        order = [k for k in p.movable if not indeg[k]]
        for u in order:
            for v in self.needed_by[u]:
                indeg[v] -= 1
                if not indeg[v]:
                    order.append(v)
        if len(order) < len(p.movable):
            placed = set(order)
            order.extend(k for k in p.movable if k not in placed)
        return order

    def _targets(self) -> None:
        """Backwards over the order: ``hard_end``, the latest end that misses no
        needed-by period (the dependents at their latest starts), and
        ``target_start``, the latest start that pushes no dependent past where it
        now is and makes no same-period risk; ``push_end``, the latest end that
        pushes no movable dependent."""
        p = self.p
        m = p.m
        hard_end = [INFINITY] * m
        hard_start = [0] * m
        target_start = [0] * m
        push_end = [INFINITY] * m
        lo, length, start, hi = p.lo, p.length, p.start, p.hi
        for k in reversed(self.order):
            hard = min(self.bounds[k], default=INFINITY)
            soft = hard - 1
            push = INFINITY
            for d in self.needed_by[k]:
                hard = min(hard, hard_start[d])
                push = min(push, target_start[d] - 1)
            hard_end[k] = hard
            push_end[k] = push
            hard_start[k] = max(lo[k], min(hard, p.horizon) - length[k] + 1)
            latest = min(soft, push) - length[k] + 1
            target_start[k] = max(lo[k], min(max(start[k], lo[k]), hi[k], latest))
        self.hard_end = hard_end
        self.target_start = target_start
        self.push_end = push_end

    # -- one placement ----------------------------------------------------------

    def _score(self, k: int, v: int, ends: list[int], pushed: bool) -> tuple:
        p = self.p
        length = p.length[k]
        e = v + length - 1
        broken = same = 0
        excess = 0.0
        share = p.share[k]
        if share > 0:
            base = p.team[k] * self.n_periods
            used, free = self.used, self.free
            for slot in range(base + v, base + e + 1):
                room = free[slot] + EPSILON
                before = used[slot] - room
                after = before + share
                if after > 0:
                    if before > 0:
                        excess += share
                    else:
                        broken += 1
                        excess += after
        for finish in ends:
            if finish > v:
                broken += 1
            elif finish == v:
                same += 1
        for bound in self.bounds[k]:
            if e > bound:
                broken += 1
            elif e == bound:
                same += 1
        if e > p.horizon:
            broken += 1
        weight = p.weight[k]
        late = weight * max(0, v - p.start[k])
        if pushed:
            # the real starts of the dependents, in the re-placement pass
            for d in self.needed_by[k]:
                s = self.starts[d]
                if e > s:
                    broken += 1
                elif e == s:
                    same += 1
        else:
            if e > self.hard_end[k]:
                broken += 1
            late += weight * max(0, e - self.push_end[k])
        moved = v != p.start[k]
        return (broken, round(excess, 6), same, late, moved, abs(v - p.start[k]), v)

    def _best(self, k: int) -> tuple[tuple, int]:
        p = self.p
        starts = self.starts
        ends = [starts[b] + p.length[b] - 1 for b in self.needs[k] if self.done[b]]
        ends.extend(self.fixed_ends[k])
        current = p.start[k]
        lo, top = p.lo[k], p.top[k]
        best_score, best = None, lo
        if lo <= current <= top:
            best_score = self._score(k, current, ends, False)
            best = current
            if not any(best_score[:4]):
                return best_score, best
        for v in range(lo, top + 1):
            if v == current:
                continue
            score = self._score(k, v, ends, False)
            if best_score is None or score < best_score:
                best_score, best = score, v
        return best_score, best

    def _take(self, k: int, v: int, sign: float) -> None:
        share = self.p.share[k]
        if share > 0:
            base = self.p.team[k] * self.n_periods
            used = self.used
            for slot in range(base + v, base + v + self.p.length[k]):
                used[slot] += sign * share

    # -- the passes ----------------------------------------------------------------

    def run(self) -> list[int]:
        """One schedule per rule, each re-placed (and searched, when small); the
        best by ``outcome.evaluate``, the first rule winning a tie."""
        p = self.p
        total = len(p.movable)
        rounds, meter = self.rounds, self.meter
        best: tuple | None = None
        found = self.starts
        for rule in RULES:
            self.starts = list(p.start)
            self.used = [0.0] * len(self.free)
            self.done = [not moving for moving in self.is_movable]
            self._serial(rule)
            for number in range(rounds):
                if not self._replace():
                    meter.skip((rounds - number - 1) * total)
                    break
            if self._pairs():
                self._replace()
            else:
                meter.skip(total)
            if total <= SEARCH:
                self.starts = _Search(self).run()
            score = evaluate(p, self.starts).score
            meter.skip(self.judging)
            if best is None or score < best:
                best, found = score, self.starts
            if not any(score[:4]):
                break  # nothing broken, no risk, no lateness: no rule does better
        meter.finish()
        return found

    def _serial(self, rule: str) -> None:
        p = self.p
        waiting = [0] * p.m
        for k in p.movable:
            waiting[k] = len(self.needs[k])
        priority, target, hard = p.priority, self.target_start, self.hard_end

        if rule == "priority":

            def entry(k: int) -> tuple[int, int, int, int]:
                return (priority[k], target[k], hard[k], k)
        else:

            def entry(k: int) -> tuple[int, int, int, int]:
                return (hard[k], priority[k], target[k], k)

        heap = [entry(k) for k in p.movable if not waiting[k]]
        heapq.heapify(heap)
        placed = 0
        meter = self.meter
        due = meter.section(len(p.movable))
        loop = iter(self.order)  # for items in a loop: the order's remaining ones
        while placed < len(p.movable):
            if not heap:
                k = next(v for v in loop if not self.done[v] and waiting[v] > 0)
                waiting[k] = 0
                heap.append(entry(k))
            k = heapq.heappop(heap)[3]
            if self.done[k]:
                continue
            _score, v = self._best(k)
            self.starts[k] = v
            self._take(k, v, 1.0)
            self.done[k] = True
            placed += 1
            if placed >= due:
                due = meter.at(placed)
            for d in self.needed_by[k]:
                waiting[d] -= 1
                if not waiting[d]:
                    heapq.heappush(heap, entry(d))
        meter.close()

    def _replace(self) -> bool:
        """One round of re-placements; whether any item moved."""
        p = self.p
        changed = False
        starts = self.starts
        meter = self.meter
        due = meter.section(len(p.movable))
        for count, k in enumerate(sorted(p.movable, key=lambda k: (p.priority[k], k)), 1):
            v0 = starts[k]
            self._take(k, v0, -1.0)
            ends = [starts[b] + p.length[b] - 1 for b in self.needs[k]]
            ends.extend(self.fixed_ends[k])
            here = self._score(k, v0, ends, True)
            best_score, best = here, v0
            if any(here[:4]):
                for v in range(p.lo[k], p.top[k] + 1):
                    if v != v0:
                        score = self._score(k, v, ends, True)
                        if score[:5] < best_score[:5]:
                            best_score, best = score, v
            starts[k] = best
            self._take(k, best, 1.0)
            changed |= best != v0
            if count >= due:
                due = meter.at(count)
        meter.close()
        return changed

    def _pairs(self) -> bool:
        """For each dependency that ends too late for its dependent, both movable:
        the two re-placed together, every pair of starts tried (their two scores
        added), when that improves on where they are; whether any moved."""
        p = self.p
        starts = self.starts
        changed = False
        meter = self.meter
        due = meter.section(len(p.e_d) // PAIR_EDGES) * PAIR_EDGES
        for e, (d, b, need) in enumerate(zip(p.e_d, p.e_b, p.e_need, strict=True)):
            if e >= due:
                due = meter.at(e // PAIR_EDGES) * PAIR_EDGES
            if need >= 0 or d < 0 or b < 0 or not (self.is_movable[d] and self.is_movable[b]):
                continue
            if starts[b] + p.length[b] - 1 <= starts[d]:
                continue
            d0, b0 = starts[d], starts[b]
            self._take(d, d0, -1.0)
            self._take(b, b0, -1.0)
            best, where = self._pair_score(d, b, d0, b0), (d0, b0)
            for v in range(p.lo[b], p.top[b] + 1):
                for u in range(max(p.lo[d], v + p.length[b] - 1), p.top[d] + 1):
                    score = self._pair_score(d, b, u, v)
                    if score < best:
                        best, where = score, (u, v)
            starts[d], starts[b] = where
            self._take(d, where[0], 1.0)
            self._take(b, where[1], 1.0)
            changed |= where != (d0, b0)
        meter.close()
        return changed

    def _pair_score(self, d: int, b: int, u: int, v: int) -> tuple:
        """The scores of ``b`` at ``v`` and ``d`` at ``u``, added (both taken out)."""
        p, starts = self.p, self.starts
        starts[d], starts[b] = u, v
        ends = [starts[x] + p.length[x] - 1 for x in self.needs[b]]
        ends.extend(self.fixed_ends[b])
        first = self._score(b, v, ends, True)
        self._take(b, v, 1.0)
        ends = [starts[x] + p.length[x] - 1 for x in self.needs[d]]
        ends.extend(self.fixed_ends[d])
        second = self._score(d, u, ends, True)
        self._take(b, v, -1.0)
        return tuple(x + y for x, y in zip(first[:5], second[:5], strict=True))


class _Search:
    """Descent over whole placements, each judged by ``outcome.evaluate``: move one
    item to another start, or swap the starts of two items of a team, each time
    pushing the dependents it now ends too late for after it and pulling what it
    needs by its start before it; take any change that scores better, until none
    does (at most ``SEARCH_ROUNDS`` rounds). Then, for the items of a broken
    dependency or in a cell over capacity, a move together with up to
    ``EJECTIONS`` items of the team out of its way."""

    def __init__(self, serial: _Serial) -> None:
        self.s = serial
        self.p = serial.p

    def run(self) -> list[int]:
        return self._descend(list(self.s.starts))[0]

    def _descend(self, starts: list[int]) -> tuple[list[int], tuple]:
        p = self.p
        best = evaluate(p, starts).score
        order = sorted(p.movable, key=lambda k: (p.priority[k], k))
        by_team: dict[int, list[int]] = {}
        for k in order:
            by_team.setdefault(p.team[k], []).append(k)
        # per round: a step per item moved, a step per item swapped, each weighing
        # about as much as len(order) placements (an evaluate is a pass over the plan)
        n = len(order)
        meter = self.s.meter
        due = meter.section(SEARCH_ROUNDS * 2 * n * n)
        for number in range(SEARCH_ROUNDS):
            improved = False
            count = number * 2 * n
            for k in order:
                for v in range(p.lo[k], p.top[k] + 1):
                    if v == starts[k]:
                        continue
                    for candidate in self._variants(starts, {k: v}):
                        score = evaluate(p, candidate).score
                        if score < best:
                            starts, best, improved = candidate, score, True
                            break
                count += 1
                if count * n >= due:
                    due = meter.at(count * n)
            for items in by_team.values():
                for x, i in enumerate(items):
                    for j in items[x + 1 :]:
                        si, sj = starts[i], starts[j]
                        if si == sj or not (
                            p.lo[i] <= sj <= p.top[i] and p.lo[j] <= si <= p.top[j]
                        ):
                            continue
                        for candidate in self._variants(starts, {i: sj, j: si}):
                            score = evaluate(p, candidate).score
                            if score < best:
                                starts, best, improved = candidate, score, True
                                break
                    count += 1
                    if count * n >= due:
                        due = meter.at(count * n)
            if not improved:
                found = self._eject(starts, best)
                if found is None:
                    break
                starts, best = found
        meter.close()
        return starts, best

    def _eject(self, starts: list[int], best: tuple) -> tuple[list[int], tuple] | None:
        """For an item at either end of a broken dependency, or in a cell over
        capacity: another start for it (with the items it pushes and pulls), the
        items of its team that leave it no room there moved out of its way; the
        first such change that scores better, else None."""
        p = self.p
        outcome = evaluate(p, starts)
        involved = set()
        for e in outcome.violations:
            involved.update(k for k in (p.e_d[e], p.e_b[e]) if k >= 0 and self.s.is_movable[k])
        n_periods = p.n_periods
        over_cells = {slot for slot, _demand in outcome.over}
        if over_cells:
            involved.update(
                k
                for k in p.movable
                if any(
                    p.team[k] * n_periods + q in over_cells
                    for q in range(starts[k], starts[k] + p.length[k])
                )
            )
        for k in sorted(involved, key=lambda k: (p.priority[k], k)):
            for v in range(p.lo[k], p.top[k] + 1):
                if v == starts[k]:
                    continue
                for moved in self._variants(starts, {k: v}):
                    found = self._clear(moved, k, v)
                    if found[1] < best:
                        return found
        return None

    def _clear(self, starts: list[int], k: int, v: int) -> tuple[list[int], tuple]:
        """Move the items of ``k``'s team out of the cells of its span at ``v`` that
        are over capacity, one at a time, each to its best start, while that
        improves the placement (at most ``EJECTIONS`` items)."""
        p = self.p
        n_periods = p.n_periods
        base = p.team[k] * n_periods
        outcome = evaluate(p, starts)
        score = outcome.score
        for _ejection in range(EJECTIONS):
            over = {slot for slot, _demand in outcome.over}
            cells = {base + q for q in range(v, v + p.length[k])} & over
            if not cells:
                break
            blockers = [
                j
                for j in p.movable
                if j != k
                and p.team[j] == p.team[k]
                and any(base + q in cells for q in range(starts[j], starts[j] + p.length[j]))
            ]
            best = None
            for j in blockers:
                for u in range(p.lo[j], p.top[j] + 1):
                    if u != starts[j]:
                        candidate = list(starts)
                        candidate[j] = u
                        tried = evaluate(p, candidate)
                        if best is None or tried.score < best.score:
                            best = tried
            if best is None or best.score >= score:
                break
            outcome, score = best, best.score
            starts = best.starts
        return starts, score

    def _variants(self, starts: list[int], change: dict[int, int]) -> list[list[int]]:
        plain = list(starts)
        for k, v in change.items():
            plain[k] = v
        repaired = self._repair(plain, list(change))
        return [plain] if repaired == plain else [repaired, plain]

    def _repair(self, starts: list[int], moved: list[int]) -> list[int]:
        p, s = self.p, self.s
        new = list(starts)
        work = list(moved)
        steps = 0
        while work and steps < 4 * p.m:
            steps += 1
            k = work.pop()
            end = new[k] + p.length[k] - 1
            for d in s.needed_by[k]:
                if new[d] <= end and new[d] < p.top[d]:
                    new[d] = min(p.top[d], end + 1)
                    work.append(d)
            for b in s.needs[k]:
                if new[b] + p.length[b] - 1 >= new[k] and new[b] > p.lo[b]:
                    new[b] = max(p.lo[b], new[k] - p.length[b])
                    work.append(b)
        return new

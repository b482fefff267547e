"""The live analysis: ``Analysis.updated(delta)`` brings an analysis up to date
after an edit by redoing only what the edit can affect.

What an edit touches is found from the edit itself:

- the changed items ``X`` (their rows) and the changed "needs" edges ``A``
  (added, removed or edited dependencies, and the edges of an item that became
  active or stopped being active);
- effective priority, its distance and the product-team masks, recomputed from
  the changed items and the heads of the changed edges along what items need,
  stopping where nothing changes (``E``: items whose priority or distance
  changed, ``N``: whose masks changed);
- the ledger cells ``T`` whose demand or capacity changed (the cells the changed
  items leave and enter, the changed capacity cells), their demand summed again
  in the plan's order, as the full analysis sums it.

Then the conflicts whose facts or text read any of that are made again from the
new plan; every other conflict is shared with the analysis before (its text,
made on demand, reads only what did not change, so it is the same made from
either). Redone are: the conflicts of the edges in ``A``, of every edge of an
item in ``X`` or ``E`` and of every edge of an item that needs an item in ``X``
(its move suggestion reads the ends of all it needs); of every edge whose pull
or schedule suggestion reads a cell in ``T`` (by the dependency's team); the
item conflicts of every item that the changed items and edges reach along what
items need (their blast radii, priority chains and effective priorities may
have changed) and of every unestimated item starting in a cell in ``T``; the
team and period conflicts of the cells in ``T``, of the cells of the items in
``X``, ``E`` and ``N``, and of every earlier cell of a team with a cell in
``T`` (the over-capacity suggestion names room in later periods). A decision
only changes the state of the conflict with its fingerprint.

Structures are copied on write, so the analysis before stays valid and
unchanged. Anything else is a full analysis (``analyze``): a change of periods,
new or removed items or teams, a changed key, team name, slug or kind, more
than ``ROWS_LIMIT`` rows, an edit that touches an item in a dependency cycle or
could close one (a new edge ``u -> v`` closes one when ``u`` is reachable from
``v``; the search gives up after ``REACH_LIMIT`` items), a plan with duplicate
keys or dependencies, or a reach larger than ``REACH_LIMIT``.
"""

from __future__ import annotations

from bisect import insort
from collections import deque
from math import fsum
from typing import TYPE_CHECKING

from .collector import collector_paused
from .context import Context
from .index import HEALTH_CODE, IN_PROGRESS, STATUS_CODE
from .live_conflicts import Refiling
from .live_state import REACH_LIMIT, ROWS_LIMIT, Fallback, _clone, _slots, live_state
from .snapshot import Item, PlanDelta, PlanSnapshot, _decisions, _swap_remove, _teams

if TYPE_CHECKING:
    from .analysis import Analysis


def updated(analysis: Analysis, delta: PlanDelta) -> Analysis:
    """See ``Analysis.updated``."""
    from .analysis import analyze

    if delta.empty:
        return analysis
    try:
        with collector_paused():
            return _Update(analysis, delta).run()
    except Fallback:
        return analyze(analysis.snapshot.apply(delta), analysis.now, analysis.settings)


def _span(item: Item) -> tuple[int, int]:
    """Start and end periods as the index reads them (see PlanIndex._periods_of)."""
    s = -1 if item.start is None else item.start
    e = -1 if item.end is None else item.end
    if s < 0 or e < s:
        if e < 0 or s < 0:
            return max(s, e), max(s, e)
        return e, s
    return s, e


class _Update(Refiling):
    def __init__(self, old: Analysis, delta: PlanDelta) -> None:
        self.old = old
        self.delta = delta
        self.copied: set[tuple] = set()

    # -- the update ----------------------------------------------------------------

    def run(self) -> Analysis:
        old, delta = self.old, self.delta
        if delta.periods is not None or delta.removed_items or delta.removed_teams:
            raise Fallback
        rows = len(delta.items) + len(delta.dependencies) + len(delta.removed_dependencies)
        if rows + len(delta.teams) > ROWS_LIMIT:
            raise Fallback
        state = live_state(old)
        if not state.clean:
            raise Fallback
        octx = old._ctx
        self.oix = octx.ix
        self.ix = ix = _clone(octx.ix)
        self.pr = pr = _clone(octx.priorities)
        self.ledger = ledger = _clone(octx.ledger)
        self.st = st = _clone(state)
        pr.ix = ix
        ledger.ix, ledger.priorities = ix, pr
        self.A: set[tuple[int, int]] = set()
        self.T: set[int] = set()
        self.X: set[int] = set()
        self.P: set[int] = set()
        self.team_changed = False
        self.needs_touched: set[int] = set()

        self._dependencies()
        self._items()
        self._teams()
        self._cycles()
        E, N = self._priorities()
        pr.carry_radii(octx.priorities, self._stale_radii(), bool(self.A), not self.P)
        for slot in self.T:
            self._demand(slot)

        snapshot = PlanSnapshot(
            periods=self.oix.snapshot.periods,
            teams=_teams(self.oix.snapshot.teams, delta),
            items=ix.items if isinstance(ix.items, tuple) else tuple(ix.items),
            dependencies=st.deps if isinstance(st.deps, tuple) else tuple(st.deps),
            decisions=_decisions(self.oix.snapshot.decisions, delta),
        )
        ix.snapshot = snapshot
        ix.items = snapshot.items
        # The edge lists of the full analysis are not kept up to date: the rules
        # read the live state instead.
        ix.src = ix.dst = ix.needed_by = ix.commitment = None
        st.deps = snapshot.dependencies
        ctx = Context(ix, pr, ledger, old.settings, old.now)
        ctx.start_needs = st.start_needs
        if not self.team_changed:
            ctx._team_members = octx._team_members
        self.ctx = ctx
        conflicts = self._conflicts(E, N)

        from .analysis import Analysis

        new = object.__new__(Analysis)
        new._ctx = ctx
        new._live = st
        new.snapshot = snapshot
        new.now = old.now
        new.settings = old.settings
        new.conflicts = conflicts
        effective = old.effective_priority
        if E:
            effective = dict(effective)
            for v in E:
                effective[ix.ids[v]] = pr.effective[v]
        new.effective_priority = effective
        new.ledger = ledger
        new.current_period = old.current_period
        new.first_open_period = old.first_open_period
        return new

    # -- rows ----------------------------------------------------------------------

    def _set_edge(self, d: int, b: int, present: bool) -> None:
        """Add or drop the active "d needs b" edge in ``adj``/``radj``."""
        ix = self.ix
        if present:
            self.wi(ix, "adj", d).append(b)
            self.wi(ix, "radj", b).append(d)
        else:
            self.wi(ix, "adj", d).remove(b)
            self.wi(ix, "radj", b).remove(d)
        self.A.add((d, b))

    def _dependencies(self) -> None:
        delta, ix, st = self.delta, self.ix, self.st
        if not (delta.dependencies or delta.removed_dependencies):
            return
        pos, active = ix.pos, ix.active
        deps = self.w(st, "deps")
        dep_pos = self.w(st, "dep_pos")
        gone = [pair for pair in delta.removed_dependencies if pair in dep_pos]
        touched = self.needs_touched
        for pair in gone:
            d, b = pos[pair[0]], pos[pair[1]]
            self.wi(st, "out", d).remove(b)
            self.wi(st, "inn", b).remove(d)
            if active[d]:
                self._set_edge(d, b, False)
            touched.add(d)
        filled: set[int] = set()
        places = [dep_pos.pop(pair) for pair in gone]
        _swap_remove(deps, places, filled)
        for now in filled:
            dep = deps[now]
            dep_pos[(dep.dependent_id, dep.dependency_id)] = now
        for dep in delta.dependencies:
            pair = (dep.dependent_id, dep.dependency_id)
            if pair[0] not in pos or pair[1] not in pos:
                raise Fallback
            d, b = pos[pair[0]], pos[pair[1]]
            k = dep_pos.get(pair)
            if k is None:
                dep_pos[pair] = len(deps)
                deps.append(dep)
                self.wi(st, "out", d).append(b)
                self.wi(st, "inn", b).append(d)
                if active[d]:
                    self._set_edge(d, b, True)
            else:
                deps[k] = dep
                if active[d]:
                    self.A.add((d, b))
            touched.add(d)

    def _items(self) -> None:
        delta, ix, st = self.delta, self.ix, self.st
        touched = self.needs_touched
        pos = ix.pos
        for row in delta.items:
            p = pos.get(row.id)
            if p is None:
                raise Fallback
            before = ix.items[p]
            if before == row:
                continue
            if before.key != row.key or p in st.in_cycle:
                raise Fallback
            team = ix.team_pos.get(row.team_id)
            status = STATUS_CODE.get(row.status)
            health = HEALTH_CODE.get(row.health)
            if team is None or status is None or health is None:
                raise Fallback
            self.X.add(p)
            self.wi_item(p, row)
            s, e = _span(row)
            old_slots = self._slots(p)
            if row.title != before.title:
                self.w(ix, "titles")[p] = row.title
            if team != ix.team[p]:
                self.w(ix, "team")[p] = team
                self.team_changed = True
            if row.priority != ix.prio[p]:
                self.w(ix, "prio")[p] = row.priority
                self.P.add(p)
            if health != ix.health[p]:
                self.w(ix, "health")[p] = health
            if row.estimate != ix.estimate[p]:
                self.w(ix, "estimate")[p] = row.estimate
            if s != ix.start[p] or e != ix.end[p]:
                self.w(ix, "start")[p] = s
                self.w(ix, "end")[p] = e
            if status != ix.status[p]:
                was_active = ix.active[p]
                self.w(ix, "status")[p] = status
                is_active = status <= IN_PROGRESS
                if is_active != was_active:
                    self.w(ix, "active")[p] = is_active
                    if is_active:
                        for b in st.out[p]:
                            self._set_edge(p, b, True)
                    else:
                        for b in list(ix.adj[p]):
                            self._set_edge(p, b, False)
                    touched.add(p)
            self._move_in_ledger(p, old_slots)
        for d in touched:
            self._start_needs(d)

    def wi_item(self, p: int, row: Item) -> None:
        self.w(self.ix, "items")[p] = row

    def _start_needs(self, d: int) -> None:
        ix, st = self.ix, self.st
        wanted: list[int] = []
        if ix.active[d]:
            ids, deps, dep_pos = ix.ids, st.deps, st.dep_pos
            wanted = [b for b in st.out[d] if deps[dep_pos[(ids[d], ids[b])]].needed_by is None]
        if wanted != st.start_needs[d]:
            self.w(st, "start_needs")[d] = wanted

    def _slots(self, p: int) -> range:
        return _slots(self.ix, p)

    def _move_in_ledger(self, p: int, old_slots: range) -> None:
        ix, ledger = self.ix, self.ledger
        new_slots = self._slots(p)
        s, e, est = ix.start[p], ix.end[p], ix.estimate[p]
        part = (est / (e - s + 1) if est else 0.0) if new_slots else 0.0
        if old_slots == new_slots and part == ledger.share[p]:
            return
        if part != ledger.share[p]:
            self.w(ledger, "share")[p] = part
        for slot in old_slots:
            if slot not in new_slots:
                self.wi(ledger, "_cells", slot).remove(p)
        for slot in new_slots:
            if slot not in old_slots:
                insort(self.wi(ledger, "_cells", slot), p)
        self.T.update(old_slots)
        self.T.update(new_slots)

    def _teams(self) -> None:
        ix, ledger = self.ix, self.ledger
        for team in self.delta.teams:
            t = ix.team_pos.get(team.id)
            if t is None:
                raise Fallback
            before = ix.teams[t]
            if (before.slug, before.name, before.kind) != (team.slug, team.name, team.kind):
                raise Fallback
            self.w(ix, "teams")[t] = team
            base = t * ix.n_periods
            for p in range(ix.n_periods):
                capacity = team.capacity(p)
                if capacity != ledger.capacity[base + p]:
                    self.w(ledger, "capacity")[base + p] = capacity
                    self.T.add(base + p)

    def _demand(self, slot: int) -> None:
        share = self.ledger.share
        total = fsum(share[i] for i in self.ledger._cells[slot])
        if total != self.ledger.demand[slot]:
            self.w(self.ledger, "demand")[slot] = total

    # -- graph ---------------------------------------------------------------------

    def _cycles(self) -> None:
        """Give up on edits at a cycle, and on new edges that may close one."""
        ix, in_cycle = self.ix, self.st.in_cycle
        adj = ix.adj
        for u, v in self.A:
            if u == v or u in in_cycle or v in in_cycle:
                raise Fallback
            if v not in adj[u]:
                continue
            seen = {v}
            frontier = [v]
            for x in frontier:
                for y in adj[x]:
                    if y == u:
                        raise Fallback
                    if y not in seen:
                        seen.add(y)
                        frontier.append(y)
                if len(seen) > REACH_LIMIT:
                    raise Fallback

    def _priorities(self) -> tuple[set[int], set[int]]:
        """Effective priority, distance and product-team masks from the changed
        items and edges down along what items need, until nothing changes."""
        ix, pr, in_cycle = self.ix, self.pr, self.st.in_cycle
        adj, radj, prio, active, team = ix.adj, ix.radj, ix.prio, ix.active, ix.team
        product, width = ix.team_product, pr.width
        queue: deque[int] = deque()
        queued: set[int] = set()

        def push(v: int) -> None:
            if v not in queued:
                queued.add(v)
                queue.append(v)

        for p in self.X:
            push(p)
            for v in adj[p]:
                push(v)
        for _, v in self.A:
            push(v)
        E: set[int] = set()
        N: set[int] = set()
        processed = 0
        while queue:
            v = queue.popleft()
            queued.discard(v)
            processed += 1
            if v in in_cycle or processed > REACH_LIMIT:
                raise Fallback
            eff, distance, needs = pr.effective, pr.distance, pr.needs
            own = prio[v]
            e = own
            mask = 0
            for u in radj[v]:
                if eff[u] < e:
                    e = eff[u]
                bits = needs[u]
                if active[u] and product[team[u]]:
                    bits |= 1 << (prio[u] * width + team[u])
                mask |= bits
            dist = 0 if e == own else 1 + min(distance[u] for u in radj[v] if eff[u] == e)
            changed = False
            if e != eff[v] or dist != distance[v]:
                self.w(pr, "effective")[v] = e
                self.w(pr, "distance")[v] = dist
                E.add(v)
                changed = True
            if mask != needs[v]:
                self.w(pr, "needs")[v] = mask
                N.add(v)
                changed = True
            if changed:
                for x in adj[v]:
                    push(x)
        return E, N

    def _stale_radii(self) -> set[int] | None:
        """The items whose blast radius the edit may have changed: a radius holds
        the items that need its owner, so an item whose own priority changed, or
        that gained or lost a needer, is in the radii of itself and everything it
        needs, before the edit and after. None past ``REACH_LIMIT`` items."""
        sources = self.P | {b for _, b in self.A}
        stale = set(sources)
        for adj in (self.oix.adj, self.ix.adj):
            frontier = list(sources)
            seen = set(sources)
            for u in frontier:
                for v in adj[u]:
                    if v not in seen:
                        seen.add(v)
                        frontier.append(v)
                if len(seen) > REACH_LIMIT:
                    return None
            stale |= seen
        return stale

"""Effective priority, who needs what, and blast radius.

Needs flow from an active item to what it needs: an item's effective priority
is the best priority among itself and every active item that needs it directly
or through a chain of active items. The same pass records, for each item, the
product teams whose active items need it (a bit mask with one block of team
bits per priority level: bit ``level * width + team``), which the ledger and
platform_contention use. Cycles (imported plans only) are collapsed: every
item of a cycle of active items gets the same result.
"""

from __future__ import annotations

from .graph import strongly_connected
from .index import PlanIndex


class Priorities:
    def __init__(self, ix: PlanIndex) -> None:
        self.ix = ix
        self.width = max(1, len(ix.teams))
        self.effective: list[int] = list(ix.prio)
        self.needs: list[int] = [0] * ix.n
        self._blast: dict[int, list[int]] = {}
        self._chain: dict[int, list[int]] = {}
        self.cycles: list[list[int]] = []
        self._propagate()

    def _own_bits(self) -> list[int]:
        ix, width = self.ix, self.width
        product = ix.team_product
        return [
            (1 << (p * width + t)) if a and product[t] else 0
            for a, p, t in zip(ix.active, ix.prio, ix.team)
        ]

    def _propagate(self) -> None:
        ix = self.ix
        adj, active = ix.adj, ix.active
        eff, needs = self.effective, self.needs
        own = self._own_bits()
        indeg = list(ix.indeg)
        order = [v for v in range(ix.n) if not indeg[v]]
        append = order.append
        for u in order:
            successors = adj[u]
            if not successors:
                continue
            if active[u]:
                e = eff[u]
                m = needs[u] | own[u]
                for v in successors:
                    if e < eff[v]:
                        eff[v] = e
                    if m:
                        needs[v] |= m
                    left = indeg[v] - 1
                    indeg[v] = left
                    if not left:
                        append(v)
            else:
                for v in successors:
                    left = indeg[v] - 1
                    indeg[v] = left
                    if not left:
                        append(v)
        if len(order) < ix.n:
            self._propagate_cycles([v for v in range(ix.n) if indeg[v]], own)

    def _propagate_cycles(self, rest: list[int], own: list[int]) -> None:
        """Finish on the items in or after a cycle, one component at a time."""
        ix = self.ix
        adj, active = ix.adj, ix.active
        eff, needs = self.effective, self.needs
        self.cycles = [
            sorted(c)
            for c in strongly_connected(rest, adj)
            if len(c) > 1 or c[0] in adj[c[0]]
        ]
        inside = set(rest)
        needing = {u: adj[u] if active[u] else () for u in rest}
        for component in reversed(strongly_connected(rest, needing)):
            if len(component) > 1:
                e = min(eff[c] for c in component)
                m = 0
                for c in component:
                    m |= needs[c] | own[c]
                for c in component:
                    eff[c] = e
                    needs[c] = m
            members = set(component)
            for u in component:
                if not active[u]:
                    continue
                e, m = eff[u], needs[u] | own[u]
                for v in adj[u]:
                    if v in inside and v not in members:
                        if e < eff[v]:
                            eff[v] = e
                        needs[v] |= m

    def blast_radius(self, i: int) -> list[int]:
        """Every active item that needs ``i`` directly or through a chain of active
        items, best priority first (then key)."""
        found = self._blast.get(i)
        if found is None:
            radj = self.ix.radj
            seen = {i}
            frontier = [i]
            for u in frontier:
                for w in radj[u]:
                    if w not in seen:
                        seen.add(w)
                        frontier.append(w)
            prio = self.ix.prio
            n = self.ix.n
            found = sorted(frontier[1:], key=lambda w: prio[w] * n + w)
            self._blast[i] = found
        return found

    def best_needer(self, i: int) -> int | None:
        """The best effective priority among the active items that need ``i``."""
        eff = self.effective
        return min((eff[u] for u in self.ix.radj[i]), default=None)

    def chain(self, i: int) -> list[int]:
        """``[i, ..., setter]``: the shortest chain of active needers from ``i`` up to
        an item whose own priority is ``i``'s effective priority."""
        found = self._chain.get(i)
        if found is not None:
            return found
        eff, prio, radj = self.effective, self.ix.prio, self.ix.radj
        target = eff[i]
        found = [i]
        if prio[i] != target:
            parent = {i: i}
            frontier = [i]
            end = None
            while frontier and end is None:
                following = []
                for u in frontier:
                    for w in sorted(radj[u]):
                        if w in parent or eff[w] != target:
                            continue
                        parent[w] = u
                        if prio[w] == target:
                            end = w
                            break
                        following.append(w)
                    if end is not None:
                        break
                frontier = following
            if end is not None:
                found = [end]
                while found[-1] != i:
                    found.append(parent[found[-1]])
                found.reverse()
        self._chain[i] = found
        return found

    def requesting_teams(self, i: int) -> dict[int, int]:
        """``{product team: best own priority of its active items needing i}``."""
        mask = self.needs[i]
        width = self.width
        block = (1 << width) - 1
        teams: dict[int, int] = {}
        for level in range(4):
            bits = (mask >> (level * width)) & block
            while bits:
                low = bits & -bits
                team = low.bit_length() - 1
                teams.setdefault(team, level)
                bits ^= low
        return teams

"""Effective priority, who needs what, and blast radius.

Needs flow from an active item to what it needs: an item's effective priority
is the best priority among itself and every active item that needs it directly
or through a chain of active items. For each item we also record the product
teams whose active items need it (a bit mask with one block of team bits per
priority level: bit ``level * width + team``), which the ledger and
platform_contention use. Cycles (imported plans only) are collapsed: the items
of a cycle of active items share one result.
"""

from __future__ import annotations

from collections.abc import Iterable

from .graph import strongly_connected
from .index import PlanIndex
from .snapshot import PRIORITY_NAMES

REACH_KEPT = 16
# Blast radii smaller than this are sorted on their own, larger ones by ranking all items.
SMALL_RADIUS = 2048


class Priorities:
    def __init__(self, ix: PlanIndex) -> None:
        self.ix = ix
        self.width = max(1, len(ix.teams))
        self._blast: dict[int, list[int]] = {}
        self._reach: dict[tuple[int, ...], set[int]] = {}
        self._ranks: list[int] | None = None
        # Radius counts found so far (a dashboard asks the same each time).
        self._counts: dict[int, tuple[int, int, int, int]] = {}
        self.effective, self.distance = self._effective()
        self.needs, self.cycles = self._needs()

    def _effective(self) -> tuple[list[int], list[int]]:
        """One breadth-first search per priority level, best level first, from the
        items of that priority along what active items need. An item takes the
        level of the first search that reaches it; ``distance`` is how many
        needs away the nearest item of that priority is (0: its own priority)."""
        adj, prio = self.ix.adj, self.ix.prio
        unset = len(PRIORITY_NAMES)
        eff = [unset] * self.ix.n
        distance = [0] * self.ix.n
        sources: list[list[int]] = [[] for _ in range(unset)]
        for i, p in enumerate(prio):
            sources[p].append(i)
        for level in range(unset):
            layer = [v for v in sources[level] if eff[v] == unset]
            for v in layer:
                eff[v] = level
            step = 0
            while layer:
                step += 1
                following: list[int] = []
                append = following.append
                for u in layer:
                    for v in adj[u]:
                        if eff[v] > level:
                            eff[v] = level
                            distance[v] = step
                            append(v)
                layer = following
        return eff, distance

    def _own_bits(self) -> list[int]:
        ix, width = self.ix, self.width
        product = ix.team_product
        return [
            (1 << (p * width + t)) if a and product[t] else 0
            for a, p, t in zip(ix.active, ix.prio, ix.team, strict=True)
        ]

    def _needs(self) -> tuple[list[int], list[list[int]]]:
        """Product-team masks in topological order of the needs (Kahn), then the
        cycles, if any, collapsed one strongly connected component at a time."""
        ix = self.ix
        adj = ix.adj
        own = self._own_bits()
        needs = [0] * ix.n
        indeg = list(map(len, ix.radj))
        order = [v for v in range(ix.n) if not indeg[v]]
        append = order.append
        for u in order:
            successors = adj[u]
            if not successors:
                continue
            m = needs[u] | own[u]
            for v in successors:
                needs[v] |= m
                left = indeg[v] - 1
                indeg[v] = left
                if not left:
                    append(v)
        if len(order) == ix.n:
            return needs, []
        rest = [v for v in range(ix.n) if indeg[v]]
        components = strongly_connected(rest, adj)
        for component in reversed(components):
            m = 0
            for c in component:
                m |= needs[c] | own[c]
            members = set(component)
            for c in component:
                if len(component) > 1:
                    needs[c] = m
                for v in adj[c]:
                    if v not in members:
                        needs[v] |= m
        keys = ix.keys
        cycles = [
            sorted(c, key=keys.__getitem__) for c in components if len(c) > 1 or c[0] in adj[c[0]]
        ]
        return needs, sorted(cycles, key=lambda c: keys[c[0]])

    def blast_radius(self, i: int) -> list[int]:
        """Every active item that needs ``i`` directly or through a chain of active
        items, best own priority first, then key. Computed on demand and kept."""
        found = self._blast.get(i)
        if found is None:
            radj = self.ix.radj
            seen = {i}
            add = seen.add
            frontier = [i]
            append = frontier.append
            for u in frontier:
                for w in radj[u]:
                    if w not in seen:
                        add(w)
                        append(w)
            found = frontier[1:]
            if len(found) < SMALL_RADIUS:
                # The same order as the ranks (a stable sort by priority and key, so
                # position breaks a tie), without ranking the whole plan first.
                prio, keys = self.ix.prio, self.ix.keys
                found.sort(key=lambda v: (prio[v], keys[v], v))
            else:
                found.sort(key=self._rank().__getitem__)
            self._blast[i] = found
        return found

    def _rank(self) -> list[int]:
        """Each item's place in the order of blast radii: own priority, then key."""
        if self._ranks is None:
            ix = self.ix
            order = sorted(range(ix.n), key=lambda i: (ix.prio[i], ix.keys[i]))
            ranks = [0] * ix.n
            for place, i in enumerate(order):
                ranks[i] = place
            self._ranks = ranks
        return self._ranks

    def reach(self, sources: Iterable[int]) -> set[int]:
        """Every item that the sources need, directly or through a chain of active
        items (a source itself only when it is in a loop): one search along the
        needs, kept for the last few sets of sources asked about."""
        key = tuple(sources)
        found = self._reach.get(key)
        if found is None:
            adj = self.ix.adj
            found = set()
            add = found.add
            frontier = list(key)
            append = frontier.append
            for u in frontier:
                for v in adj[u]:
                    if v not in found:
                        add(v)
                        append(v)
            if len(self._reach) >= REACH_KEPT:
                self._reach = {}
            self._reach[key] = found
        return found

    def radius_counts(self, wanted: Iterable[int]) -> dict[int, tuple[int, int, int, int]]:
        """For each wanted item, how many items of each own priority its blast radius
        holds, without listing any radius. One pass over the part of the graph that
        needs the wanted items, in topological order, carries a bit set of the
        needers down each edge, so that radii that overlap share the work; items
        in or below a loop (imported plans only) are counted by their own search."""
        known = self._counts
        targets = set(wanted)
        missing = frozenset(v for v in targets if v not in known)
        if missing:
            known.update(self._radius_counts(missing))
        return {v: known[v] for v in targets}

    def carry_radii(
        self, old: Priorities, stale: set[int] | None, graph_changed: bool, ranked: bool
    ) -> None:
        """Keep what ``old`` found of blast radii and their counts for the items
        outside ``stale`` (every item whose radius an edit may have changed: None
        when that is not known), after an edit that left the keys alone; its ranks
        too when no own priority changed (``ranked``)."""
        if stale is None:
            self._blast, self._counts = {}, {}
        else:
            self._blast = {v: r for v, r in old._blast.items() if v not in stale}
            self._counts = {v: c for v, c in old._counts.items() if v not in stale}
        self._reach = {} if graph_changed else dict(old._reach)
        self._ranks = old._ranks if ranked else None

    def _radius_counts(self, targets: frozenset[int]) -> dict[int, tuple[int, int, int, int]]:
        ix = self.ix
        adj, radj, prio = ix.adj, ix.radj, ix.prio
        region = set(targets)
        frontier = list(targets)
        for u in frontier:
            for w in radj[u]:
                if w not in region:
                    region.add(w)
                    frontier.append(w)
        # Kahn from the items nothing in the region needs: a needer comes first.
        indeg = {v: len(radj[v]) for v in region}
        order = [v for v in region if not indeg[v]]
        for u in order:
            for v in adj[u]:
                if v in region:
                    left = indeg[v] - 1
                    indeg[v] = left
                    if not left:
                        order.append(v)
        bit = {v: n for n, v in enumerate(order)}
        planes = [bytearray((len(order) + 8) // 8) for _ in PRIORITY_NAMES]
        for v, n in bit.items():
            planes[prio[v]][n >> 3] |= 1 << (n & 7)
        masks = [int.from_bytes(plane, "little") for plane in planes]
        counts: dict[int, tuple[int, int, int, int]] = {}
        carried: dict[int, int] = {}
        for u in order:
            needers = carried.pop(u, 0)
            if u in targets:
                p0, p1, p2, p3 = ((needers & mask).bit_count() for mask in masks)
                counts[u] = (p0, p1, p2, p3)
            mine = needers | (1 << bit[u])
            for v in adj[u]:
                if v in region:
                    carried[v] = carried.get(v, 0) | mine
        for u in targets.difference(counts):
            tally = [0, 0, 0, 0]
            for w in self.blast_radius(u):
                tally[prio[w]] += 1
            counts[u] = (tally[0], tally[1], tally[2], tally[3])
        return counts

    def chain(self, i: int) -> list[int]:
        """``[i, needer, ..., setter]``: a shortest chain of active needers from ``i``
        up to an item whose own priority is ``i``'s effective priority, taking the
        first key at each step."""
        eff, distance, radj = self.effective, self.distance, self.ix.radj
        keys = self.ix.keys
        level = eff[i]
        path = [i]
        v = i
        while distance[v]:
            step = distance[v] - 1
            v = min(
                (w for w in radj[v] if eff[w] == level and distance[w] == step),
                key=keys.__getitem__,
            )
            path.append(v)
        return path

    def requesting_teams(self, i: int) -> dict[int, int]:
        """``{product team: best own priority of its active items needing i}``."""
        return self.teams_in(self.needs[i])

    def teams_in(self, mask: int) -> dict[int, int]:
        """``{product team: best priority}`` of a needs mask (or the union of several)."""
        width = self.width
        block = (1 << width) - 1
        teams: dict[int, int] = {}
        seen = 0
        for level in range(len(PRIORITY_NAMES)):
            bits = (mask >> (level * width)) & block & ~seen
            seen |= bits
            while bits:
                low = bits & -bits
                teams[low.bit_length() - 1] = level
                bits ^= low
        return teams

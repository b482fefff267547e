"""The conflicts an edit may change, made again from the new plan by the live
analysis (see ``app.alignment.live``), and filed in its live state."""

from __future__ import annotations

from bisect import bisect_left
from typing import TYPE_CHECKING, Any

from .capacity_rules import slot_conflicts
from .conflict import STATES, Conflict
from .dependency_rules import edge_conflicts
from .item_rules import item_conflicts
from .ledger import EPSILON
from .live_state import (
    EDGE_TYPES,
    ITEM_TYPES,
    REACH_LIMIT,
    ROOM_TYPES,
    SLOT_TYPES,
    CopyOnWrite,
    Fallback,
    LiveState,
    _clone,
    _slots,
    _sort_key,
)

if TYPE_CHECKING:
    from .context import Context
    from .index import PlanIndex
    from .ledger import Ledger
    from .snapshot import PlanDelta


class Refiling(CopyOnWrite):
    """The conflict half of the update: which conflicts to make again, and the
    sorted list and live state with them swapped in."""

    ix: PlanIndex
    oix: PlanIndex
    ctx: Context
    st: LiveState
    ledger: Ledger
    old: Any
    delta: PlanDelta
    X: set[int]
    A: set[tuple[int, int]]
    T: set[int]

    def _conflicts(self, E: set[int], N: set[int]) -> list[Conflict]:
        ix, ctx, st, ledger = self.ix, self.ctx, self.st, self.ledger
        adj, radj, oradj = ix.adj, ix.radj, self.oix.radj
        X, A, T = self.X, self.A, self.T
        n_periods = ix.n_periods

        # Edges.
        edges: set[tuple[int, int]] = set(A)
        # The move suggestion of an edge reads every dependency of its dependent.
        heads = set(X) | E | {u for u, _ in A}
        for x in X:
            heads.update(radj[x])
            heads.update(oradj[x])
        for d in heads:
            for b in adj[d]:
                edges.add((d, b))
        for slot in T:
            edges.update(st.room.get(slot // n_periods, ()))

        # Items: everything the changed items and edges reach along the needs.
        reach = set(X) | E
        reach.update(v for _, v in A)
        frontier = list(reach)
        for u in frontier:
            for v in adj[u]:
                if v not in reach:
                    reach.add(v)
                    frontier.append(v)
            if len(reach) > REACH_LIMIT:
                raise Fallback
        if not reach.isdisjoint(st.in_cycle):
            raise Fallback
        for slot in T:
            period = slot % n_periods
            reach.update(i for i in ledger._cells[slot] if ix.start[i] == period)

        # Cells.
        slots = set(T)
        for v in X | E | N:
            slots.update(self._slots(v))
        for x in X:
            slots.update(self._old_slots(x))
        for slot in T:
            team, period = divmod(slot, n_periods)
            slots.update(range(team * n_periods, team * n_periods + period))

        removed: list[Conflict] = []
        found: list[Conflict] = []
        by_edge = self.w(st, "by_edge")
        by_item = self.w(st, "by_item")
        by_slot = self.w(st, "by_slot")
        room = self.w(st, "room")
        ids, deps, dep_pos = ix.ids, st.deps, st.dep_pos
        for pair in edges:
            gone = by_edge.pop(pair, None)
            if gone:
                removed.extend(gone)
                team = self.oix.team[pair[1]]
                if any(c.type in ROOM_TYPES for c in gone) and pair in room.get(team, ()):
                    kept = set(room[team])
                    kept.discard(pair)
                    room[team] = kept
            d, b = pair
            if b in adj[d]:
                dep = deps[dep_pos[(ids[d], ids[b])]]
                edge_conflicts(ctx, d, b, dep.needed_by, dep.commitment, found.append)
        for i in reach:
            gone = by_item.pop(i, None)
            if gone:
                removed.extend(gone)
            item_conflicts(ctx, i, found)
        for slot in slots:
            gone = by_slot.pop(slot, None)
            if gone:
                removed.extend(gone)
            capacity = ledger.capacity[slot]
            if capacity is not None and ledger.demand[slot] > capacity + EPSILON:
                slot_conflicts(ctx, slot, found)

        by_fp = self.w(st, "by_fp")
        for c in removed:
            if by_fp.get(c.fingerprint) is c:
                del by_fp[c.fingerprint]
        conflicts = list(self.old.conflicts)
        for c in removed:
            k = bisect_left(conflicts, c.sort_key, key=_sort_key)
            if k >= len(conflicts) or conflicts[k] is not c:
                raise Fallback
            del conflicts[k]
        self._decide(conflicts, found, by_fp)
        for c in found:
            self._insert(conflicts, c)
            self._file(c)
        return conflicts

    def _old_slots(self, p: int) -> range:
        return _slots(self.oix, p)

    def _insert(self, conflicts: list[Conflict], c: Conflict) -> None:
        key = c.sort_key
        k = bisect_left(conflicts, key, key=_sort_key)
        if k < len(conflicts) and conflicts[k].fingerprint == c.fingerprint:
            raise Fallback  # two conflicts with one identity: leave it to analyze
        conflicts.insert(k, c)

    def _file(self, c: Conflict) -> None:
        st, ix = self.st, self.ix
        if c.fingerprint in st.by_fp:
            raise Fallback
        st.by_fp[c.fingerprint] = c
        kind = c.type
        if kind in EDGE_TYPES:
            pair = (ix.pos[c._item_ids[0]], ix.pos[c._item_ids[1]])
            self.wi(st, "by_edge", pair).append(c)
            if kind in ROOM_TYPES:
                team = ix.team[pair[1]]
                kept = set(st.room.get(team, ()))
                kept.add(pair)
                st.room[team] = kept
        elif kind in ITEM_TYPES:
            self.wi(st, "by_item", ix.pos[c.primary_id]).append(c)
        elif kind in SLOT_TYPES:
            slot = ix.team_pos[c._team_ids[0]] * ix.n_periods + c.period_index
            self.wi(st, "by_slot", slot).append(c)

    def _decide(
        self, conflicts: list[Conflict], found: list[Conflict], by_fp: dict[str, Conflict]
    ) -> None:
        """A changed decision changes the state of the kept conflict it names."""
        delta = self.delta
        changed = {d.fingerprint for d in delta.decisions} | set(delta.removed_decisions)
        if not changed:
            return
        decisions = self.ix.snapshot.decisions
        for fingerprint in changed:
            c = by_fp.get(fingerprint)
            if c is None:
                continue
            decision = decisions.get(fingerprint)
            state = decision.state if decision is not None and decision.state in STATES else "open"
            if state == c.state and decision == c.decision:
                continue
            k = bisect_left(conflicts, c.sort_key, key=_sort_key)
            if k >= len(conflicts) or conflicts[k] is not c:
                raise Fallback
            del conflicts[k]
            self._unfile(c)
            copy = _clone(c)
            copy.state = state
            copy.decision = decision
            found.append(copy)

    def _unfile(self, c: Conflict) -> None:
        st, ix = self.st, self.ix
        del st.by_fp[c.fingerprint]
        kind = c.type
        if kind in EDGE_TYPES:
            key: Any = (ix.pos[c._item_ids[0]], ix.pos[c._item_ids[1]])
            self._drop(st, "by_edge", key, c)
            if kind in ROOM_TYPES:
                kept = set(st.room.get(ix.team[key[1]], ()))
                kept.discard(key)
                st.room[ix.team[key[1]]] = kept
        elif kind in ITEM_TYPES:
            self._drop(st, "by_item", ix.pos[c.primary_id], c)
        elif kind in SLOT_TYPES:
            slot = ix.team_pos[c._team_ids[0]] * ix.n_periods + c.period_index
            self._drop(st, "by_slot", slot, c)

    def _drop(self, st: LiveState, name: str, key: Any, c: Conflict) -> None:
        filed = self.wi(st, name, key)
        filed[:] = [x for x in filed if x is not c]

"""``analyze``: a plan snapshot in, conflicts and derived views out."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from .capacity_rules import capacity_conflicts
from .collector import collector_paused
from .conflict import Conflict, ConflictCounts, select_conflicts
from .context import Context
from .dependency_rules import dependency_conflicts
from .index import PlanIndex
from .item_rules import (
    at_risk_dependencies,
    dependency_cycles,
    priority_inversions,
    stale_statuses,
    unestimated,
)
from .ledger import Ledger
from .priority import Priorities
from .settings import Settings
from .snapshot import Item, PlanDelta, PlanSnapshot

if TYPE_CHECKING:
    from .live_state import LiveState


class Analysis:
    """The result of one analysis. Item, team and period references are ids and
    period indices, as in the snapshot."""

    def __init__(self, ctx: Context, conflicts: list[Conflict]) -> None:
        ix = ctx.ix
        self._ctx = ctx
        self.snapshot: PlanSnapshot = ix.snapshot
        self.now: datetime = ctx.now
        self.settings: Settings = ctx.settings
        self.conflicts = conflicts
        effective = ctx.priorities.effective
        self.effective_priority: dict[int, int] = dict(zip(ix.ids, effective, strict=True))
        self.ledger: Ledger = ctx.ledger
        self.current_period: int | None = ctx.current_period
        # The period running now, else the next one to start; None once all have ended.
        open_period = ctx.first_open_period
        self.first_open_period: int | None = open_period if open_period < ix.n_periods else None
        self._live: LiveState | None = None

    def _position(self, item_id: int) -> int:
        try:
            return self._ctx.ix.pos[item_id]
        except KeyError:
            raise KeyError(f"no item with id {item_id} in the plan") from None

    def item(self, item_id: int) -> Item:
        """The snapshot's row of the item."""
        return self._ctx.ix.items[self._position(item_id)]

    def reach(self, item_id: int) -> set[int]:
        """The ids of the item and of every item it needs, directly or through a
        chain of active items (done and cancelled items need nothing any more)."""
        ix = self._ctx.ix
        adj, ids = ix.adj, ix.ids
        start = self._position(item_id)
        found = {start}
        frontier = [start]
        for u in frontier:
            for v in adj[u]:
                if v not in found:
                    found.add(v)
                    frontier.append(v)
        return {ids[i] for i in found}

    def priority_chain(self, item_id: int) -> list[int]:
        """``[item, needer, ..., setter]``: the shortest chain of active items that
        need this item, up to the one whose own priority is its effective
        priority. ``[item]`` when the item sets its own priority."""
        ids = self._ctx.ix.ids
        return [ids[i] for i in self._ctx.priorities.chain(self._position(item_id))]

    def blast_radius(self, item_id: int) -> list[tuple[int, int]]:
        """``[(item id, own priority)]`` of every active item that needs this item
        directly or through a chain of active items, best priority first, then key."""
        ix = self._ctx.ix
        found = self._ctx.priorities.blast_radius(self._position(item_id))
        return [(ix.ids[i], ix.prio[i]) for i in found]

    def blast_radius_counts(self, item_ids: Iterable[int]) -> dict[int, tuple[int, int, int, int]]:
        """``{item id: (P0, P1, P2, P3)}``: how many items of each own priority the
        blast radius of each item holds, found together and without listing them."""
        ix = self._ctx.ix
        found = self._ctx.priorities.radius_counts(map(self._position, item_ids))
        return {ix.ids[i]: counts for i, counts in found.items()}

    def counts(self) -> ConflictCounts:
        return ConflictCounts.of(self.conflicts)

    def select(self, **filters: Any) -> list[Conflict]:
        """This analysis's conflicts through `select_conflicts` (same filters)."""
        return select_conflicts(self.conflicts, **filters)

    def updated(self, delta: PlanDelta) -> Analysis:
        """The analysis of ``self.snapshot.apply(delta)`` at the same moment and
        settings, equal in everything observable to a full ``analyze`` of it.
        This analysis stays as it is. Redoes only what the edit can affect, or
        all of it when the edit is not one that ``app.alignment.live`` can
        bring up to date in part (see there)."""
        from .live import updated

        return updated(self, delta)


def analyze(snapshot: PlanSnapshot, now: datetime, settings: Settings | None = None) -> Analysis:
    """Analyse a plan at ``now`` (naive UTC). Conflicts come sorted by severity
    (critical first), then type, then first item key."""
    with collector_paused():
        ix = PlanIndex(snapshot)
        priorities = Priorities(ix)
        ledger = Ledger(ix, priorities)
        ctx = Context(ix, priorities, ledger, settings or Settings(), now)
        found = [
            *dependency_cycles(ctx),
            *dependency_conflicts(ctx),
            *priority_inversions(ctx),
            *capacity_conflicts(ctx),
            *at_risk_dependencies(ctx),
            *stale_statuses(ctx),
            *unestimated(ctx),
        ]
        conflicts = list({c.fingerprint: c for c in found}.values())
        conflicts.sort(key=attrgetter("sort_key"))
        return Analysis(ctx, conflicts)

"""What every rule reads: the indexed plan, its priorities and ledger, the
settings and the moment of analysis; and how a rule records a conflict."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from .conflict import STATES, Conflict, Members, Text, fingerprint, severity
from .index import PlanIndex
from .ledger import Ledger
from .priority import Priorities
from .settings import Settings
from .snapshot import PRIORITY_NAMES


class Context:
    def __init__(
        self,
        ix: PlanIndex,
        priorities: Priorities,
        ledger: Ledger,
        settings: Settings,
        now: datetime,
    ) -> None:
        self.ix = ix
        self.priorities = priorities
        self.ledger = ledger
        self.settings = settings
        self.now = now
        today = now.date()
        self.today = today
        self.current_period: int | None = next(
            (p for p, period in enumerate(ix.periods) if period.start <= today <= period.end), None
        )
        # The first period that has not ended yet: nothing is planned into the past.
        self.first_open_period: int = next(
            (p for p, period in enumerate(ix.periods) if period.end >= today), ix.n_periods
        )
        self.decisions = ix.snapshot.decisions
        self.moves: dict[int, str | None] = {}
        self.start_needs: list[list[int]] | None = None
        self._team_members: dict[str, tuple[int, ...]] | None = None

    def team_members(self, slug: str) -> tuple[int, ...]:
        """The items of the team with this slug (none for an unknown slug)."""
        ix = self.ix
        if self._team_members is None:
            members: dict[str, list[int]] = {}
            for i, t in enumerate(ix.team):
                members.setdefault(ix.team_slug[t], []).append(i)
            self._team_members = {slug: tuple(items) for slug, items in members.items()}
        return self._team_members.get(slug, ())

    def ref(self, i: int) -> str:
        """``CHK-3 (P0)``: an item as named in lists, with its effective priority."""
        return f"{self.ix.keys[i]} ({PRIORITY_NAMES[self.priorities.effective[i]]})"

    def team_of(self, i: int) -> str:
        return self.ix.team_name[self.ix.team[i]]

    def describe(self, i: int) -> str:
        """``CHK-3 'One-click checkout' (Checkout, P2, effectively P0)``."""
        own, effective = self.ix.prio[i], self.priorities.effective[i]
        rank = PRIORITY_NAMES[own]
        if effective < own:
            rank += f", effectively {PRIORITY_NAMES[effective]}"
        return f"{self.ix.label(i)} ({self.team_of(i)}, {rank})"

    def conflict(
        self,
        type_: str,
        level: int,
        items: Iterable[int],
        teams: Iterable[int],
        period: int | None,
        facts: Iterable[str],
        text: Callable[[], Text],
        members: Members | None = None,
    ) -> Conflict:
        """A conflict of ``type_`` whose identity is made of ``facts``: keys, slugs,
        period names and the values that make its cause (docs/conflicts.md).
        ``text`` makes its message, suggestions and the actions of those that one
        click can apply, on first reading: it may only read the finished plan,
        priorities and ledger. With ``members``, ``items`` and ``teams`` are only
        the primary item and its team, and ``members`` lists them all when read."""
        ix = self.ix
        items = list(dict.fromkeys(items))
        teams = list(dict.fromkeys(teams))
        keys, ids, slugs, team_ids = ix.keys, ix.ids, ix.team_slug, ix.team_ids
        return self._conflict(
            type_,
            level,
            [keys[i] for i in items],
            [slugs[t] for t in teams],
            [ids[i] for i in items],
            [team_ids[t] for t in teams],
            period,
            facts,
            text,
            members,
        )

    def item_conflict(
        self,
        type_: str,
        level: int,
        i: int,
        period: int | None,
        facts: Iterable[str],
        text: Callable[[], Text],
        members: Members | None = None,
    ) -> Conflict:
        """``conflict`` with the one item ``i`` and its team."""
        ix = self.ix
        t = ix.team[i]
        return self._conflict(
            type_,
            level,
            [ix.keys[i]],
            [ix.team_slug[t]],
            [ix.ids[i]],
            [ix.team_ids[t]],
            period,
            facts,
            text,
            members,
        )

    def edge_conflict(
        self,
        type_: str,
        level: int,
        d: int,
        b: int,
        period: int | None,
        facts: Iterable[str],
        text: Callable[[], Text],
    ) -> Conflict:
        """``conflict`` with the items of the edge "d needs b" (two different
        items) and their teams."""
        ix = self.ix
        keys, ids, slugs, team_ids = ix.keys, ix.ids, ix.team_slug, ix.team_ids
        t, u = ix.team[d], ix.team[b]
        return self._conflict(
            type_,
            level,
            [keys[d], keys[b]],
            [slugs[t]] if t == u else [slugs[t], slugs[u]],
            [ids[d], ids[b]],
            [team_ids[t]] if t == u else [team_ids[t], team_ids[u]],
            period,
            facts,
            text,
        )

    def _conflict(
        self,
        type_: str,
        level: int,
        keys: list[str],
        slugs: list[str],
        ids: list[int],
        team_ids: list[int],
        period: int | None,
        facts: Iterable[str],
        text: Callable[[], Text],
        members: Members | None = None,
    ) -> Conflict:
        identity = fingerprint(type_, *facts)
        decision = self.decisions.get(identity)
        state = decision.state if decision is not None and decision.state in STATES else "open"
        return Conflict(
            type_,
            severity(level),
            keys,
            slugs,
            None if period is None else self.ix.period_names[period],
            None,
            None,
            identity,
            state,
            decision,
            ids,
            team_ids,
            period,
            text=text,
            members=members,
        )

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
        identity = fingerprint(type_, *facts)
        decision = self.decisions.get(identity)
        state = decision.state if decision is not None and decision.state in STATES else "open"
        return Conflict(
            type_,
            severity(level),
            list(map(ix.keys.__getitem__, items)),
            list(map(ix.team_slug.__getitem__, teams)),
            None if period is None else ix.period_names[period],
            None,
            None,
            identity,
            state,
            decision,
            list(map(ix.ids.__getitem__, items)),
            list(map(ix.team_ids.__getitem__, teams)),
            period,
            text=text,
            members=members,
        )

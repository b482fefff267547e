"""The conflict record, its severities, fingerprints and counts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from hashlib import sha1
from typing import Any, Protocol

from app.clock import format_datetime

from .snapshot import Decision

SEVERITIES = ("critical", "high", "medium", "low")
SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}
STATES = ("open", "acknowledged", "accepted")

CONFLICT_TYPES = (
    "schedule_violation",
    "same_period_risk",
    "unscheduled_dependency",
    "cancelled_dependency",
    "priority_inversion",
    "uncommitted_dependency",
    "over_capacity",
    "platform_contention",
    "at_risk_dependency",
    "stale_status",
    "dependency_cycle",
    "unestimated",
)


def severity(level: int) -> str:
    """The severity of a level: 0 critical, 1 high, 2 medium, 3 low (clamped)."""
    return SEVERITIES[0 if level < 0 else 3 if level > 3 else level]


def fingerprint(type_: str, *facts: str) -> str:
    """A conflict's identity: the type and the facts of its cause, never ids or positions."""
    return sha1("\x1f".join((type_, *facts)).encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Action:
    """A suggestion that one click can apply, as data: ``move`` the item to the
    periods ``start``..``end`` (indices, with their names), or ``raise`` it to
    ``priority``. ``suggestion`` is the text it comes from in ``Conflict.suggestions``."""

    kind: str  # "move" | "raise"
    item_id: int
    item_key: str
    suggestion: str
    start: int | None = None
    end: int | None = None
    start_name: str | None = None
    end_name: str | None = None
    priority: int | None = None


Text = tuple[str, list[str], list[Action]]
"""A conflict's message, suggestions and actions, as its formatter returns them."""


class Members(Protocol):
    """The items and teams of a conflict that lists many (an at-risk item and its
    blast radius), found only when they are read. Whether an item or a team is
    among them can be answered without listing them all."""

    def resolve(self) -> tuple[list[str], list[str], list[int], list[int]]:
        """Item keys, team slugs, item ids, team ids; the primary item first."""
        ...

    def has_item(self, item_id: int) -> bool: ...

    def has_team(self, slug: str) -> bool: ...


# The keys every conflict report promises (`flask conflicts --format json`), in order.
CONTRACT_FIELDS = (
    "type",
    "severity",
    "items",
    "teams",
    "period",
    "message",
    "suggestions",
    "fingerprint",
    "state",
)
_FIELDS = (
    *CONTRACT_FIELDS,
    "decision",
    "item_ids",
    "team_ids",
    "period_index",
    "actions",
)


class _Text:
    """A text field of a conflict (message, suggestions, actions): its formatter
    runs on the first read of any of them."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = "_" + name

    def __get__(self, conflict: Conflict | None, owner: type | None = None) -> Any:
        if conflict is None:
            return self
        conflict._format()
        return getattr(conflict, self.slot)


class _Member:
    """A member list of a conflict (items, teams and their ids): given, or made by
    the conflict's ``Members`` on the first read of any of them."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = "_" + name

    def __get__(self, conflict: Conflict | None, owner: type | None = None) -> Any:
        if conflict is None:
            return self
        if conflict._members is not None:
            conflict._resolve()
        return getattr(conflict, self.slot)


class Conflict:
    """One conflict. Its facts (type, severity, items, teams, period, fingerprint,
    state) are set when it is made; its text (``message``, ``suggestions`` and
    ``actions``) is either given or made by ``text``, a function of no arguments
    called once, when one of the three is first read. Likewise its items and
    teams may come from ``members``, listed on first read; ``primary_key`` and
    ``primary_id`` (its first item) are always known, and ``involves_item`` and
    ``involves_team`` answer without listing. Conflicts are equal when all their
    fields, text and members included, are."""

    __slots__ = (
        "type",
        "severity",
        "_items",
        "_teams",
        "period",
        "fingerprint",
        "state",
        "decision",
        "_item_ids",
        "_team_ids",
        "period_index",
        "primary_key",
        "primary_id",
        "_members",
        "_message",
        "_suggestions",
        "_actions",
        "_text",
    )
    __match_args__ = _FIELDS
    __hash__ = None  # type: ignore[assignment]

    def __init__(
        self,
        type: str,  # noqa: A002 - the field's public name
        severity: str,
        items: list[str],
        teams: list[str],
        period: str | None,
        message: str | None,
        suggestions: list[str] | None,
        fingerprint: str,
        state: str = "open",
        decision: Decision | None = None,
        item_ids: list[int] | None = None,
        team_ids: list[int] | None = None,
        period_index: int | None = None,
        actions: list[Action] | None = None,
        *,
        text: Callable[[], Text] | None = None,
        members: Members | None = None,
    ) -> None:
        self.type = type
        self.severity = severity
        self._items = items
        self._teams = teams
        self.period = period
        self.fingerprint = fingerprint
        self.state = state
        self.decision = decision
        self._item_ids = [] if item_ids is None else item_ids
        self._team_ids = [] if team_ids is None else team_ids
        self.period_index = period_index
        # With members, the given lists name at least the primary item and its team.
        self.primary_key = items[0] if items else ""
        self.primary_id = self._item_ids[0] if self._item_ids else None
        self._members = members
        self._text = text
        if text is None:
            self._message = message or ""
            self._suggestions = [] if suggestions is None else suggestions
            self._actions = [] if actions is None else actions

    def _format(self) -> None:
        # The text is stored before the formatter is dropped, so that a reader in
        # another thread either formats it too (to the same text) or finds it.
        text = self._text
        if text is not None:
            self._message, self._suggestions, self._actions = text()
            self._text = None

    message = _Text()
    suggestions = _Text()
    actions = _Text()

    def _resolve(self) -> None:
        # As for the text: stored before the members are dropped.
        members = self._members
        if members is not None:
            self._items, self._teams, self._item_ids, self._team_ids = members.resolve()
            self._members = None

    items = _Member()
    teams = _Member()
    item_ids = _Member()
    team_ids = _Member()

    def involves_item(self, item_id: int) -> bool:
        members = self._members
        return item_id in self._item_ids if members is None else members.has_item(item_id)

    def involves_team(self, slug: str) -> bool:
        members = self._members
        return slug in self._teams if members is None else members.has_team(slug)

    @property
    def formatted(self) -> bool:
        """Whether the text has been made (or was given)."""
        return self._text is None

    @staticmethod
    def listed_item_ids(
        conflicts: Iterable[Conflict],
    ) -> Iterator[tuple[Conflict, list[int] | None]]:
        """``(conflict, item ids)`` for each of ``conflicts``, with None for the ids
        of one whose items are not listed yet (see ``listed``), without listing
        them: a pass over every conflict of a plan at the cost of reading a slot."""
        for conflict in conflicts:
            yield conflict, conflict._item_ids if conflict._members is None else None

    @property
    def listed(self) -> bool:
        """Whether the items and teams have been listed (or were given)."""
        return self._members is None

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in _FIELDS)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()  # type: ignore[attr-defined]

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in _FIELDS)
        return f"Conflict({fields})"

    @property
    def sort_key(self) -> tuple[int, str, str, str]:
        return (
            SEVERITY_RANK[self.severity],
            self.type,
            self.primary_key,
            self.fingerprint,
        )

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {name: getattr(self, name) for name in CONTRACT_FIELDS}
        for name in ("items", "teams", "suggestions"):
            data[name] = list(data[name])
        if self.decision is not None:
            data["decision_note"] = self.decision.note
            data["decision_by"] = self.decision.by
            data["decision_at"] = format_datetime(self.decision.at)
        return data


@dataclass(frozen=True, slots=True)
class ConflictCounts:
    """Counts of conflicts. ``open`` counts open and acknowledged ones: only an
    accepted risk stops a conflict from counting; ``by_severity`` and ``by_type``
    count the same set."""

    total: int
    open: int
    acknowledged: int
    accepted: int
    by_severity: dict[str, int]
    by_type: dict[str, int]

    @classmethod
    def of(cls, conflicts: list[Conflict]) -> ConflictCounts:
        states = Counter(c.state for c in conflicts)
        unaccepted = [c for c in conflicts if c.state != "accepted"]
        severities = Counter(c.severity for c in unaccepted)
        types = Counter(c.type for c in unaccepted)
        return cls(
            total=len(conflicts),
            open=len(unaccepted),
            acknowledged=states["acknowledged"],
            accepted=states["accepted"],
            by_severity={name: severities[name] for name in SEVERITIES},
            by_type={name: types[name] for name in CONFLICT_TYPES if types[name]},
        )


def select_conflicts(
    conflicts: Iterable[Conflict],
    *,
    type: str | None = None,
    severity: str | None = None,
    team: str | None = None,
    period: str | None = None,
    state: str | None = None,
    item_id: int | None = None,
) -> list[Conflict]:
    """The conflicts of this type and exactly this severity, involving the team
    (slug), in the period (name), in this state ("unaccepted": open or
    acknowledged), involving the item (id); in their given order. The one filter
    behind the conflicts list, `flask conflicts` and the item page."""
    return [
        c
        for c in conflicts
        if (type is None or c.type == type)
        and (severity is None or c.severity == severity)
        and (team is None or c.involves_team(team))
        and (period is None or c.period == period)
        and (state is None or c.state == state or (state == "unaccepted" and c.state != "accepted"))
        and (item_id is None or c.involves_item(item_id))
    ]

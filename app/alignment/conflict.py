"""The conflict record, its severities, fingerprints and counts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from hashlib import sha1
from typing import Any

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


@dataclass(slots=True)
class Conflict:
    type: str
    severity: str
    items: list[str]
    teams: list[str]
    period: str | None
    message: str
    suggestions: list[str]
    fingerprint: str
    state: str = "open"
    decision: Decision | None = None
    item_ids: list[int] = field(default_factory=list)
    team_ids: list[int] = field(default_factory=list)
    period_index: int | None = None
    actions: list[Action] = field(default_factory=list)

    @property
    def sort_key(self) -> tuple[int, str, str, str]:
        return (
            SEVERITY_RANK[self.severity],
            self.type,
            self.items[0] if self.items else "",
            self.fingerprint,
        )

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "type": self.type,
            "severity": self.severity,
            "items": list(self.items),
            "teams": list(self.teams),
            "period": self.period,
            "message": self.message,
            "suggestions": list(self.suggestions),
            "fingerprint": self.fingerprint,
            "state": self.state,
        }
        if self.decision is not None:
            data["decision_note"] = self.decision.note
            data["decision_by"] = self.decision.by
            data["decision_at"] = self.decision.at.isoformat()
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

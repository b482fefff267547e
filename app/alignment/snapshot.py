"""The plan snapshot: everything the analysis reads, as plain immutable data.

Periods are referred to by their index in ``PlanSnapshot.periods`` (which is in
time order), teams by id and items by id. ``app.plan_store`` builds a snapshot
from the database; tests build them by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

PRIORITY_NAMES = ("P0", "P1", "P2", "P3")
ACTIVE_STATUSES = ("proposed", "committed", "in_progress")
STATUSES = ("proposed", "committed", "in_progress", "done", "cancelled")
HEALTHS = ("on_track", "at_risk", "off_track")
COMMITMENTS = ("requested", "committed", "declined")
TEAM_KINDS = ("platform", "product")


def priority_name(priority: int) -> str:
    return PRIORITY_NAMES[priority]


@dataclass(frozen=True, slots=True)
class Period:
    name: str
    start: date
    end: date


@dataclass(frozen=True, slots=True)
class Team:
    id: int
    slug: str
    name: str
    kind: str  # "platform" | "product"
    default_capacity: float | None = None
    # period index -> person-weeks; overrides the default for that period
    capacities: dict[int, float] = field(default_factory=dict)

    def capacity(self, period: int) -> float | None:
        """Capacity in a period, or None when the team has no capacity set at all."""
        return self.capacities.get(period, self.default_capacity)


@dataclass(frozen=True, slots=True)
class Item:
    id: int
    key: str
    team_id: int
    title: str
    priority: int  # 0 (P0, highest) .. 3 (P3)
    start: int | None  # period index; both None = backlog
    end: int | None
    estimate: float | None  # person-weeks
    status: str
    health: str
    created_at: datetime  # naive UTC
    last_update_at: datetime | None = None  # newest status update, naive UTC

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def scheduled(self) -> bool:
        return self.start is not None


@dataclass(frozen=True, slots=True)
class Dependency:
    dependent_id: int  # the item that needs ...
    dependency_id: int  # ... this item
    needed_by: int | None = None  # period index; None = the dependent's start
    commitment: str = "requested"


@dataclass(frozen=True, slots=True)
class Decision:
    """An acknowledgement or accepted risk, stored by conflict fingerprint."""

    fingerprint: str
    state: str  # "acknowledged" | "accepted"
    note: str
    by: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class PlanSnapshot:
    periods: tuple[Period, ...]
    teams: tuple[Team, ...]
    items: tuple[Item, ...]
    dependencies: tuple[Dependency, ...]
    decisions: dict[str, Decision] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PlanDelta:
    """What changed in a plan since a snapshot of it: whole new rows for what was
    added or changed, and the identities of what was removed. A dependency is
    identified by ``(dependent_id, dependency_id)``, a decision by its fingerprint.
    ``periods`` is the whole new list of periods when any period changed (then every
    period index may mean something else), else None."""

    items: tuple[Item, ...] = ()
    removed_items: frozenset[int] = frozenset()
    dependencies: tuple[Dependency, ...] = ()
    removed_dependencies: frozenset[tuple[int, int]] = frozenset()
    teams: tuple[Team, ...] = ()
    removed_teams: frozenset[int] = frozenset()
    decisions: tuple[Decision, ...] = ()
    removed_decisions: frozenset[str] = frozenset()
    periods: tuple[Period, ...] | None = None

    @property
    def empty(self) -> bool:
        return not (
            self.items
            or self.removed_items
            or self.dependencies
            or self.removed_dependencies
            or self.teams
            or self.removed_teams
            or self.decisions
            or self.removed_decisions
            or self.periods is not None
        )

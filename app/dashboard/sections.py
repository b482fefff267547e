"""The dashboard's sections, built from one analysis. Plain functions on plain data:
no database, no request.

At-risk platform work is ranked by its weighted blast radius: every active item
that needs it, directly or through a chain, weighs by its own priority
(``PRIORITY_WEIGHTS``: P0 8, P1 4, P2 2, P3 1), so one P0 feature outweighs
seven P3 ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

from app.alignment import (
    PRIORITY_NAMES,
    SEVERITIES,
    Analysis,
    Conflict,
    ConflictCounts,
    Item,
    LedgerCell,
    Team,
)
from app.alignment.ledger import EPSILON

PRIORITY_WEIGHTS = (8, 4, 2, 1)
HEAT_PERIODS = 8
LIST_LIMIT = 10
# Upper bounds (utilisation, exclusive) of the heat map's bands 1..6; band 7 is
# everything above, band 0 a team with no capacity set. Bands from OVER_BAND up
# are over capacity.
BAND_LIMITS = (0.5, 0.8, 1.0 + EPSILON, 1.1, 1.25, 1.5)
OVER_BAND = 4


def band(capacity: float | None, demand: float) -> int:
    if capacity is None:
        return 0
    if capacity <= 0:
        return len(BAND_LIMITS) + 1 if demand > EPSILON else 1
    utilisation = demand / capacity
    for n, limit in enumerate(BAND_LIMITS, start=1):
        if utilisation < limit:
            return n
    return len(BAND_LIMITS) + 1


class Plan:
    """Lookups over the analysed plan: items and teams by id, teams in the order
    the dashboard lists them (platform teams first, then by name)."""

    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis
        snapshot = analysis.snapshot
        self.items: dict[int, Item] = {item.id: item for item in snapshot.items}
        self.teams: dict[int, Team] = {team.id: team for team in snapshot.teams}
        self.ordered_teams: list[Team] = sorted(
            snapshot.teams, key=lambda t: (t.kind != "platform", t.name.lower(), t.slug)
        )
        self.period_names: list[str] = [period.name for period in snapshot.periods]

    def team_of(self, item_id: int) -> Team:
        return self.teams[self.items[item_id].team_id]

    def is_platform(self, item_id: int) -> bool:
        return self.team_of(item_id).kind == "platform"


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Listed(Generic[T]):
    """The first rows of a section, and how many there are in all."""

    rows: list[T]
    total: int


# Tiles


@dataclass(frozen=True, slots=True)
class Tiles:
    counts: ConflictCounts
    period: str | None
    over_capacity: list[Team]
    stale: int


def tiles(plan: Plan, period: int | None) -> Tiles:
    analysis = plan.analysis
    counts = analysis.counts()
    over = []
    if period is not None:
        ledger = analysis.ledger
        over = [team for team in plan.ordered_teams if ledger.cell(team.id, period).over]
    return Tiles(
        counts,
        None if period is None else plan.period_names[period],
        over,
        counts.by_type.get("stale_status", 0),
    )


# Capacity heat map


@dataclass(frozen=True, slots=True)
class HeatCell:
    team: Team
    period: str
    capacity: float | None
    demand: float
    utilisation: float | None
    band: int


@dataclass(frozen=True, slots=True)
class HeatMap:
    periods: list[str]
    rows: list[tuple[Team, list[HeatCell]]]


def heat_map(plan: Plan, first: int | None, count: int = HEAT_PERIODS) -> HeatMap:
    if first is None:
        return HeatMap([], [])
    shown = range(first, min(first + count, len(plan.period_names)))
    ledger = plan.analysis.ledger
    rows = []
    for team in plan.ordered_teams:
        cells = []
        for p in shown:
            cell = ledger.cell(team.id, p)
            cells.append(
                HeatCell(
                    team,
                    plan.period_names[p],
                    cell.capacity,
                    cell.demand,
                    cell.utilisation,
                    band(cell.capacity, cell.demand),
                )
            )
        rows.append((team, cells))
    return HeatMap([plan.period_names[p] for p in shown], rows)


# Contended platform teams


@dataclass(slots=True)
class Competitor:
    team: Team
    priority: int
    person_weeks: float = 0.0
    needs: list[tuple[Item, float]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Contention:
    conflict: Conflict
    team: Team
    period: str
    capacity: float
    demand: float
    competitors: list[Competitor]

    @property
    def excess(self) -> float:
        return self.demand - self.capacity

    @property
    def move(self) -> str | None:
        """The over-capacity suggestion of what to move out, if there is one."""
        return self.conflict.suggestions[1] if len(self.conflict.suggestions) > 1 else None


def _requests(analysis: Analysis, item_id: int) -> dict[int, int]:
    """``{product team id: best own priority of its active items needing the item}``."""
    ledger = analysis.ledger
    ix = ledger.ix
    teams = ledger.priorities.requesting_teams(ix.pos[item_id])
    return {ix.team_ids[t]: level for t, level in teams.items()}


def _competitors(plan: Plan, cell: LedgerCell) -> list[Competitor]:
    analysis = plan.analysis
    competitors: dict[int, Competitor] = {}
    for item_id, share in cell.by_item.items():
        for team_id, level in _requests(analysis, item_id).items():
            competitor = competitors.get(team_id)
            if competitor is None:
                competitor = competitors[team_id] = Competitor(plan.teams[team_id], level)
            elif level < competitor.priority:
                competitor.priority = level
            competitor.person_weeks += share
            competitor.needs.append((plan.items[item_id], share))
    for competitor in competitors.values():
        competitor.needs.sort(key=lambda need: (need[0].priority, need[0].key))
    return sorted(competitors.values(), key=lambda c: (c.priority, c.team.slug))


def contended(plan: Plan, limit: int = LIST_LIMIT) -> Listed[Contention]:
    """The first ``limit`` platform teams and periods in platform contention (worst
    first, then the most to move), each with the product teams that compete for
    it, best priority first, and what each needs there; and how many there are."""
    analysis = plan.analysis
    found = []
    for conflict in analysis.conflicts:
        if conflict.type != "platform_contention" or conflict.period_index is None:
            continue
        cell = analysis.ledger.cell(conflict.team_ids[0], conflict.period_index)
        found.append((conflict, cell))
    found.sort(
        key=lambda pair: (
            SEVERITIES.index(pair[0].severity),
            -(pair[1].demand - (pair[1].capacity or 0.0)),
            pair[0].teams[0],
        )
    )
    shown = [
        Contention(
            conflict,
            plan.teams[cell.team_id],
            conflict.period or "",
            cell.capacity or 0.0,
            cell.demand,
            _competitors(plan, cell),
        )
        for conflict, cell in found[:limit]
    ]
    return Listed(shown, len(found))


# At-risk platform work


@dataclass(frozen=True, slots=True)
class AtRisk:
    conflict: Conflict
    item: Item
    team: Team
    weight: int
    by_priority: tuple[int, int, int, int]

    @property
    def needed_by(self) -> int:
        return sum(self.by_priority)

    @property
    def priority_mix(self) -> str:
        """``2 P0, 3 P2``: how many of each priority need it."""
        return ", ".join(f"{n} {PRIORITY_NAMES[p]}" for p, n in enumerate(self.by_priority) if n)


def weighted_blast_radius(by_priority: tuple[int, int, int, int]) -> int:
    """The weight of a blast radius that holds this many items of each own priority."""
    return sum(w * n for w, n in zip(PRIORITY_WEIGHTS, by_priority, strict=True))


def at_risk_platform_work(plan: Plan, limit: int = LIST_LIMIT) -> Listed[AtRisk]:
    """Platform items at risk or off track that others need, heaviest blast radius
    first. The radii are counted together, never listed."""
    analysis, items = plan.analysis, plan.items
    found = [
        c
        for c in analysis.conflicts
        if c.type == "at_risk_dependency" and plan.is_platform(c.primary_id)
    ]
    counts = analysis.blast_radius_counts(c.primary_id for c in found)
    ranked = [
        (-weighted_blast_radius(counts[c.primary_id]), c.primary_key, c.primary_id, c)
        for c in found
    ]
    ranked.sort(key=lambda row: row[:2])
    shown = []
    for weight, _key, item_id, conflict in ranked[:limit]:
        item = items[item_id]
        shown.append(AtRisk(conflict, item, plan.teams[item.team_id], -weight, counts[item_id]))
    return Listed(shown, len(ranked))


# Priority inversions


@dataclass(frozen=True, slots=True)
class Inversion:
    conflict: Conflict
    item: Item
    team: Team
    effective: int
    chain: list[Item]


def inversions(plan: Plan, limit: int = LIST_LIMIT) -> Listed[Inversion]:
    """The first inverted items in the analysis's order (worst first), each with the
    chain of needs through which it inherits its effective priority."""
    analysis, items = plan.analysis, plan.items
    found = [c for c in analysis.conflicts if c.type == "priority_inversion"]
    shown = []
    for conflict in found[:limit]:
        item = items[conflict.item_ids[0]]
        shown.append(
            Inversion(
                conflict,
                item,
                plan.teams[item.team_id],
                analysis.effective_priority[item.id],
                [items[i] for i in conflict.item_ids],
            )
        )
    return Listed(shown, len(found))


# Accepted risks


def accepted_risks(analysis: Analysis, limit: int = 2 * LIST_LIMIT) -> Listed[Conflict]:
    """Conflicts whose risk is accepted, the latest decision first."""
    accepted = [c for c in analysis.conflicts if c.state == "accepted" and c.decision]
    accepted.sort(key=lambda c: c.decision.at, reverse=True)
    return Listed(accepted[:limit], len(accepted))


@dataclass(frozen=True, slots=True)
class Dashboard:
    tiles: Tiles
    heat_map: HeatMap
    contended: Listed[Contention]
    at_risk: Listed[AtRisk]
    inversions: Listed[Inversion]
    accepted: Listed[Conflict]


def build_dashboard(analysis: Analysis) -> Dashboard:
    plan = Plan(analysis)
    period = analysis.first_open_period
    return Dashboard(
        tiles(plan, period),
        heat_map(plan, period),
        contended(plan),
        at_risk_platform_work(plan),
        inversions(plan),
        accepted_risks(analysis),
    )

"""What the roadmap shows for a set of filters: the rows, columns and cards taken
from one analysis of the plan, placed by ``app.roadmap.layout``."""

from __future__ import annotations

from dataclasses import dataclass

from app.alignment import Analysis, Conflict
from app.alignment.conflict import SEVERITY_RANK
from app.alignment.diff import TEAM_PERIOD_TYPES
from app.roadmap.layout import Board, Card, CardSpec, ColumnSpec, LoadSpec, TeamSpec, build_board

DEFAULT_PERIODS = 4
MAX_PERIODS = 12
KIND_ORDER = {"platform": 0, "product": 1}
EDGE_KINDS = {"schedule_violation": "violation", "same_period_risk": "risk"}


@dataclass(frozen=True, slots=True)
class Filters:
    first: int | None = None  # period index of the first column; None: the current period
    count: int = DEFAULT_PERIODS
    teams: tuple[str, ...] = ()
    kind: str | None = None
    priorities: tuple[int, ...] = ()
    conflicts_only: bool = False
    q: str = ""


@dataclass(frozen=True, slots=True)
class Roadmap:
    board: Board
    first: int
    count: int
    period_names: list[str]
    teams: list[TeamSpec]
    cards_by_team: dict[int, list[Card]]
    shown: int
    total: int


def default_first(analysis: Analysis, count: int = DEFAULT_PERIODS) -> int:
    """The current period; else the first that has not ended; else the last ones."""
    if analysis.first_open_period is not None:
        return analysis.first_open_period
    return max(0, len(analysis.snapshot.periods) - count)


def item_badges(conflicts: list[Conflict]) -> dict[int, tuple[int, str]]:
    """``{item id: (count, worst severity)}`` of the conflicts that are not accepted.
    Capacity conflicts belong to a team and a period and show on its capacity bar."""
    counts: dict[int, int] = {}
    worst: dict[int, str] = {}
    for conflict in conflicts:
        if conflict.state == "accepted" or conflict.type in TEAM_PERIOD_TYPES:
            continue
        for item_id in set(conflict.item_ids):
            counts[item_id] = counts.get(item_id, 0) + 1
            known = worst.get(item_id)
            if known is None or SEVERITY_RANK[conflict.severity] < SEVERITY_RANK[known]:
                worst[item_id] = conflict.severity
    return {item_id: (n, worst[item_id]) for item_id, n in counts.items()}


def edge_kinds(conflicts: list[Conflict]) -> dict[tuple[int, int], str]:
    """``{(dependent id, dependency id): "violation" | "risk"}``."""
    kinds: dict[tuple[int, int], str] = {}
    for conflict in conflicts:
        kind = EDGE_KINDS.get(conflict.type)
        if kind is not None and len(conflict.item_ids) == 2:
            edge = (conflict.item_ids[0], conflict.item_ids[1])
            if kinds.get(edge) != "violation":
                kinds[edge] = kind
    return kinds


def _wanted(filters: Filters, badges: dict[int, tuple[int, str]]):
    priorities = set(filters.priorities)
    needle = filters.q.strip().casefold()

    def wanted(item) -> bool:
        if priorities and item.priority not in priorities:
            return False
        if filters.conflicts_only and item.id not in badges:
            return False
        return not needle or needle in item.key.casefold() or needle in item.title.casefold()

    return wanted


def build_roadmap(analysis: Analysis, filters: Filters) -> Roadmap:
    snapshot = analysis.snapshot
    n_periods = len(snapshot.periods)
    count = max(1, min(filters.count, MAX_PERIODS, n_periods or 1))
    first = default_first(analysis, count) if filters.first is None else filters.first
    first = max(0, min(first, n_periods - count)) if n_periods else 0
    columns = [
        ColumnSpec(snapshot.periods[p].name, p, p == analysis.current_period)
        for p in range(first, min(first + count, n_periods))
    ]
    columns.append(ColumnSpec("Backlog", None))

    slugs = set(filters.teams)
    teams = sorted(
        (
            t
            for t in snapshot.teams
            if (not slugs or t.slug in slugs) and (filters.kind is None or t.kind == filters.kind)
        ),
        key=lambda t: (KIND_ORDER.get(t.kind, 2), t.name.casefold(), t.slug),
    )
    rows = [TeamSpec(t.id, t.slug, t.name, t.kind) for t in teams]
    row_ids = {t.id for t in rows}

    conflicts = analysis.conflicts
    badges = item_badges(conflicts)
    wanted = _wanted(filters, badges)
    cards = [
        CardSpec(
            item.id,
            item.key,
            item.title,
            item.team_id,
            item.priority,
            item.estimate,
            item.health,
            item.status,
            item.start,
            item.end,
            badges.get(item.id),
        )
        for item in snapshot.items
        if item.team_id in row_ids and wanted(item)
    ]
    kinds = edge_kinds(conflicts)
    edges = [
        (d.dependent_id, d.dependency_id, kinds.get((d.dependent_id, d.dependency_id), "ok"))
        for d in snapshot.dependencies
    ]
    ledger = analysis.ledger
    loads = {}
    for team in rows:
        for column in columns:
            if column.period is not None:
                cell = ledger.cell(team.id, column.period)
                loads[(team.id, column.period)] = LoadSpec(cell.demand, cell.capacity)
    board = build_board(columns, rows, cards, edges, loads)

    by_team: dict[int, list[Card]] = {team.id: [] for team in rows}
    for card in sorted(board.cards, key=lambda c: (c.first_col, c.spec.priority, c.spec.key)):
        by_team[card.spec.team_id].append(card)
    return Roadmap(
        board,
        first,
        count,
        [p.name for p in snapshot.periods],
        rows,
        by_team,
        len(board.cards),
        len(snapshot.items),
    )


def describe(card: Card, period_names: list[str]) -> str:
    """The card in words, for its tooltip and for screen readers."""
    spec = card.spec
    if spec.start is None or spec.end is None:
        when = "backlog"
    elif spec.start == spec.end:
        when = period_names[spec.start]
    else:
        when = f"{period_names[spec.start]} to {period_names[spec.end]}"
    estimate = "no estimate" if spec.estimate is None else f"{spec.estimate:g} person-weeks"
    text = (
        f"{spec.key} {spec.title}: P{spec.priority}, {estimate}, {when}, "
        f"{spec.status.replace('_', ' ')}, {spec.health.replace('_', ' ')}"
    )
    if spec.badge:
        count, worst = spec.badge
        text += f"; {count} open conflict{'s' if count != 1 else ''}, worst {worst}"
    return text

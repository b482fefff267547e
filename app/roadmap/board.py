"""What the roadmap shows for a set of filters: a page of team rows, the chosen
periods, the cards of those rows and the dependency lines among them (a stub for
each line whose other end is not on the page), taken from one analysis of the
plan and placed by ``app.roadmap.layout``. A page costs what it shows: the plan's
other items are only looked at to be left out."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from operator import is_

from app.alignment import Analysis, Conflict
from app.alignment.conflict import SEVERITY_RANK
from app.alignment.diff import TEAM_PERIOD_TYPES
from app.roadmap.layout import (
    Board,
    Card,
    CardSpec,
    ColumnSpec,
    LoadSpec,
    StubSpec,
    TeamSpec,
    build_board,
)

DEFAULT_PERIODS = 4
MAX_PERIODS = 12
MAX_ROWS = 8  # team rows a page at most
CARD_BUDGET = 360  # cards a page holds before it takes no further team
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
    page: int = 1
    every_team: bool = False  # all teams, also for a member of some
    all_lines: bool = False  # grey lines (and their stubs) drawn, not only red and amber


@dataclass(frozen=True, slots=True)
class Page:
    number: int
    first_team: str
    last_team: str


@dataclass(frozen=True, slots=True)
class Roadmap:
    board: Board
    first: int
    count: int
    period_names: list[str]
    teams: list[TeamSpec]  # the rows of this page
    cards_by_team: dict[int, list[Card]]
    shown: int
    total: int
    scope: str  # "chosen" (teams in the URL), "mine" (the user's teams) or "all"
    page: int
    pages: list[Page]
    matching_teams: int


def default_first(analysis: Analysis, count: int = DEFAULT_PERIODS) -> int:
    """The current period; else the first that has not ended; else the last ones."""
    if analysis.first_open_period is not None:
        return analysis.first_open_period
    return max(0, len(analysis.snapshot.periods) - count)


def conflict_marks(
    analysis: Analysis, item_ids: Collection[int]
) -> tuple[dict[int, tuple[int, str, int]], dict[tuple[int, int], str]]:
    """The badges of the given items and the kinds of the lines that touch them, in
    one pass over the conflicts.

    Badges: ``{item id: (conflicts, worst severity, team-level ones)}``:
    every conflict that involves the item, as its item page lists them (accepted
    ones included, and the capacity conflicts of its team and period that count
    it). A conflict that lists its items is matched against them; one that finds
    them on demand (an at-risk item and everything that needs it) is matched
    through what each given item needs, one search per item.

    Kinds: ``{(dependent id, dependency id): "violation" | "risk"}``."""
    counts: dict[int, int] = {}
    worst: dict[int, str] = {}
    team_level: dict[int, int] = {}
    wanted = set(item_ids)

    def count(item_id: int, conflict: Conflict) -> None:
        counts[item_id] = counts.get(item_id, 0) + 1
        known = worst.get(item_id)
        if known is None or SEVERITY_RANK[conflict.severity] < SEVERITY_RANK[known]:
            worst[item_id] = conflict.severity
        if conflict.type in TEAM_PERIOD_TYPES:
            team_level[item_id] = team_level.get(item_id, 0) + 1

    lazy: dict[int, list[Conflict]] = {}
    kinds: dict[tuple[int, int], str] = {}
    for conflict, ids in Conflict.listed_item_ids(analysis.conflicts):
        if ids is None:
            if conflict.primary_id is not None:
                lazy.setdefault(conflict.primary_id, []).append(conflict)
            continue
        if wanted.isdisjoint(ids):
            continue
        edge = EDGE_KINDS.get(conflict.type)
        if edge is not None and len(ids) == 2 and kinds.get((ids[0], ids[1])) != "violation":
            kinds[(ids[0], ids[1])] = edge
        for item_id in wanted.intersection(ids):
            count(item_id, conflict)
    if lazy:
        for item_id in wanted:
            for needed in analysis.reach(item_id):
                for conflict in lazy.get(needed, ()):
                    count(item_id, conflict)
    badges = {i: (n, worst[i], team_level.get(i, 0)) for i, n in counts.items()}
    return badges, kinds


@dataclass(frozen=True, slots=True)
class Links:
    rows: list  # the plan's dependency rows these were made from
    needs: dict[int, list[int]]  # item id: the ids of the items it needs
    needed_by: dict[int, list[int]]  # item id: the ids of the items that need it


_LINKS: Links | None = None


def links_of(snapshot) -> Links:
    """Every dependency of the plan by the item at either end. Kept for the next
    plan whose dependencies are the very same rows (after a move or a status
    change the new snapshot shares the rows the edit did not change), so that a
    request after an edit does not index 150,000 rows again."""
    global _LINKS
    deps = snapshot.dependencies
    known = _LINKS
    if known is not None and (
        known.rows is deps or (len(known.rows) == len(deps) and all(map(is_, known.rows, deps)))
    ):
        return known
    needs: dict[int, list[int]] = {}
    needed_by: dict[int, list[int]] = {}
    for dep in deps:
        needs.setdefault(dep.dependent_id, []).append(dep.dependency_id)
        needed_by.setdefault(dep.dependency_id, []).append(dep.dependent_id)
    _LINKS = Links(deps, needs, needed_by)
    return _LINKS


def _card_filter(filters: Filters):
    priorities = set(filters.priorities)
    needle = filters.q.strip().casefold()

    def wanted(item) -> bool:
        if priorities and item.priority not in priorities:
            return False
        return not needle or needle in item.key.casefold() or needle in item.title.casefold()

    return wanted


def _in_view(first: int, last: int):
    """Whether an item shows in periods ``first`` to ``last`` or the backlog."""

    def shows(item) -> bool:
        if item.start is None or item.end is None:
            return True
        return item.start <= last and item.end >= first

    return shows


def team_order(team) -> tuple:
    return (KIND_ORDER.get(team.kind, 2), team.name.casefold(), team.slug)


def paginate(teams: list, cards: dict[int, int]) -> list[tuple[int, list]]:
    """``[(page number, teams)]``: teams in order, a page taking teams while it holds
    fewer than ``CARD_BUDGET`` cards and ``MAX_ROWS`` rows (at least one team)."""
    pages: list[tuple[int, list]] = []
    current: list = []
    held = 0
    for team in teams:
        n = cards.get(team.id, 0)
        if current and (len(current) >= MAX_ROWS or held + n > CARD_BUDGET):
            pages.append((len(pages) + 1, current))
            current, held = [], 0
        current.append(team)
        held += n
    if current:
        pages.append((len(pages) + 1, current))
    return pages


def build_roadmap(
    analysis: Analysis, filters: Filters, own_team_ids: Collection[int] = ()
) -> Roadmap:
    """The page of the roadmap that ``filters`` ask for. Without teams in the
    filters, a member of teams sees theirs (unless ``every_team``), anyone else
    every team; either way cut into pages by ``paginate``. A search or a priority
    filter leaves out the teams with nothing that matches."""
    snapshot = analysis.snapshot
    n_periods = len(snapshot.periods)
    count = max(1, min(filters.count, MAX_PERIODS, n_periods or 1))
    first = default_first(analysis, count) if filters.first is None else filters.first
    first = max(0, min(first, n_periods - count)) if n_periods else 0
    last = min(first + count, n_periods) - 1
    columns = [
        ColumnSpec(snapshot.periods[p].name, p, p == analysis.current_period)
        for p in range(first, last + 1)
    ]
    columns.append(ColumnSpec("Backlog", None))

    slugs = set(filters.teams)
    own = set(own_team_ids)
    if slugs:
        scope = "chosen"
        in_scope = [t for t in snapshot.teams if t.slug in slugs]
    elif own and not filters.every_team and any(t.id in own for t in snapshot.teams):
        scope = "mine"
        in_scope = [t for t in snapshot.teams if t.id in own]
    else:
        scope = "all"
        in_scope = list(snapshot.teams)
    if filters.kind is not None:
        in_scope = [t for t in in_scope if t.kind == filters.kind]
    wanted = _card_filter(filters)
    shows = _in_view(first, last)
    in_view: dict[int, int] = {}  # team id: its items on screen
    filtered = filters.priorities or filters.q.strip()
    for item in snapshot.items:  # every item of the plan: ``shows`` inlined
        start, end = item.start, item.end
        if (start is None or end is None or (start <= last and end >= first)) and (
            not filtered or wanted(item)
        ):
            in_view[item.team_id] = in_view.get(item.team_id, 0) + 1
    if filters.priorities or filters.q.strip():
        in_scope = [t for t in in_scope if t.id in in_view]
    in_scope.sort(key=team_order)

    pages = paginate(in_scope, in_view)
    page = max(1, min(filters.page, len(pages) or 1))
    on_page = pages[page - 1][1] if pages else []
    pages_shown = [Page(n, p[0].name, p[-1].name) for n, (_n, p) in enumerate(pages, 1)]
    rows = [TeamSpec(t.id, t.slug, t.name, t.kind) for t in on_page]
    row_ids = {t.id for t in rows}

    candidates = [
        item for item in snapshot.items if item.team_id in row_ids and shows(item) and wanted(item)
    ]
    badges, kinds = conflict_marks(analysis, [item.id for item in candidates])
    if filters.conflicts_only:
        candidates = [item for item in candidates if item.id in badges]
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
        for item in candidates
    ]
    shown_ids = {item.id for item in candidates}
    edges, stubs = [], []
    teams_by_id = {t.id: t for t in snapshot.teams}
    names = [p.name for p in snapshot.periods]
    links = links_of(snapshot)
    touching = [(i, b) for i in shown_ids for b in links.needs.get(i, ())]
    touching += [
        (d, i) for i in shown_ids for d in links.needed_by.get(i, ()) if d not in shown_ids
    ]
    for dependent, dependency in touching:
        here, there = dependent in shown_ids, dependency in shown_ids
        if dependent == dependency:
            continue
        kind = kinds.get((dependent, dependency), "ok")
        if here and there:
            edges.append((dependent, dependency, kind))
        elif kind != "ok" or filters.all_lines:
            other = analysis.item(dependency if here else dependent)
            team = teams_by_id[other.team_id]
            stubs.append(
                StubSpec(
                    dependent if here else dependency,
                    other.id,
                    other.key,
                    team.slug,
                    team.name,
                    None if other.start is None else names[other.start],
                    kind,
                    "needs" if here else "needed by",
                )
            )
    ledger = analysis.ledger
    loads = {}
    for team in rows:
        for column in columns:
            if column.period is not None:
                cell = ledger.cell(team.id, column.period)
                loads[(team.id, column.period)] = LoadSpec(cell.demand, cell.capacity)
    board = build_board(columns, rows, cards, edges, loads, stubs)

    by_team: dict[int, list[Card]] = {team.id: [] for team in rows}
    for card in sorted(board.cards, key=lambda c: (c.first_col, c.spec.priority, c.spec.key)):
        by_team[card.spec.team_id].append(card)
    return Roadmap(
        board,
        first,
        count,
        names,
        rows,
        by_team,
        len(board.cards),
        len(snapshot.items),
        scope,
        page,
        pages_shown,
        len(in_scope),
    )


def place_of(analysis: Analysis, item_id: int) -> tuple[str, str | None]:
    """The team slug and start period name of an item, to find it on the roadmap."""
    item = analysis.item(item_id)
    team = next(t for t in analysis.snapshot.teams if t.id == item.team_id)
    start = None if item.start is None else analysis.snapshot.periods[item.start].name
    return team.slug, start

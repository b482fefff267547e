"""The roadmap as geometry: team rows, period columns, item cards packed into lanes,
capacity bars and dependency lines, in SVG user units. Plain data in, plain data
out; the templates only draw what this module places.

Columns are the chosen periods and then the backlog. A card covers the columns of
the periods it spans (cut at the edges of the view); the cards of a row are packed
greedily into lanes, earliest first, so that no two overlap and the row is as low
as it can be. A dependency line runs from the right edge of the needed card to
the left edge of the card that needs it: it runs backwards when the plan is late.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from app.alignment import priority_name

LABEL_W = 180
COL_W = 232
HEAD_H = 32
GROUP_H = 26
BAR_H = 24
CARD_H = 40
LANE_H = 46
ROW_PAD = 10
INSET = 5
CHAR_W = 6.7
HEADING_CHAR_W = 7.0
BADGE_W = 22
BAR_TEXT_W = 46
PLUS_W = 24

GROUP_LABELS = {"platform": "Platform teams", "product": "Product teams"}


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    label: str
    period: int | None  # index into the plan's periods; None for the backlog
    current: bool = False


@dataclass(frozen=True, slots=True)
class TeamSpec:
    id: int
    slug: str
    name: str
    kind: str


@dataclass(frozen=True, slots=True)
class CardSpec:
    id: int
    key: str
    title: str
    team_id: int
    priority: int
    estimate: float | None
    health: str
    status: str
    start: int | None  # period indices; both None for the backlog
    end: int | None
    badge: tuple[int, str] | None = None  # (open conflicts, worst severity)


@dataclass(frozen=True, slots=True)
class LoadSpec:
    demand: float
    capacity: float | None


@dataclass(frozen=True, slots=True)
class Column:
    spec: ColumnSpec
    index: int
    x: float
    width: float


@dataclass(frozen=True, slots=True)
class Bar:
    column: Column
    x: float
    y: float
    track: float
    fill: float
    text: str
    over: bool
    demand: float
    capacity: float | None
    utilisation: float | None


@dataclass(frozen=True, slots=True)
class Row:
    team: TeamSpec
    label: str
    y: float
    height: float
    lanes: int
    bars: list[Bar]
    plus: list[tuple[Column, float, float]]  # (column, x, y) of each "new item" link


@dataclass(frozen=True, slots=True)
class Group:
    kind: str
    label: str
    y: float


@dataclass(frozen=True, slots=True)
class Card:
    spec: CardSpec
    x: float
    y: float
    width: float
    height: float
    lane: int
    first_col: int
    last_col: int
    cut_before: bool
    cut_after: bool
    heading: str
    title: str


@dataclass(frozen=True, slots=True)
class Line:
    dependent_id: int
    dependency_id: int
    kind: str  # "violation" | "risk" | "ok"
    path: str


@dataclass(frozen=True, slots=True)
class Board:
    width: float
    height: float
    columns: list[Column]
    groups: list[Group]
    rows: list[Row]
    cards: list[Card]
    lines: list[Line]
    by_id: dict[int, Card] = field(default_factory=dict)


def fit(text: str, width: float, char_w: float = CHAR_W) -> str:
    """``text`` cut with an ellipsis to about ``width`` units."""
    room = max(1, int(width // char_w))
    if len(text) <= room:
        return text
    return text[: max(0, room - 1)].rstrip() + "…"


def estimate_text(estimate: float | None) -> str:
    if estimate is None:
        return "no estimate"
    shown = f"{estimate:.1f}".removesuffix(".0")
    return f"{shown} pw"


def span_columns(
    spec: CardSpec, columns: Sequence[ColumnSpec]
) -> tuple[int, int, bool, bool] | None:
    """``(first column, last column, cut before, cut after)`` of a card, or None when
    none of its periods is shown."""
    return _spanner(columns)(spec)


def _spanner(columns: Sequence[ColumnSpec]):
    """``span_columns`` for many cards, reading the columns once (their periods are
    consecutive)."""
    backlog = next((n for n, c in enumerate(columns) if c.period is None), None)
    shown = {c.period: n for n, c in enumerate(columns) if c.period is not None}
    low, high = (min(shown), max(shown)) if shown else (0, -1)

    def span(spec: CardSpec) -> tuple[int, int, bool, bool] | None:
        if spec.start is None or spec.end is None:
            return None if backlog is None else (backlog, backlog, False, False)
        first, last = max(spec.start, low), min(spec.end, high)
        if first > last:
            return None
        return shown[first], shown[last], spec.start < low, spec.end > high

    return span


def pack(spans: Iterable[tuple[int, int]]) -> list[int]:
    """The lane of each ``(first, last)`` column span, in input order: each span goes
    to the first lane that is free from its first column on."""
    spans = list(spans)
    order = sorted(range(len(spans)), key=lambda n: spans[n][0])
    lane_ends: list[int] = []
    lanes = [0] * len(spans)
    for n in order:
        first, last = spans[n]
        for lane, end in enumerate(lane_ends):
            if end < first:
                lane_ends[lane] = last
                lanes[n] = lane
                break
        else:
            lanes[n] = len(lane_ends)
            lane_ends.append(last)
    return lanes


def _card_order(card: tuple[CardSpec, tuple[int, int, bool, bool]]) -> tuple:
    spec, (first, last, _b, _a) = card
    return (first, spec.priority, -(last - first), spec.key)


def _bar(column: Column, y: float, load: LoadSpec | None) -> Bar:
    track = column.width - 2 * INSET - BAR_TEXT_W - PLUS_W
    x = column.x + INSET + 3
    if load is None or load.capacity is None:
        demand = load.demand if load else 0.0
        return Bar(column, x, y, track, 0.0, "not set", False, demand, None, None)
    ratio = load.demand / load.capacity if load.capacity > 0 else None
    over = load.demand > load.capacity + 1e-9
    fill = track if over or ratio is None else track * ratio
    text = f"{ratio * 100:.0f}%" if ratio is not None else ("over" if over else "0%")
    return Bar(column, x, y, track, fill, text, over, load.demand, load.capacity, ratio)


def _line_path(source: Card, target: Card) -> str:
    x1, y1 = source.x + source.width, source.y + source.height / 2
    x2, y2 = target.x, target.y + target.height / 2
    bend = max(28.0, abs(x2 - x1) / 2, min(abs(y2 - y1) / 4, 90.0))
    return (
        f"M{x1:.1f},{y1:.1f} C{x1 + bend:.1f},{y1:.1f} "
        f"{x2 - bend:.1f},{y2:.1f} {x2 - 3:.1f},{y2:.1f}"
    )


def _heading(spec: CardSpec, width: float) -> str:
    room = width - 14 - (BADGE_W if spec.badge else 0)
    meta = f"{priority_name(spec.priority)} · {estimate_text(spec.estimate)}"
    return fit(f"{spec.key} · {meta}", room, HEADING_CHAR_W)


def build_board(
    columns: Sequence[ColumnSpec],
    teams: Sequence[TeamSpec],
    cards: Iterable[CardSpec],
    edges: Iterable[tuple[int, int, str]],
    loads: Mapping[tuple[int, int], LoadSpec],
) -> Board:
    """Place everything. ``teams`` in row order; ``edges`` as ``(dependent id,
    dependency id, kind)``; ``loads`` by ``(team id, period index)``."""
    placed_columns = [Column(spec, n, LABEL_W + n * COL_W, COL_W) for n, spec in enumerate(columns)]
    by_team: dict[int, list[tuple[CardSpec, tuple[int, int, bool, bool]]]] = {
        t.id: [] for t in teams
    }
    span = _spanner(columns)
    for spec in cards:
        where = span(spec)
        if where is not None and spec.team_id in by_team:
            by_team[spec.team_id].append((spec, where))

    groups: list[Group] = []
    rows: list[Row] = []
    placed: list[Card] = []
    y = 0.0
    kind = None
    for team in teams:
        if team.kind != kind:
            kind = team.kind
            groups.append(Group(kind, GROUP_LABELS.get(kind, kind), y))
            y += GROUP_H
        members = sorted(by_team[team.id], key=_card_order)
        lanes = pack((first, last) for _spec, (first, last, _b, _a) in members)
        lane_count = max([1, *(lane + 1 for lane in lanes)])
        top = y + BAR_H + ROW_PAD / 2
        for (spec, (first, last, cut_before, cut_after)), lane in zip(members, lanes, strict=True):
            x = LABEL_W + first * COL_W + INSET
            width = (last - first + 1) * COL_W - 2 * INSET
            placed.append(
                Card(
                    spec,
                    x,
                    top + lane * LANE_H,
                    width,
                    CARD_H,
                    lane,
                    first,
                    last,
                    cut_before,
                    cut_after,
                    _heading(spec, width),
                    fit(spec.title, width - 14),
                )
            )
        height = BAR_H + lane_count * LANE_H + ROW_PAD
        bars = [
            _bar(column, y + 8, loads.get((team.id, column.spec.period)))
            for column in placed_columns
            if column.spec.period is not None
        ]
        plus = [(c, c.x + c.width - INSET - PLUS_W / 2, y + 16) for c in placed_columns]
        label = fit(team.name, LABEL_W - 20, HEADING_CHAR_W)
        rows.append(Row(team, label, y, height, lane_count, bars, plus))
        y += height

    by_id = {card.spec.id: card for card in placed}
    lines = [
        Line(dependent, dependency, kind, _line_path(by_id[dependency], by_id[dependent]))
        for dependent, dependency, kind in edges
        if dependent in by_id and dependency in by_id and dependent != dependency
    ]
    width = LABEL_W + len(placed_columns) * COL_W
    return Board(width, y, placed_columns, groups, rows, placed, lines, by_id)

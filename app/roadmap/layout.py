"""The roadmap as geometry: team rows, period columns, item cards packed into lanes,
capacity bars and dependency lines, in SVG user units. Plain data in, plain data
out; the templates only draw what this module places.

Columns are the chosen periods and then the backlog. A card covers the columns of
the periods it spans (cut at the edges of the view); the cards of a row are packed
greedily into lanes, earliest first, so that no two overlap and the row is as low
as it can be. Above each card, a strip holds its stubs.

A dependency line runs from the right edge of the needed card to the left edge of
the card that needs it, through the gutters only: out into the gutter beside the
needed card, along it to the strip above the card that needs it, along that strip
to the gutter before that card, and in. Gutters run between columns, strips
between lanes, so a line never crosses a card's text (it passes under a card that
spans a gutter). It runs backwards when the plan is late. A line whose other end
is not on the page ends in a stub: a label in the card's strip that names the
other item, its team and its period.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from app.alignment import priority_name
from app.alignment.text import estimate_text

LABEL_W = 180
COL_W = 232
HEAD_H = 32
GROUP_H = 26
BAR_H = 24
CARD_H = 40
STRIP_H = 17
LANE_H = STRIP_H + CARD_H + 3
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
    badge: tuple[int, str, int] | None = None  # (conflicts, worst severity, team-level)


@dataclass(frozen=True, slots=True)
class StubSpec:
    card_id: int  # the card on the page
    other_id: int  # the item at the other end, not on the page
    other_key: str
    other_team_slug: str
    other_team: str
    other_period: str | None  # its start period's name; None: the backlog
    kind: str  # "violation" | "risk" | "ok"
    direction: str  # "needs" | "needed by"

    @property
    def label(self) -> str:
        return (
            f"{self.direction} {self.other_key}, {self.other_team}, "
            f"{self.other_period or 'backlog'}"
        )


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
class Stub:
    spec: StubSpec
    x: float  # where its label starts
    y: float  # its label's baseline
    text: str  # the label as it fits
    path: str  # from the label down into the card


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
    stubs: list[Stub] = field(default_factory=list)
    # card id: (stubs not drawn, where their "+N more" goes)
    more_stubs: dict[int, tuple[int, float]] = field(default_factory=dict)


def fit(text: str, width: float, char_w: float = CHAR_W) -> str:
    """``text`` cut with an ellipsis to about ``width`` units."""
    room = max(1, int(width // char_w))
    if len(text) <= room:
        return text
    return text[: max(0, room - 1)].rstrip() + "…"


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


def _lane_offset(a: int, b: int) -> float:
    """A small sideways shift per line, so that lines sharing a gutter stay apart."""
    return ((a * 7 + b * 3) % 5 - 2) * 1.6


def _line_path(source: Card, target: Card) -> str:
    """Through the gutters: see the module's docstring."""
    shift = _lane_offset(source.spec.id, target.spec.id)
    x1, y1 = source.x + source.width, source.y + source.height / 2
    x2, y2 = target.x, target.y + target.height / 2
    out = x1 + INSET + shift  # the gutter after the needed card
    into = x2 - INSET + shift  # the gutter before the card that needs it
    if abs(out - into) < 0.5:
        return f"M{x1:.1f},{y1:.1f} H{out:.1f} V{y2:.1f} H{x2 - 2:.1f}"
    strip = target.y - 3.5 + shift / 4  # the strip above the card that needs it
    return f"M{x1:.1f},{y1:.1f} H{out:.1f} V{strip:.1f} H{into:.1f} V{y2:.1f} H{x2 - 2:.1f}"


STUB_CHAR_W = 5.9
STUB_GAP = 10
MORE_W = 52  # room kept for "+3 more"


def _stub_text(spec: StubSpec, room: float) -> str:
    """The stub's label in ``room`` units: the team's name gives way first, so that
    the other item and its period stay readable."""
    if len(spec.label) * STUB_CHAR_W <= room:
        return spec.label
    period = spec.other_period or "backlog"
    fixed = f"{spec.direction} {spec.other_key}, , {period}"
    team_room = room - len(fixed) * STUB_CHAR_W
    if team_room < 4 * STUB_CHAR_W:
        return fit(spec.label, room, STUB_CHAR_W)
    team = fit(spec.other_team, team_room, STUB_CHAR_W)
    return f"{spec.direction} {spec.other_key}, {team}, {period}"


def _stubs(
    stubs: Iterable[StubSpec], by_id: Mapping[int, Card]
) -> tuple[list[Stub], dict[int, tuple[int, float]]]:
    """The stubs of each card in its strip, worst kind first, as many as fit."""
    order = {"violation": 0, "risk": 1, "ok": 2}
    of_card: dict[int, list[StubSpec]] = {}
    for spec in stubs:
        if spec.card_id in by_id:
            of_card.setdefault(spec.card_id, []).append(spec)
    placed: list[Stub] = []
    more: dict[int, tuple[int, float]] = {}
    for card_id, specs in of_card.items():
        card = by_id[card_id]
        specs.sort(key=lambda s: (order.get(s.kind, 3), s.direction, s.other_key))
        x, end = card.x + 4, card.x + card.width
        for n, spec in enumerate(specs):
            room = end - x - (MORE_W if n < len(specs) - 1 else 0)
            want = len(spec.label) * STUB_CHAR_W
            if room < min(want, 110):
                more[card_id] = (len(specs) - n, x + 2)
                break
            text = _stub_text(spec, room)
            y = card.y - 7
            path = f"M{x + 2:.1f},{y + 1:.1f} V{card.y:.1f}"
            placed.append(Stub(spec, x + 6, y, text, path))
            x += 6 + len(text) * STUB_CHAR_W + STUB_GAP
    return placed, more


def _heading(spec: CardSpec, width: float) -> str:
    room = width - 14 - (BADGE_W if spec.badge else 0)
    meta = f"{priority_name(spec.priority)} · {estimate_text(spec.estimate, short=True)}"
    return fit(f"{spec.key} · {meta}", room, HEADING_CHAR_W)


def build_board(
    columns: Sequence[ColumnSpec],
    teams: Sequence[TeamSpec],
    cards: Iterable[CardSpec],
    edges: Iterable[tuple[int, int, str]],
    loads: Mapping[tuple[int, int], LoadSpec],
    stubs: Iterable[StubSpec] = (),
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
                    top + lane * LANE_H + STRIP_H,
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
    drawn, more = _stubs(stubs, by_id)
    return Board(width, y, placed_columns, groups, rows, placed, lines, by_id, drawn, more)

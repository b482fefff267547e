"""Geometry of the dashboard's SVG charts; templates/dashboard/_charts.html draws
them. Every series differs by more than colour (dash pattern and marker shape,
or shade and hatching), so the charts read in grey scale as well."""

from __future__ import annotations

import math
from dataclasses import dataclass

from app.alignment import SEVERITIES
from app.alignment.text import pw
from app.dashboard.sections import OVER_BAND, HeatMap
from app.dashboard.snapshots import TrendWeek

MARKERS = {"critical": "circle", "high": "square", "medium": "triangle", "low": "diamond"}
DASHES = {"critical": "", "high": "7 4", "medium": "2 3", "low": "10 3 2 3"}


def nice_ceiling(value: float) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50, ... at or above ``value`` (at least 1)."""
    if value <= 1:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return int(step * magnitude)
    return int(10 * magnitude)


def ticks(top: int, count: int = 4) -> list[int]:
    """Whole-number axis ticks from 0 to ``top``, at most ``count`` + 1 of them."""
    step = max(1, nice_ceiling(top / count))
    return list(range(0, top + 1, step))


def spread(positions: list[float], gap: float) -> list[float]:
    """Label positions moved apart to at least ``gap``, keeping their order."""
    order = sorted(range(len(positions)), key=positions.__getitem__)
    placed = list(positions)
    for before, after in zip(order, order[1:], strict=False):
        if placed[after] - placed[before] < gap:
            placed[after] = placed[before] + gap
    return placed


@dataclass(frozen=True, slots=True)
class Point:
    x: float
    y: float
    value: int
    week: str


@dataclass(frozen=True, slots=True)
class Series:
    severity: str
    segments: list[str]  # SVG path data, one per run of weeks with data
    points: list[Point]
    marker: str
    dash: str
    label_y: float | None
    last: int | None


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    week: str


@dataclass(frozen=True, slots=True)
class Axis:
    x_labels: list[tuple[float, str]]
    y_ticks: list[tuple[float, int]]


@dataclass(frozen=True, slots=True)
class TrendChart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    axis: Axis
    series: list[Series]
    bars_height: int
    bars_axis: Axis
    bars: list[Bar]
    weeks: list[TrendWeek]

    @property
    def plot_right(self) -> int:
        return self.width - self.right


def _x_positions(count: int, left: int, right: int) -> list[float]:
    if count == 1:
        return [(left + right) / 2]
    step = (right - left) / (count - 1)
    return [left + n * step for n in range(count)]


def _short(week: str) -> str:
    return week.split("-")[1]


def trend_chart(weeks: list[TrendWeek], width: int = 760, height: int = 250) -> TrendChart:
    left, right, top, bottom = 44, 120, 14, 30
    xs = _x_positions(len(weeks), left + 10, width - right - 10)
    known = [w.by_severity for w in weeks if w.by_severity is not None]
    top_value = nice_ceiling(max((max(b.values()) for b in known), default=1))
    plot_bottom = height - bottom

    def y_of(value: float) -> float:
        return round(plot_bottom - (plot_bottom - top) * value / top_value, 1)

    runs: dict[str, list[list[Point]]] = {}
    for severity in SEVERITIES:
        segments: list[list[Point]] = [[]]
        for x, week in zip(xs, weeks, strict=True):
            if week.by_severity is None:
                segments.append([])
                continue
            value = week.by_severity[severity]
            segments[-1].append(Point(round(x, 1), y_of(value), value, week.week))
        runs[severity] = [segment for segment in segments if segment]
    lasts = {s: runs[s][-1][-1] for s in SEVERITIES if runs[s]}
    label_ys = dict(zip(lasts, spread([p.y for p in lasts.values()], 14), strict=True))
    series = [
        Series(
            severity,
            ["M" + " L".join(f"{p.x} {p.y}" for p in run) for run in runs[severity]],
            [p for run in runs[severity] for p in run],
            MARKERS[severity],
            DASHES[severity],
            label_ys.get(severity),
            lasts[severity].value if severity in lasts else None,
        )
        for severity in SEVERITIES
    ]
    axis = Axis(
        [(round(x, 1), _short(w.week)) for x, w in zip(xs, weeks, strict=True)],
        [(y_of(t), t) for t in ticks(top_value)],
    )

    bars_height = 130
    resolved = [w.resolved for w in weeks if w.resolved is not None]
    bars_top = nice_ceiling(max(resolved, default=1))
    bar_bottom = bars_height - bottom
    bar_width = min(36.0, (width - left - right) / max(len(weeks), 1) * 0.6)

    def bar_y(value: float) -> float:
        return round(bar_bottom - (bar_bottom - top) * value / bars_top, 1)

    bars = [
        Bar(
            round(x - bar_width / 2, 1),
            bar_y(w.resolved),
            round(bar_width, 1),
            round(bar_bottom - bar_y(w.resolved), 1),
            w.resolved,
            w.week,
        )
        for x, w in zip(xs, weeks, strict=True)
        if w.resolved is not None
    ]
    bars_axis = Axis(axis.x_labels, [(bar_y(t), t) for t in ticks(bars_top, 2)])
    return TrendChart(
        width, height, left, right, top, bottom, axis, series, bars_height, bars_axis, bars, weeks
    )


# Capacity heat map


@dataclass(frozen=True, slots=True)
class HeatRect:
    x: int
    y: int
    team_slug: str
    team_name: str
    period: str
    band: int
    text: str
    title: str
    over: bool


@dataclass(frozen=True, slots=True)
class HeatChart:
    width: int
    height: int
    label_width: int
    cell_width: int
    cell_height: int
    columns: list[tuple[int, str]]
    groups: list[tuple[int, str]]
    labels: list[tuple[int, str, str]]
    cells: list[HeatRect]


def _cell_text(capacity: float | None, utilisation: float | None, demand: float) -> str:
    if capacity is None:
        return "—"
    if utilisation is None:
        return "over" if demand > 0 else "0%"
    return f"{utilisation * 100:.0f}%"


def _cell_title(name: str, period: str, capacity: float | None, demand: float, text: str) -> str:
    if capacity is None:
        return f"{name}, {period}: {pw(demand)} person-weeks planned, no capacity set"
    if text == "over":
        return f"{name}, {period}: {pw(demand)} person-weeks planned against a capacity of 0"
    return f"{name}, {period}: {text} of capacity ({pw(demand)} of {pw(capacity)} person-weeks)"


def heat_chart(heat: HeatMap, label_width: int = 200, cell_width: int = 86) -> HeatChart:
    cell_height, header, group = 26, 26, 24
    columns = [(label_width + n * cell_width, name) for n, name in enumerate(heat.periods)]
    y = header
    groups, labels, cells = [], [], []
    kind = None
    for team, row in heat.rows:
        if team.kind != kind:
            kind = team.kind
            groups.append((y, "Platform teams" if kind == "platform" else "Product teams"))
            y += group
        labels.append((y, team.name, team.slug))
        for (x, _period), cell in zip(columns, row, strict=True):
            text = _cell_text(cell.capacity, cell.utilisation, cell.demand)
            cells.append(
                HeatRect(
                    x,
                    y,
                    team.slug,
                    team.name,
                    cell.period,
                    cell.band,
                    text,
                    _cell_title(team.name, cell.period, cell.capacity, cell.demand, text),
                    cell.band >= OVER_BAND,
                )
            )
        y += cell_height
    return HeatChart(
        label_width + cell_width * len(columns),
        y + 4,
        label_width,
        cell_width,
        cell_height,
        columns,
        groups,
        labels,
        cells,
    )

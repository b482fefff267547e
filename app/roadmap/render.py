"""Markup that the roadmap repeats for every card, built in Python because a
large plan has thousands of cards: the cards and lines of the picture, and the
options of the Move forms' selects (one variant per current period and per
team, built once per page). Every text that comes from the plan is escaped."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from markupsafe import Markup, escape

from app.roadmap.layout import Card, Line


def options(choices: Sequence[tuple[str, str]], selected: str | None = None) -> Markup:
    return Markup("").join(
        Markup('<option value="{}"{}>{}</option>').format(
            value, Markup(" selected") if value == selected else "", label
        )
        for value, label in choices
    )


class _Variants(dict):
    """Markup variants made on first use: ``variants[key]`` in a template."""

    def __init__(self, make: Callable[[Any], Markup]) -> None:
        super().__init__()
        self._make = make

    def __missing__(self, key: Any) -> Markup:
        value = self[key] = self._make(key)
        return value


class MoveChoices:
    """The options of a card's Move form: ``periods[start]`` with its start period
    selected (None: the backlog), ``teams[slug]`` with every team but its own."""

    def __init__(self, period_names: Sequence[str], teams: Sequence[tuple[str, str]]) -> None:
        choices = [("backlog", "Backlog"), *((name, name) for name in period_names)]
        self.periods = _Variants(
            lambda start: options(choices, "backlog" if start is None else period_names[start])
        )

        def team_options(own: str) -> Markup:
            others = [(slug, name) for slug, name in teams if slug != own]
            own_name = next((name for slug, name in teams if slug == own), own)
            return Markup('<option value="">{}</option>').format(own_name) + options(others)

        self.teams = _Variants(team_options)


def _n(value: float) -> str:
    whole = int(value)
    return str(whole) if whole == value else f"{value:.1f}"


def svg_cards(
    cards: Iterable[Card],
    *,
    describe: Callable[[Card], str],
    versions: Mapping[int, int],
    team_slugs: Mapping[int, str],
    item_prefix: str,
    movable: bool,
) -> Markup:
    """Each card as a link to its item: body, health stripe, key line, title,
    conflict badge, and the data the drag-and-drop module reads."""
    parts = []
    extra = " movable" if movable else ""
    for card in cards:
        spec = card.spec
        words = escape(describe(card))
        x, y, w, h = card.x, card.y, card.width, card.height
        key, _dot, meta = card.heading.partition(" · ")
        start = "" if spec.start is None else spec.start
        end = "" if spec.end is None else spec.end
        parts.append(
            f'<a class="rm-card h-{spec.health} s-{spec.status}{extra}" '
            f'href="{escape(item_prefix + spec.key)}" id="card-{spec.id}" aria-label="{words}" '
            f'data-id="{spec.id}" data-key="{escape(spec.key)}" '
            f'data-version="{versions.get(spec.id, "")}" '
            f'data-team="{escape(team_slugs.get(spec.team_id, ""))}" '
            f'data-start="{start}" data-end="{end}"><title>{words}</title>'
            f'<rect class="body" x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" rx="4"/>'
            f'<rect class="stripe" x="{_n(x)}" y="{_n(y)}" width="5" height="{_n(h)}" rx="2"/>'
        )
        if card.cut_before:
            parts.append(f'<path class="cut" d="M{_n(x + 9)},{_n(y + h - 9)} l-4,4 l4,4 z"/>')
        if card.cut_after:
            parts.append(f'<path class="cut" d="M{_n(x + w - 5)},{_n(y + h - 9)} l4,4 l-4,4 z"/>')
        rest = f" · {escape(meta)}" if meta else ""
        parts.append(
            f'<text class="k" x="{_n(x + 11)}" y="{_n(y + 16)}">'
            f'<tspan class="key">{escape(key)}</tspan>{rest}</text>'
            f'<text class="t" x="{_n(x + 11)}" y="{_n(y + 32)}">{escape(card.title)}</text>'
        )
        if spec.badge:
            count, severity = spec.badge
            cx, cy = _n(x + w - 12), _n(y + 12)
            parts.append(
                f'<g class="rm-badge sev-{severity}"><circle cx="{cx}" cy="{cy}" r="9"/>'
                f'<text x="{cx}" y="{_n(y + 16)}">{count}</text></g>'
            )
        parts.append("</a>\n")
    return Markup("".join(parts))


def svg_lines(lines: Iterable[Line]) -> Markup:
    """Each dependency line, coloured by its kind, with the ids of its two cards."""
    return Markup(
        "".join(
            f'<path class="rm-line {line.kind}" d="{line.path}" data-from="{line.dependency_id}" '
            f'data-to="{line.dependent_id}" marker-end="url(#rm-arrow-{line.kind})"/>\n'
            for line in lines
        )
    )

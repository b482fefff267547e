"""Markup that the roadmap repeats for every card, built in Python because a page
can hold a few hundred cards: the cards, lines and stubs of the picture. Every
text that comes from the plan is escaped."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from markupsafe import Markup, escape

from app.roadmap.layout import Card, Line, Stub


def _n(value: float) -> str:
    """An SVG coordinate, in user units: 12, 12.5 (not plan wording: see app.alignment.text)."""
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
    more_stubs: Mapping[int, tuple[int, float]],
) -> Markup:
    """Each card as a link to its item (named by its ``<title>``: the key and title
    it shows, then the rest in words): body, health stripe, key line, title,
    conflict badge, and the data the drag-and-drop module reads."""
    parts = []
    extra = ' movable" aria-keyshortcuts="m' if movable else ""
    for card in cards:
        spec = card.spec
        words = escape(describe(card))
        x, y, w, h = card.x, card.y, card.width, card.height
        key, _dot, meta = card.heading.partition(" · ")
        start = "" if spec.start is None else spec.start
        end = "" if spec.end is None else spec.end
        href = escape(item_prefix + spec.key)
        parts.append(
            f'<a class="rm-card h-{spec.health} s-{spec.status}{extra}" '
            f'href="{href}" id="card-{spec.id}" '
            f'data-key="{escape(spec.key)}" '
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
            count, severity, team_level = spec.badge
            cx, cy = _n(x + w - 12), _n(y + 12)
            ring = f'<circle class="team" cx="{cx}" cy="{cy}" r="11.5"/>' if team_level else ""
            parts.append(
                f'<g class="rm-badge sev-{severity}">{ring}<circle cx="{cx}" cy="{cy}" r="9"/>'
                f'<text x="{cx}" y="{_n(y + 16)}">{count}</text></g>'
            )
        parts.append("</a>\n")
        more = more_stubs.get(spec.id)
        if more:
            count, at = more
            parts.append(
                f'<a class="rm-stub-more" href="{href}#needs-heading">'
                f"<title>{count} more links of {escape(spec.key)} to items not on this page</title>"
                f'<text x="{_n(at)}" y="{_n(y - 7)}">+{count} more</text></a>\n'
            )
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


def svg_stubs(stubs: Iterable[Stub], href: Callable[[Stub], str]) -> Markup:
    """Each stub: a tick into its card and its label, a link to the other item's
    place on the roadmap."""
    parts = []
    for stub in stubs:
        spec = stub.spec
        ends = (spec.card_id, spec.other_id)
        dependent, dependency = ends if spec.direction == "needs" else ends[::-1]
        parts.append(
            f'<a class="rm-stub {spec.kind}" href="{escape(href(stub))}" '
            f'data-from="{dependency}" data-to="{dependent}" data-card="{spec.card_id}">'
            f"<title>{escape(spec.label)}: show it on the roadmap</title>"
            f'<path d="{stub.path}"/>'
            f'<text x="{_n(stub.x)}" y="{_n(stub.y)}">{escape(stub.text)}</text></a>\n'
        )
    return Markup("".join(parts))

"""The plan's wording, said once: person-weeks, period spans, conflict types,
statuses and health, as the conflict messages, the suggestions and every page
(through the template filters of ``app/filters.py``) write them."""

from __future__ import annotations

from collections.abc import Sequence


def pw(value: float) -> str:
    """Person-weeks for people: 12, 7.5, 0.3 (never 12.0). Rounding to 1e-6 first
    keeps the last-bit noise of float sums (which depends on the order they were
    added in) out of the text."""
    text = f"{round(value, 6):.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


def percent(ratio: float) -> str:
    return f"{round(ratio * 100, 6):.0f}%"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count} {word}"


def and_list(words: Sequence[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def capped_list(words: Sequence[str], limit: int, total: int | None = None) -> str:
    """``a, b, c and 4 more``: at most ``limit`` of ``total`` (default: all) words."""
    total = len(words) if total is None else total
    if total <= limit:
        return and_list(words[:limit])
    return ", ".join(words[:limit]) + f" and {total - limit} more"


def estimate_text(value: float | None, *, short: bool = False) -> str:
    """``12 person-weeks`` (``12 pw`` when ``short``), or ``no estimate``."""
    if value is None:
        return "no estimate"
    return f"{pw(value)} {'pw' if short else 'person-weeks'}"


def period_span(start_name: str | None, end_name: str | None) -> str:
    """``2027 Q2``, ``2027 Q2–Q3``, ``2027 Q4–2028 Q1``; ``backlog`` without periods."""
    if start_name is None or end_name is None:
        return "backlog"
    if start_name == end_name:
        return start_name
    first, last = start_name.rsplit(" ", 1), end_name.rsplit(" ", 1)
    if len(first) == len(last) == 2 and first[0] == last[0]:
        return f"{start_name}–{last[1]}"
    return f"{start_name}–{end_name}"


def period_place(start_name: str | None, end_name: str | None) -> str:
    """Where an item is, inside a sentence: ``2027 Q2–Q3``, or ``the backlog``."""
    if start_name is None or end_name is None:
        return "the backlog"
    return period_span(start_name, end_name)


def span(names: Sequence[str], start: int, end: int) -> str:
    """The span of periods ``start`` to ``end`` (indexes into ``names``)."""
    return period_span(names[start], names[end])


TYPE_LABELS = {
    "schedule_violation": "Schedule violation",
    "same_period_risk": "Same-period risk",
    "unscheduled_dependency": "Unscheduled dependency",
    "cancelled_dependency": "Cancelled dependency",
    "priority_inversion": "Priority inversion",
    "uncommitted_dependency": "Uncommitted dependency",
    "over_capacity": "Over capacity",
    "platform_contention": "Platform contention",
    "at_risk_dependency": "At-risk dependency",
    "stale_status": "Stale status",
    "dependency_cycle": "Dependency cycle",
    "unestimated": "Missing estimate",
}


def _words(identifier: str) -> str:
    return identifier.replace("_", " ")


def type_label(conflict_type: str) -> str:
    """A conflict type as a heading: ``Same-period risk``."""
    return TYPE_LABELS.get(conflict_type) or _words(conflict_type).capitalize()


def type_words(conflict_type: str) -> str:
    """A conflict type inside a sentence: ``same-period risk``."""
    return type_label(conflict_type).lower()


def status_word(status: str) -> str:
    """A lifecycle status in words: ``in progress``."""
    return _words(status)


def health_word(health: str) -> str:
    """A health in words: ``at risk``."""
    return _words(health)

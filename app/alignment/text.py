"""Wording shared by the conflict messages and suggestions."""

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


def span(names: Sequence[str], start: int, end: int) -> str:
    return names[start] if start == end else f"{names[start]} to {names[end]}"

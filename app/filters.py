"""The plan's wording as Jinja filters, registered once for every template.

``{{ item.estimate|pw }}``, ``{{ item.estimate|estimate }}``, ``{{ item|period_span }}``
(anything with ``start_period`` and ``end_period``) or ``{{ start|period_span(end) }}``
(periods or their names; ``period_place`` says ``the backlog``),
``{{ c.type|type_label }}``, ``{{ item.status|status_word }}``,
``{{ item.health|health_word }}``. The words themselves are ``app.alignment.text``'s.
"""

from __future__ import annotations

from flask import Flask

from app.alignment import text

_ITEM = object()


def _name(period) -> str | None:
    return None if period is None else getattr(period, "name", period)


def _names(value, end) -> tuple[str | None, str | None]:
    if end is _ITEM:
        value, end = value.start_period, value.end_period
    return _name(value), _name(end)


def period_span(value, end=_ITEM) -> str:
    """``2027 Q2–Q3`` or ``backlog``: an item's periods, or from ``value`` to ``end``."""
    return text.period_span(*_names(value, end))


def period_place(value, end=_ITEM) -> str:
    """``2027 Q2–Q3`` or ``the backlog``, inside a sentence."""
    return text.period_place(*_names(value, end))


FILTERS = {
    "pw": text.pw,
    "estimate": text.estimate_text,
    "period_span": period_span,
    "period_place": period_place,
    "type_label": text.type_label,
    "type_words": text.type_words,
    "status_word": text.status_word,
    "health_word": text.health_word,
}


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(FILTERS)

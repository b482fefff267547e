"""One-click actions: the suggestions of app.alignment.suggestions that change a
single item in a way a person can confirm and apply as is. Each mirrors the
computation of its suggestion and carries that suggestion's text.

- a move of the dependent to the first open periods after the dependencies it
  needs by its start end;
- a pull of the dependency into the window where its team has room;
- scheduling a backlog dependency into the period where its team has room;
- raising an item to its effective priority.

A suggestion that needs judgement (freeing capacity, re-planning, a period
beyond the plan) has no action.
"""

from __future__ import annotations

from .conflict import Action
from .context import Context
from .suggestions import _ends_before, _window, dependent_start


def _move(ctx: Context, i: int, start: int, end: int, suggestion: str) -> Action:
    names = ctx.ix.period_names
    return Action(
        "move",
        ctx.ix.ids[i],
        ctx.ix.keys[i],
        suggestion,
        start=start,
        end=end,
        start_name=names[start],
        end_name=names[end],
    )


def move_dependent(ctx: Context, d: int, suggestion: str) -> Action | None:
    """See ``move_after_dependencies``: only when the whole span fits in the plan."""
    ix = ctx.ix
    first = dependent_start(ctx, d)
    if first is None:
        return None
    last = first + ix.end[d] - ix.start[d]
    if last > ix.n_periods - 1:
        return None
    return _move(ctx, d, first, last, suggestion)


def pull_dependency(
    ctx: Context, b: int, needed_by: int, same_period: bool, suggestion: str
) -> Action | None:
    """See ``suggestions.pull_dependency``."""
    found = _window(ctx, b, _ends_before(ctx, b, needed_by, same_period))
    if found is None:
        return None
    q = found[0]
    return _move(ctx, b, q - (ctx.ix.end[b] - ctx.ix.start[b]), q, suggestion)


def schedule_dependency(ctx: Context, b: int, needed_by: int, suggestion: str) -> Action | None:
    """See ``suggestions.schedule_dependency``: only when its team has room."""
    lowest = ctx.first_open_period
    ends = list(range(needed_by - 1, lowest - 1, -1))
    if needed_by >= lowest:
        ends.append(needed_by)
    found = _window(ctx, b, ends)
    if found is None:
        return None
    return _move(ctx, b, found[0], found[0], suggestion)


def raise_priority(ctx: Context, i: int, priority: int, suggestion: str) -> Action:
    return Action("raise", ctx.ix.ids[i], ctx.ix.keys[i], suggestion, priority=priority)

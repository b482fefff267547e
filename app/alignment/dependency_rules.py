"""Conflicts of one dependency edge whose dependent is active.

A done dependency satisfies its dependent whatever its periods. The needed-by
period is the edge's own, else the dependent's start period; a backlog
dependent without an explicit needed-by period has none, so its edges raise no
schedule conflict (only cancelled_dependency and uncommitted_dependency). An
item that needs itself raises only a dependency_cycle.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from . import actions
from .conflict import Action, Conflict, Text
from .context import Context
from .index import AT_RISK, CANCELLED, DONE, PROPOSED
from .snapshot import HEALTHS, PRIORITY_NAMES, STATUSES
from .suggestions import (
    move_after_dependencies,
    move_need,
    pull_dependency,
    schedule_dependency,
)
from .text import health_word, plural, status_word


def dependency_conflicts(ctx: Context) -> list[Conflict]:
    ix = ctx.ix
    found: list[Conflict] = []
    add = found.append
    status, start, end, team = ix.status, ix.start, ix.end, ix.team
    for d, b, explicit, commitment in zip(ix.src, ix.dst, ix.needed_by, ix.commitment, strict=True):
        # Most edges raise nothing, and these are passed over here, without the
        # call: a dependency done, or neither done nor cancelled, that needs no
        # commitment (see edge_conflicts) and is finished before it is needed.
        state = status[b]
        if state == DONE:
            continue
        if state != CANCELLED and (
            commitment == "committed" or status[d] == PROPOSED or team[d] == team[b]
        ):
            needed_by = start[d] if explicit is None else explicit
            if needed_by < 0 or 0 <= end[b] < needed_by:
                continue
        edge_conflicts(ctx, d, b, explicit, commitment, add)
    return found


def edge_conflicts(
    ctx: Context,
    d: int,
    b: int,
    explicit: int | None,
    commitment: str,
    add: Callable[[Conflict], object],
) -> None:
    """The conflicts of one edge "d needs b" whose dependent is active, to ``add``."""
    ix = ctx.ix
    state = ix.status[b]
    if state == DONE or d == b:
        return
    needed_by = ix.start[d] if explicit is None else explicit
    if state == CANCELLED:
        add(_cancelled(ctx, d, b, needed_by))
        return
    if commitment != "committed" and ix.status[d] != PROPOSED and ix.team[d] != ix.team[b]:
        add(_uncommitted(ctx, d, b, needed_by, commitment))
    if needed_by < 0:
        return
    finish = ix.end[b]
    if finish < 0:
        add(_unscheduled(ctx, d, b, needed_by))
    elif finish > needed_by:
        add(_violation(ctx, d, b, needed_by, explicit is not None))
    elif finish == needed_by:
        add(_same_period(ctx, d, b, needed_by, explicit is not None))


def _names(ctx: Context, d: int, b: int) -> tuple[str, str]:
    return ctx.ix.keys[d], ctx.ix.keys[b]


def _schedule_suggestions(
    ctx: Context, d: int, b: int, needed_by: int, explicit: bool, same_period: bool
) -> tuple[list[str], list[Action]]:
    move = move_need(ctx, d, b) if explicit else move_after_dependencies(ctx, d)
    pull = pull_dependency(ctx, b, needed_by, same_period)
    one_click = (
        actions.move_dependent(ctx, d, move) if move and not explicit else None,
        actions.pull_dependency(ctx, b, needed_by, same_period, pull) if pull else None,
    )
    return [s for s in (move, pull) if s], [a for a in one_click if a]


def _violation(ctx: Context, d: int, b: int, needed_by: int, explicit: bool) -> Conflict:
    ix = ctx.ix
    names = ix.period_names
    finish = ix.end[b]
    late = finish - needed_by
    level = ctx.priorities.effective[d] - (late >= ctx.settings.late_escalate_periods)
    return ctx.edge_conflict(
        "schedule_violation",
        level,
        d,
        b,
        needed_by,
        (ix.keys[d], ix.keys[b], names[needed_by], names[finish]),
        partial(_violation_text, ctx, d, b, needed_by, explicit),
    )


def _violation_text(ctx: Context, d: int, b: int, needed_by: int, explicit: bool) -> Text:
    ix = ctx.ix
    names = ix.period_names
    finish = ix.end[b]
    message = (
        f"{ctx.describe(d)} needs {ix.label(b)} by {names[needed_by]}, but "
        f"{ctx.team_of(b)} plans to finish {ix.keys[b]} in {names[finish]}, "
        f"{plural(finish - needed_by, 'period')} late."
    )
    return message, *_schedule_suggestions(ctx, d, b, needed_by, explicit, True)


def _same_period(ctx: Context, d: int, b: int, needed_by: int, explicit: bool) -> Conflict:
    ix = ctx.ix
    level = ctx.priorities.effective[d] + 1 - (ix.health[b] >= AT_RISK)
    return ctx.edge_conflict(
        "same_period_risk",
        level,
        d,
        b,
        needed_by,
        (ix.keys[d], ix.keys[b], ix.period_names[needed_by]),
        partial(_same_period_text, ctx, d, b, needed_by, explicit),
    )


def _same_period_text(ctx: Context, d: int, b: int, needed_by: int, explicit: bool) -> Text:
    ix = ctx.ix
    health = ix.health[b]
    message = (
        f"{ctx.describe(d)} needs {ix.label(b)} by {ix.period_names[needed_by]}, and "
        f"{ctx.team_of(b)} plans to finish {ix.keys[b]} in that same period: "
        f"any slip delays {ix.keys[d]}."
    )
    if health >= AT_RISK:
        message += f" {ix.keys[b]} is already {health_word(HEALTHS[health])}."
    return message, *_schedule_suggestions(ctx, d, b, needed_by, explicit, False)


def _unscheduled(ctx: Context, d: int, b: int, needed_by: int) -> Conflict:
    ix = ctx.ix
    return ctx.edge_conflict(
        "unscheduled_dependency",
        ctx.priorities.effective[d],
        d,
        b,
        needed_by,
        (ix.keys[d], ix.keys[b], ix.period_names[needed_by]),
        partial(_unscheduled_text, ctx, d, b, needed_by),
    )


def _unscheduled_text(ctx: Context, d: int, b: int, needed_by: int) -> Text:
    ix = ctx.ix
    message = (
        f"{ctx.describe(d)} needs {ix.label(b)} by {ix.period_names[needed_by]}, but "
        f"{ctx.team_of(b)} has not scheduled {ix.keys[b]}."
    )
    schedule = schedule_dependency(ctx, d, b, needed_by)
    one_click = actions.schedule_dependency(ctx, b, needed_by, schedule)
    return message, [schedule], [one_click] if one_click else []


def _cancelled(ctx: Context, d: int, b: int, needed_by: int) -> Conflict:
    ix = ctx.ix
    return ctx.edge_conflict(
        "cancelled_dependency",
        ctx.priorities.effective[d],
        d,
        b,
        needed_by if needed_by >= 0 else None,
        (ix.keys[d], ix.keys[b]),
        partial(_cancelled_text, ctx, d, b),
    )


def _cancelled_text(ctx: Context, d: int, b: int) -> Text:
    dk, bk = _names(ctx, d, b)
    message = f"{ctx.describe(d)} needs {ctx.ix.label(b)}, which {ctx.team_of(b)} has cancelled."
    suggestions = [
        f"Find a replacement for {bk} and make {dk} need it instead",
        f"Or cancel or descope {dk}, which cannot ship without {bk}",
    ]
    return message, suggestions, []


def _uncommitted(ctx: Context, d: int, b: int, needed_by: int, commitment: str) -> Conflict:
    ix = ctx.ix
    return ctx.edge_conflict(
        "uncommitted_dependency",
        ctx.priorities.effective[d] + (commitment != "declined"),
        d,
        b,
        needed_by if needed_by >= 0 else None,
        (ix.keys[d], ix.keys[b], commitment),
        partial(_uncommitted_text, ctx, d, b, commitment),
    )


def _uncommitted_text(ctx: Context, d: int, b: int, commitment: str) -> Text:
    ix = ctx.ix
    dk, bk = _names(ctx, d, b)
    team = ctx.team_of(b)
    head = f"{ctx.describe(d)} is {status_word(STATUSES[ix.status[d]])}, but {team}"
    if commitment == "declined":
        message = f"{head} has declined {ix.label(b)}, which {dk} needs."
        suggestions = [
            f"Re-plan {dk} without {bk}",
            f"Or take it to leadership: {dk} is "
            f"{PRIORITY_NAMES[ctx.priorities.effective[d]]} and {team} declined {bk}",
        ]
    else:
        message = (
            f"{head} has not committed to {ix.label(b)}, which {dk} needs: "
            "the request is still open."
        )
        suggestions = [
            f"Ask {team} to commit to {bk} for {dk}",
            f"Or move {dk} back to proposed until {team} commits",
        ]
    return message, suggestions, []

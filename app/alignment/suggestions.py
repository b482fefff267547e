"""Computed resolutions: which period to move to, which team has room, what to move out.

Nothing is ever suggested into a period that has already ended.
"""

from __future__ import annotations

from .context import Context
from .index import COMMITTED, IN_PROGRESS, PROPOSED
from .ledger import EPSILON
from .snapshot import PRIORITY_NAMES
from .text import and_list, pw, span


def start_needs(ctx: Context) -> list[list[int]]:
    """Per dependent, the dependencies it needs by its start period: those without
    an explicit needed-by period. Only these hold back the dependent's start; one
    with its own needed-by period is met by that period, wherever the dependent
    starts. Worked out on first use and kept."""
    if ctx.start_needs is None:
        ix = ctx.ix
        needs: list[list[int]] = [[] for _ in range(ix.n)]
        for d, b, explicit in zip(ix.src, ix.dst, ix.needed_by, strict=True):
            if explicit is None:
                needs[d].append(b)
        ctx.start_needs = needs
    return ctx.start_needs


def _latest_start_need(ctx: Context, d: int) -> int:
    """The latest end period of the active, scheduled dependencies that ``d`` needs
    by its start; -1 for none."""
    status, end = ctx.ix.status, ctx.ix.end
    return max((end[b] for b in start_needs(ctx)[d] if status[b] <= IN_PROGRESS), default=-1)


def dependent_start(ctx: Context, d: int) -> int | None:
    """The first period the scheduled dependent ``d`` can start in: after every
    active, scheduled dependency it needs by its start ends, and not yet over.
    None when it needs none of those (or is unscheduled); ``n_periods`` or more
    when no period of the plan is left."""
    latest = _latest_start_need(ctx, d)
    if latest < 0 or ctx.ix.start[d] < 0:
        return None
    return max(latest + 1, ctx.first_open_period)


def move_after_dependencies(ctx: Context, d: int) -> str | None:
    """Move the dependent to the first open period after the dependencies it needs by
    its start end, keeping its span. The same for each of its conflicts."""
    if d not in ctx.moves:
        ctx.moves[d] = _move_after_dependencies(ctx, d)
    return ctx.moves[d]


def _move_after_dependencies(ctx: Context, d: int) -> str | None:
    first = dependent_start(ctx, d)
    if first is None:
        return None
    ix = ctx.ix
    names, last = ix.period_names, ix.n_periods - 1
    key = ix.keys[d]
    if ctx.first_open_period > last:
        return f"Move {key} beyond the last planned period: every period of the plan has ended"
    if first > last:
        return (
            f"Move {key} beyond {names[last]}, the last planned period: its dependencies end there"
        )
    if first > _latest_start_need(ctx, d) + 1:
        why = (
            "the first period that has not ended; "
            "the dependencies it needs by its start end before it"
        )
    elif any(ix.end[b] >= first for b in ix.adj[d] if ix.status[b] <= IN_PROGRESS):
        why = "the first period after the dependencies it needs by its start end"
    else:
        why = "the first period after all its dependencies end"
    length = ix.end[d] - ix.start[d] + 1
    if first + length - 1 > last:
        return (
            f"Move {key} to start in {names[first]} ({why}); "
            f"its {length} periods run beyond {names[last]}"
        )
    return f"Move {key} to {span(names, first, first + length - 1)} ({why})"


def move_need(ctx: Context, d: int, b: int) -> str:
    """For an explicit needed-by period: push it back to the first open period after
    the dependency ends."""
    ix = ctx.ix
    names, after = ix.period_names, ix.end[b] + 1
    first = max(after, ctx.first_open_period)
    head = f"Move the needed-by period of {ix.keys[d]} for {ix.keys[b]}"
    if ctx.first_open_period >= ix.n_periods:
        return f"{head} beyond the last planned period: every period of the plan has ended"
    if first >= ix.n_periods:
        return f"{head} beyond {names[-1]}, the last planned period"
    if first > after:
        return (
            f"{head} to {names[first]} "
            f"(the first period that has not ended; {ix.keys[b]} ends before it)"
        )
    return f"{head} to {names[first]} (the first period after {ix.keys[b]} ends)"


def _room(ctx: Context, team: int, frees: list[float | None]) -> str:
    name = ctx.ix.team_name[team]
    known = [f for f in frees if f is not None]
    if not known:
        return f"{name} has no capacity limit set"
    if len(frees) == 1:
        return f"{name} has {pw(known[0])} person-weeks free there"
    return f"{name} has at least {pw(min(known))} person-weeks free in each"


def _window(ctx: Context, b: int, ends: list[int]) -> tuple[int, list[float | None]] | None:
    """The first of ``ends`` where ``b``'s team has room for ``b`` in every period
    of ``b``'s span ending there, with the free capacity of those periods."""
    ix, ledger = ctx.ix, ctx.ledger
    s0, e0 = ix.start[b], ix.end[b]
    length = e0 - s0 + 1 if s0 >= 0 else 1
    share = ledger.share[b] if s0 >= 0 else (ix.estimate[b] or 0.0)
    team = ix.team[b]
    for q in ends:
        frees: list[float | None] = []
        for p in range(q - length + 1, q + 1):
            free = ledger.free(team, p)
            if free is not None:
                if s0 <= p <= e0:
                    free += share
                if free + EPSILON < share:
                    break
            frees.append(free)
        else:
            return q, frees
    return None


def _ends_before(ctx: Context, b: int, needed_by: int, same_period: bool) -> list[int]:
    """Candidate end periods, latest first: before the needed-by period, and the
    needed-by period itself last when ``same_period``; none in the past."""
    ix = ctx.ix
    length = ix.end[b] - ix.start[b] + 1 if ix.start[b] >= 0 else 1
    lowest = ctx.first_open_period + length - 1
    ends = list(range(needed_by - 1, lowest - 1, -1))
    if same_period and needed_by >= lowest:
        ends.append(needed_by)
    return ends


def pull_dependency(ctx: Context, b: int, needed_by: int, same_period: bool) -> str | None:
    """Pull the dependency into the latest earlier window where its team has room."""
    found = _window(ctx, b, _ends_before(ctx, b, needed_by, same_period))
    if found is None:
        return None
    q, frees = found
    ix = ctx.ix
    length = ix.end[b] - ix.start[b] + 1
    where = span(ix.period_names, q - length + 1, q)
    slack = " (the needed-by period itself, so with no slack)" if q == needed_by else ""
    return f"Pull {ix.keys[b]} into {where}{slack}: {_room(ctx, ix.team[b], frees)}"


def schedule_dependency(ctx: Context, d: int, b: int, needed_by: int) -> str:
    """Schedule an unscheduled dependency to end by the needed-by period."""
    ix, key = ctx.ix, ctx.ix.keys[b]
    lowest = ctx.first_open_period
    ends = list(range(needed_by - 1, lowest - 1, -1))
    if needed_by >= lowest:
        ends.append(needed_by)
    found = _window(ctx, b, ends)
    names, team = ix.period_names, ix.team[b]
    if found is not None:
        q, frees = found
        slack = " (the needed-by period itself, so with no slack)" if q == needed_by else ""
        return f"Schedule {key} in {names[q]}{slack}: {_room(ctx, team, frees)}"
    if ends:
        q = ends[0]
        short = (ix.estimate[b] or 0.0) - (ctx.ledger.free(team, q) or 0.0)
        return (
            f"Schedule {key} in {names[q]} and free {pw(short)} person-weeks of "
            f"{ix.team_name[team]} there for it"
        )
    return f"Schedule {key} as early as possible and move {ix.keys[d]} to after it ends"


def relieve(ctx: Context, slot: int, excess: float) -> str | None:
    """The fewest lowest-priority items whose move out of the period frees the
    excess: lowest effective priority first, then the largest share first.
    Only proposed and committed items move; work in progress and done work stay."""
    ix, ledger = ctx.ix, ctx.ledger
    eff, share, status = ctx.priorities.effective, ledger.share, ix.status
    team, period = divmod(slot, ledger.n_periods)
    candidates = [
        i for i in ledger.items_in(slot) if status[i] in (PROPOSED, COMMITTED) and share[i] > 0
    ]
    keys = ix.keys
    candidates.sort(key=lambda i: (-eff[i], -share[i], keys[i]))
    moved: list[int] = []
    freed = 0.0
    for i in candidates:
        if freed + EPSILON >= excess:
            break
        moved.append(i)
        freed += share[i]
    if not moved:
        return None
    names = ix.period_names
    levels = {eff[i] for i in moved}
    if len(levels) == 1:
        what = f"{and_list([ix.keys[i] for i in moved])} ({PRIORITY_NAMES[levels.pop()]})"
    else:
        what = and_list([ctx.ref(i) for i in moved])
    text = f"Move {what} out of {names[period]} to free {pw(freed)} person-weeks"
    if freed + EPSILON < excess:
        text += f", {pw(excess - freed)} short of the {pw(excess)} needed"
    for later in range(max(period + 1, ctx.first_open_period), ledger.n_periods):
        free = ledger.free(team, later)
        if free is None:
            return f"{text}; {names[later]} has no capacity limit"
        if free + EPSILON >= freed:
            return f"{text}; {names[later]} has {pw(free)} person-weeks free"
    return f"{text}; no later period has that much room"


def raise_capacity(ctx: Context, slot: int, verb: str) -> str:
    team, period = divmod(slot, ctx.ledger.n_periods)
    return (
        f"{verb} {ctx.ix.team_name[team]}'s capacity in {ctx.ix.period_names[period]} "
        f"to {pw(ctx.ledger.demand[slot])} person-weeks"
    )

"""Conflicts of one active item: priority_inversion, at_risk_dependency,
stale_status and unestimated; and dependency_cycle, one per cycle."""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise

from .actions import raise_priority
from .conflict import Conflict
from .context import Context
from .index import AT_RISK, COMMITTED, IN_PROGRESS
from .snapshot import HEALTHS, PRIORITY_NAMES
from .text import and_list, capped_list, plural, pw, span


def priority_inversions(ctx: Context) -> list[Conflict]:
    ix, pr = ctx.ix, ctx.priorities
    eff = pr.effective
    found = []
    rows = zip(ix.active, eff, ix.prio, strict=True)
    inverted = [i for i, (active, e, own) in enumerate(rows) if active and e < own]
    for i in inverted:
        e, own = eff[i], ix.prio[i]
        chain = pr.chain(i)
        setter = chain[-1]
        through = chain[1:-1]
        how = f"through {and_list([ix.keys[c] for c in through])}" if through else "directly"
        message = (
            f"{ix.label(i)} ({ctx.team_of(i)}) is {PRIORITY_NAMES[own]}, but "
            f"{ctx.team_of(setter)}'s {ctx.ref(setter)} needs it {how}, "
            f"so its effective priority is {PRIORITY_NAMES[e]}."
        )
        needs = " needs ".join(ix.keys[c] for c in reversed(chain))
        suggestion = f"Raise {ix.keys[i]} to {PRIORITY_NAMES[e]} ({needs})"
        gap = own - e
        found.append(
            ctx.conflict(
                "priority_inversion",
                e + 1 - (gap >= ctx.settings.inversion_escalate_gap),
                chain,
                (ix.team[c] for c in chain),
                None,
                message,
                [suggestion],
                (ix.keys[i], PRIORITY_NAMES[e]),
                [raise_priority(ctx, i, e, suggestion)],
            )
        )
    return found


def at_risk_dependencies(ctx: Context) -> list[Conflict]:
    ix, pr = ctx.ix, ctx.priorities
    eff, prio, radj, keys = pr.effective, ix.prio, ix.radj, ix.keys
    limit = ctx.settings.list_limit
    found = []
    rows = zip(ix.active, ix.health, radj, strict=True)
    troubled = [
        i for i, (active, health, needed) in enumerate(rows) if active and health and needed
    ]
    for i in troubled:
        health = ix.health[i]
        blast = pr.blast_radius(i)
        if not blast:
            continue
        harmed = min(eff[u] for u in radj[i] if u != i)
        state = HEALTHS[health].replace("_", " ")
        count = "1 active item needs" if len(blast) == 1 else f"{len(blast)} active items need"
        listed = [f"{keys[u]} ({PRIORITY_NAMES[prio[u]]})" for u in blast[:limit]]
        message = (
            f"{ctx.describe(i)} is {state}, and {count} it directly or through "
            f"a chain: {capped_list(listed, limit, len(blast))}."
        )
        teams = [ix.team[i], *map(ix.team.__getitem__, blast)]
        others = [ix.team_name[t] for t in dict.fromkeys(teams[1:]) if t != teams[0]]
        suggestions = [
            f"Agree a recovery plan for {keys[i]} with {ctx.team_of(i)} before it holds up "
            f"{listed[0]}"
        ]
        if others:
            suggestions.append(f"Warn {capped_list(others, limit)} that {keys[i]} is {state}")
        found.append(
            ctx.conflict(
                "at_risk_dependency",
                harmed + (health == AT_RISK),
                (i, *blast),
                teams,
                None,
                message,
                suggestions,
                (keys[i], HEALTHS[health]),
            )
        )
    return found


def stale_statuses(ctx: Context) -> list[Conflict]:
    """In progress, or committed with a start period that has begun, and no status
    update (or, with none, no creation) within the cadence."""
    ix, settings = ctx.ix, ctx.settings
    eff, start, items, periods = ctx.priorities.effective, ix.start, ix.items, ix.periods
    now, today = ctx.now, ctx.today
    limit = now - timedelta(days=settings.cadence_days)
    begun = sum(1 for period in periods if period.start <= today)
    rows = zip(ix.status, start, strict=True)
    running = [
        i
        for i, (state, s) in enumerate(rows)
        if state == IN_PROGRESS or (state == COMMITTED and 0 <= s < begun)
    ]
    found = []
    for i in running:
        state = ix.status[i]
        item = items[i]
        last = item.last_update_at or item.created_at
        if last >= limit:
            continue
        days = (now - last).days
        harmed = eff[i]
        level = harmed + 1 if harmed <= settings.escalate_priority else 3
        if days >= settings.stale_escalate_days:
            level -= 1
        state_word = "in progress" if state == IN_PROGRESS else "committed"
        message = (
            f"{ctx.describe(i)} is {state_word} and has had no status update for "
            f"{plural(days, 'day')} (the cadence is {plural(settings.cadence_days, 'day')})."
        )
        if harmed <= settings.escalate_priority and harmed < ix.prio[i]:
            message += f" {ctx.ref(ctx.priorities.chain(i)[-1])} needs it."
        since = (
            "the last one was"
            if item.last_update_at
            else "there has been none since it was created"
        )
        found.append(
            ctx.conflict(
                "stale_status",
                level,
                (i,),
                (ix.team[i],),
                None,
                message,
                [
                    f"Ask {ctx.team_of(i)} for a status update on {ix.keys[i]}: "
                    f"{since} {plural(days, 'day')} ago"
                ],
                (ix.keys[i], last.isoformat()),
            )
        )
    return found


def unestimated(ctx: Context) -> list[Conflict]:
    ix, ledger, settings = ctx.ix, ctx.ledger, ctx.settings
    eff, names = ctx.priorities.effective, ix.period_names
    found = []
    rows = zip(ix.active, ix.start, ix.estimate, strict=True)
    missing = [i for i, (active, s, e) in enumerate(rows) if active and s >= 0 and e is None]
    for i in missing:
        s = ix.start[i]
        where = span(names, s, ix.end[i])
        team = ctx.team_of(i)
        message = (
            f"{ctx.describe(i)} is scheduled for {where} but has no estimate, "
            f"so {team}'s capacity figures there are incomplete."
        )
        suggestion = f"Add an estimate in person-weeks to {ix.keys[i]}"
        free = ledger.free(ix.team[i], s)
        if free is not None and free > 0:
            suggestion += f" ({team} has {pw(free)} person-weeks free in {names[s]})"
        elif free is not None:
            suggestion += f" ({team} is already {pw(-free)} person-weeks over in {names[s]})"
        found.append(
            ctx.conflict(
                "unestimated",
                2 if eff[i] <= settings.escalate_priority else 3,
                (i,),
                (ix.team[i],),
                s,
                message,
                [suggestion],
                (ix.keys[i],),
            )
        )
    return found


def _loop(ctx: Context, members: list[int]) -> list[int]:
    """A shortest loop ``[m, ..., m]`` through the first member, inside the cycle."""
    adj = ctx.ix.adj
    inside = set(members)
    first = members[0]
    parent = {first: first}
    frontier = [first]
    while frontier:
        following = []
        for u in frontier:
            for v in sorted(adj[u], key=ctx.ix.keys.__getitem__):
                if v == first:
                    path = [u]
                    while path[-1] != first:
                        path.append(parent[path[-1]])
                    return [*reversed(path), first]
                if v in inside and v not in parent:
                    parent[v] = u
                    following.append(v)
        frontier = following
    return [first, first]


def dependency_cycles(ctx: Context) -> list[Conflict]:
    ix, eff = ctx.ix, ctx.priorities.effective
    keys = ix.keys
    found = []
    for members in ctx.priorities.cycles:
        loop = _loop(ctx, members)
        arrows = " -> ".join(keys[i] for i in loop)
        if len(loop) == 2:
            head = f"{keys[loop[0]]} needs itself: {arrows}."
        else:
            head = f"{and_list([keys[i] for i in loop[:-1]])} need each other in a loop: {arrows}."
        message = f"{head} The plan is contradictory: none of them can be finished first."
        if len(members) > len(loop) - 1:
            message += f" {plural(len(members), 'item')} in all are caught in loops."
        edges = [f"{keys[a]} needs {keys[b]}" for a, b in pairwise(loop)]
        found.append(
            ctx.conflict(
                "dependency_cycle",
                min(1, *(eff[i] for i in members)),
                (*loop[:-1], *members),
                (ix.team[i] for i in (*loop[:-1], *members)),
                None,
                message,
                [f"Remove one of these dependencies: {'; '.join(edges)}"],
                sorted(keys[i] for i in members),
            )
        )
    return found

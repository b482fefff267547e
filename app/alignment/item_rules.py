"""Conflicts of one active item: priority_inversion, at_risk_dependency,
stale_status and unestimated; and dependency_cycle, one per cycle."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial
from itertools import pairwise

from .actions import raise_priority
from .conflict import Conflict, Text
from .context import Context
from .index import AT_RISK, COMMITTED, IN_PROGRESS
from .snapshot import HEALTHS, PRIORITY_NAMES
from .text import and_list, capped_list, health_word, plural, pw, span


def priority_inversions(ctx: Context) -> list[Conflict]:
    ix, pr = ctx.ix, ctx.priorities
    eff, prio, keys, team = pr.effective, ix.prio, ix.keys, ix.team
    escalate = ctx.settings.inversion_escalate_gap
    found = []
    rows = zip(ix.active, eff, prio, strict=True)
    inverted = [i for i, (active, e, own) in enumerate(rows) if active and e < own]
    for i in inverted:
        e = eff[i]
        chain = pr.chain(i)
        found.append(
            ctx.conflict(
                "priority_inversion",
                e + 1 - (prio[i] - e >= escalate),
                chain,
                [team[c] for c in chain],
                None,
                (keys[i], PRIORITY_NAMES[e]),
                partial(_inversion_text, ctx, i, chain),
            )
        )
    return found


def item_conflicts(ctx: Context, i: int, found: list[Conflict]) -> None:
    """The conflicts of one item of these four rules (priority_inversion,
    at_risk_dependency, stale_status, unestimated), as the whole-plan rules
    find them."""
    ix, pr, settings = ctx.ix, ctx.priorities, ctx.settings
    if not ix.active[i]:
        return
    e = pr.effective[i]
    if e < ix.prio[i]:
        chain = pr.chain(i)
        found.append(
            ctx.conflict(
                "priority_inversion",
                e + 1 - (ix.prio[i] - e >= settings.inversion_escalate_gap),
                chain,
                [ix.team[c] for c in chain],
                None,
                (ix.keys[i], PRIORITY_NAMES[e]),
                partial(_inversion_text, ctx, i, chain),
            )
        )
    if ix.health[i] and ix.radj[i]:
        _at_risk(ctx, i, found)
    begun = sum(1 for period in ix.periods if period.start <= ctx.today)
    state, s = ix.status[i], ix.start[i]
    if state == IN_PROGRESS or (state == COMMITTED and 0 <= s < begun):
        _stale(ctx, i, ctx.now - timedelta(days=settings.cadence_days), found)
    if s >= 0 and ix.estimate[i] is None:
        _unestimated(ctx, i, found)


def _inversion_text(ctx: Context, i: int, chain: list[int]) -> Text:
    ix = ctx.ix
    e, own = ctx.priorities.effective[i], ix.prio[i]
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
    return message, [suggestion], [raise_priority(ctx, i, e, suggestion)]


class BlastRadius:
    """The items of an at_risk_dependency: the item, then its blast radius, searched
    only when listed. Whether an item or team is involved is a search along the
    needs from that item or team, shared by every at-risk item asked about."""

    def __init__(self, ctx: Context, i: int) -> None:
        self.ctx = ctx
        self.i = i

    def resolve(self) -> tuple[list[str], list[str], list[int], list[int]]:
        ix = self.ctx.ix
        items = [self.i, *self.ctx.priorities.blast_radius(self.i)]
        teams = list(dict.fromkeys(map(ix.team.__getitem__, items)))
        return (
            list(map(ix.keys.__getitem__, items)),
            list(map(ix.team_slug.__getitem__, teams)),
            list(map(ix.ids.__getitem__, items)),
            list(map(ix.team_ids.__getitem__, teams)),
        )

    def has_item(self, item_id: int) -> bool:
        ix, i = self.ctx.ix, self.i
        u = ix.pos.get(item_id)
        return u is not None and (u == i or i in self.ctx.priorities.reach((u,)))

    def has_team(self, slug: str) -> bool:
        ix, i = self.ctx.ix, self.i
        if ix.team_slug[ix.team[i]] == slug:
            return True
        members = self.ctx.team_members(slug)
        return bool(members) and i in self.ctx.priorities.reach(members)


def at_risk_dependencies(ctx: Context) -> list[Conflict]:
    """One per active item at risk or off track that another active item needs; its
    blast radius is listed only when its items are read (see BlastRadius)."""
    ix = ctx.ix
    found: list[Conflict] = []
    rows = zip(ix.active, ix.health, ix.radj, strict=True)
    troubled = [
        i for i, (active, health, needed) in enumerate(rows) if active and health and needed
    ]
    for i in troubled:
        _at_risk(ctx, i, found)
    return found


def _at_risk(ctx: Context, i: int, found: list[Conflict]) -> None:
    ix, eff = ctx.ix, ctx.priorities.effective
    health = ix.health[i]
    harmed = min((eff[u] for u in ix.radj[i] if u != i), default=None)
    if harmed is None:
        return
    found.append(
        ctx.item_conflict(
            "at_risk_dependency",
            harmed + (health == AT_RISK),
            i,
            None,
            (ix.keys[i], HEALTHS[health]),
            partial(_at_risk_text, ctx, i),
            BlastRadius(ctx, i),
        )
    )


def _at_risk_text(ctx: Context, i: int) -> Text:
    ix = ctx.ix
    prio, keys = ix.prio, ix.keys
    blast = ctx.priorities.blast_radius(i)
    limit = ctx.settings.list_limit
    state = health_word(HEALTHS[ix.health[i]])
    count = "1 active item needs" if len(blast) == 1 else f"{len(blast)} active items need"
    listed = [f"{keys[u]} ({PRIORITY_NAMES[prio[u]]})" for u in blast[:limit]]
    message = (
        f"{ctx.describe(i)} is {state}, and {count} it directly or through "
        f"a chain: {capped_list(listed, limit, len(blast))}."
    )
    own = ix.team[i]
    others = [ix.team_name[t] for t in dict.fromkeys(map(ix.team.__getitem__, blast)) if t != own]
    suggestions = [
        f"Agree a recovery plan for {keys[i]} with {ctx.team_of(i)} before it holds up {listed[0]}"
    ]
    if others:
        suggestions.append(f"Warn {capped_list(others, limit)} that {keys[i]} is {state}")
    return message, suggestions, []


def stale_statuses(ctx: Context) -> list[Conflict]:
    """In progress, or committed with a start period that has begun, and no status
    update (or, with none, no creation) within the cadence."""
    ix, settings = ctx.ix, ctx.settings
    start, periods, today = ix.start, ix.periods, ctx.today
    limit = ctx.now - timedelta(days=settings.cadence_days)
    begun = sum(1 for period in periods if period.start <= today)
    rows = zip(ix.status, start, strict=True)
    running = [
        i
        for i, (state, s) in enumerate(rows)
        if state == IN_PROGRESS or (state == COMMITTED and 0 <= s < begun)
    ]
    found: list[Conflict] = []
    for i in running:
        _stale(ctx, i, limit, found)
    return found


def _stale(ctx: Context, i: int, limit: datetime, found: list[Conflict]) -> None:
    ix, settings = ctx.ix, ctx.settings
    item = ix.items[i]
    last = item.last_update_at or item.created_at
    if last >= limit:
        return
    harmed = ctx.priorities.effective[i]
    level = harmed + 1 if harmed <= settings.escalate_priority else 3
    if (ctx.now - last).days >= settings.stale_escalate_days:
        level -= 1
    found.append(
        ctx.item_conflict(
            "stale_status",
            level,
            i,
            None,
            (ix.keys[i], last.isoformat()),
            partial(_stale_text, ctx, i, last),
        )
    )


def _stale_text(ctx: Context, i: int, last: datetime) -> Text:
    ix, settings = ctx.ix, ctx.settings
    days = (ctx.now - last).days
    harmed = ctx.priorities.effective[i]
    state_word = "in progress" if ix.status[i] == IN_PROGRESS else "committed"
    message = (
        f"{ctx.describe(i)} is {state_word} and has had no status update for "
        f"{plural(days, 'day')} (the cadence is {plural(settings.cadence_days, 'day')})."
    )
    if harmed <= settings.escalate_priority and harmed < ix.prio[i]:
        message += f" {ctx.ref(ctx.priorities.chain(i)[-1])} needs it."
    since = (
        "the last one was"
        if ix.items[i].last_update_at
        else "there has been none since it was created"
    )
    suggestion = (
        f"Ask {ctx.team_of(i)} for a status update on {ix.keys[i]}: "
        f"{since} {plural(days, 'day')} ago"
    )
    return message, [suggestion], []


def unestimated(ctx: Context) -> list[Conflict]:
    ix = ctx.ix
    found: list[Conflict] = []
    rows = zip(ix.active, ix.start, ix.estimate, strict=True)
    missing = [i for i, (active, s, e) in enumerate(rows) if active and s >= 0 and e is None]
    for i in missing:
        _unestimated(ctx, i, found)
    return found


def _unestimated(ctx: Context, i: int, found: list[Conflict]) -> None:
    ix, eff = ctx.ix, ctx.priorities.effective
    found.append(
        ctx.item_conflict(
            "unestimated",
            2 if eff[i] <= ctx.settings.escalate_priority else 3,
            i,
            ix.start[i],
            (ix.keys[i],),
            partial(_unestimated_text, ctx, i),
        )
    )


def _unestimated_text(ctx: Context, i: int) -> Text:
    ix, names = ctx.ix, ctx.ix.period_names
    s = ix.start[i]
    where = span(names, s, ix.end[i])
    team = ctx.team_of(i)
    message = (
        f"{ctx.describe(i)} is scheduled for {where} but has no estimate, "
        f"so {team}'s capacity figures there are incomplete."
    )
    suggestion = f"Add an estimate in person-weeks to {ix.keys[i]}"
    free = ctx.ledger.free(ix.team[i], s)
    if free is not None and free > 0:
        suggestion += f" ({team} has {pw(free)} person-weeks free in {names[s]})"
    elif free is not None:
        suggestion += f" ({team} is already {pw(-free)} person-weeks over in {names[s]})"
    return message, [suggestion], []


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
        found.append(
            ctx.conflict(
                "dependency_cycle",
                min(1, *(eff[i] for i in members)),
                (*loop[:-1], *members),
                (ix.team[i] for i in (*loop[:-1], *members)),
                None,
                sorted(keys[i] for i in members),
                partial(_cycle_text, keys, members, loop),
            )
        )
    return found


def _cycle_text(keys: list[str], members: list[int], loop: list[int]) -> Text:
    arrows = " -> ".join(keys[i] for i in loop)
    if len(loop) == 2:
        head = f"{keys[loop[0]]} needs itself: {arrows}."
    else:
        head = f"{and_list([keys[i] for i in loop[:-1]])} need each other in a loop: {arrows}."
    message = f"{head} The plan is contradictory: none of them can be finished first."
    if len(members) > len(loop) - 1:
        message += f" {plural(len(members), 'item')} in all are caught in loops."
    edges = [f"{keys[a]} needs {keys[b]}" for a, b in pairwise(loop)]
    return message, [f"Remove one of these dependencies: {'; '.join(edges)}"], []

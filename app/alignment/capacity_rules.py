"""over_capacity and platform_contention, one per team and period at most."""

from __future__ import annotations

from functools import partial

from .conflict import Conflict, Text
from .context import Context
from .ledger import EPSILON
from .settings import Settings
from .snapshot import PRIORITY_NAMES
from .suggestions import raise_capacity, relieve
from .text import capped_list, percent, plural, pw


def ratio_level(settings: Settings, ratio: float) -> int:
    """0 at or above the critical ratio, 1 high, 2 medium, 3 below the medium ratio."""
    ratio += EPSILON
    if ratio >= settings.capacity_critical_ratio:
        return 0
    if ratio >= settings.capacity_high_ratio:
        return 1
    if ratio >= settings.capacity_medium_ratio:
        return 2
    return 3


def capacity_conflicts(ctx: Context) -> list[Conflict]:
    found: list[Conflict] = []
    for slot in ctx.ledger.over_slots():
        slot_conflicts(ctx, slot, found)
    return found


def slot_conflicts(ctx: Context, slot: int, found: list[Conflict]) -> None:
    """The conflicts of one team and period (a ledger slot) that is over capacity."""
    found.append(_over_capacity(ctx, slot))
    team = slot // ctx.ledger.n_periods
    if not ctx.ix.team_product[team]:
        contention = _contention(ctx, slot)
        if contention is not None:
            found.append(contention)


def _load(ctx: Context, slot: int) -> tuple[float, float, float]:
    capacity = ctx.ledger.capacity[slot] or 0.0
    demand = ctx.ledger.demand[slot]
    ratio = demand / capacity if capacity > 0 else float("inf")
    return capacity, demand, ratio


def _by_priority(ctx: Context, items: list[int]) -> list[int]:
    eff, keys = ctx.priorities.effective, ctx.ix.keys
    return sorted(items, key=lambda i: (eff[i], keys[i]))


def _over_capacity(ctx: Context, slot: int) -> Conflict:
    ix, ledger, settings = ctx.ix, ctx.ledger, ctx.settings
    team, period = divmod(slot, ledger.n_periods)
    share = ledger.share
    items = _by_priority(ctx, [i for i in ledger.items_in(slot) if share[i] > 0])
    eff, active = ctx.priorities.effective, ix.active
    best = min((eff[i] for i in items if active[i]), default=3)
    band = ratio_level(settings, _load(ctx, slot)[2])
    return ctx.conflict(
        "over_capacity",
        band + (best > settings.escalate_priority),
        items,
        (team,),
        period,
        (ix.team_slug[team], ix.period_names[period], f"band {band}"),
        partial(_over_capacity_text, ctx, slot),
    )


def _over_capacity_text(ctx: Context, slot: int) -> Text:
    ix = ctx.ix
    team, period = divmod(slot, ctx.ledger.n_periods)
    capacity, demand, ratio = _load(ctx, slot)
    excess = demand - capacity
    share = f" ({percent(ratio)})" if capacity > 0 else ""
    message = (
        f"{ix.team_name[team]} is over capacity in {ix.period_names[period]}: "
        f"{pw(demand)} person-weeks planned against a capacity of {pw(capacity)}{share}, "
        f"{pw(excess)} over."
    )
    move = relieve(ctx, slot, excess)
    if move:
        suggestions = [move, raise_capacity(ctx, slot, "Or raise")]
    else:
        suggestions = [raise_capacity(ctx, slot, "Raise")]
    return message, suggestions, []


def _contention(ctx: Context, slot: int) -> Conflict | None:
    """Product teams compete when their active items need the team's items in the
    period (directly or through a chain); each ranks by its best own priority."""
    ix, ledger, settings = ctx.ix, ctx.ledger, ctx.settings
    team, period = divmod(slot, ledger.n_periods)
    needs = ctx.priorities.needs
    requested = [i for i in ledger.items_in(slot) if needs[i]]
    mask = 0
    for i in requested:
        mask |= needs[i]
    # Each team's best level over the items is its best level in their union.
    competitors = ctx.priorities.teams_in(mask)
    if len(competitors) < 2:
        return None
    slugs = ix.team_slug
    ranked = sorted(competitors, key=lambda t: (competitors[t], slugs[t]))
    ratio = _load(ctx, slot)[2]
    level = max(competitors[ranked[1]], ratio_level(settings, ratio) - 1)
    return ctx.conflict(
        "platform_contention",
        level,
        _by_priority(ctx, requested),
        (team, *ranked),
        period,
        (slugs[team], ix.period_names[period], *sorted(slugs[t] for t in ranked)),
        partial(_contention_text, ctx, slot, ranked, competitors),
    )


def _contention_text(ctx: Context, slot: int, ranked: list[int], competitors: dict) -> Text:
    ix, limit = ctx.ix, ctx.settings.list_limit
    team, period = divmod(slot, ctx.ledger.n_periods)
    capacity, demand, ratio = _load(ctx, slot)
    names = [f"{ix.team_name[t]} ({PRIORITY_NAMES[competitors[t]]})" for t in ranked[:limit]]
    rivals = capped_list(names, limit, len(ranked))
    share = f"{percent(ratio)} of capacity" if capacity > 0 else "over capacity"
    where = ix.period_names[period]
    message = (
        f"{ix.team_name[team]} is at {share} in {where} ({pw(demand)} of "
        f"{pw(capacity)} person-weeks) and {plural(len(ranked), 'product team')} "
        f"compete for its work there: {rivals}."
    )
    suggestions = [
        f"Have leadership rank the needs of {rivals}: {ix.team_name[team]} can "
        f"deliver {pw(capacity)} of the {pw(demand)} person-weeks planned in {where}"
    ]
    move = relieve(ctx, slot, demand - capacity)
    if move:
        suggestions.append(f"Then {move[0].lower()}{move[1:]}")
    return message, suggestions, []

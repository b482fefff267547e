"""Rescheduling: move an item to another period (keeping its span) or team, and say
what that did to the plan's conflicts."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import select

from app.alignment import Analysis, PlanDelta
from app.alignment.diff import ConflictChanges, compare
from app.extensions import db
from app.filters import period_place
from app.models import Item, Period, Team
from app.plan_store import analyze_plan
from app.planning.operations import PlanningError, item_values, versioned


@dataclass(frozen=True, slots=True)
class MoveResult:
    item: Item
    moved: bool
    changes: ConflictChanges | None
    message: str
    after: Analysis | None = None  # the analysis with the move made (None: nothing moved)


def periods_in_order() -> list[Period]:
    return list(db.session.scalars(select(Period).order_by(Period.start_date)))


def _where(item: Item, team: Team, start: Period | None, end: Period | None) -> str:
    place = period_place(start, end)
    return f"{team.name}, {place}" if team.id != item.team_id else place


def shifted_periods(
    item: Item, start: Period | None, periods: list[Period]
) -> tuple[Period | None, Period | None]:
    """The start and end periods of ``item`` moved to begin in ``start`` (None: the
    backlog), keeping the number of periods it spans."""
    if start is None:
        return None, None
    position = {period.id: n for n, period in enumerate(periods)}
    if start.id not in position:
        raise PlanningError(f"There is no period {start.name}.", "period")
    span = 0
    if item.start_period_id is not None and item.end_period_id is not None:
        span = max(0, position[item.end_period_id] - position[item.start_period_id])
    last = position[start.id] + span
    if last >= len(periods):
        raise PlanningError(
            f"{item.key} spans {span + 1} periods: starting in {start.name} it would end "
            f"after {periods[-1].name}, the last period. Choose an earlier start, or ask "
            "an admin to add periods.",
            "period",
        )
    return start, periods[last]


def move_item(
    item: Item,
    start: Period | None,
    *,
    team: Team | None = None,
    expected_version: int | None,
    periods: list[Period] | None = None,
    before: Analysis | None = None,
) -> MoveResult:
    """Move ``item`` to begin in ``start`` (None: the backlog), keeping its span, and
    to ``team`` if given; only if it is still at ``expected_version`` (else
    StaleEdit, and nothing changes). The message says which conflicts the move
    resolved, added or changed: from the analysis before the move (``before``, or
    the plan's current one) and that analysis brought up to date by the move alone,
    with no second load of the plan. ``periods``: all of them, in order, when the
    caller already has them."""
    periods = periods if periods is not None else periods_in_order()
    new_start, new_end = shifted_periods(item, start, periods)
    team = team or item.team
    where = _where(item, team, new_start, new_end)
    moved = (
        item.start_period_id != (new_start.id if new_start else None)
        or item.end_period_id != (new_end.id if new_end else None)
        or item.team_id != team.id
    )
    if moved and before is None:
        before = analyze_plan()
    with versioned(item, expected_version, item.key, lambda: item_values(item)):
        if moved:
            item.start_period = new_start
            item.end_period = new_end
            item.team = team
    if not moved:
        return MoveResult(item, False, None, f"{item.key} is already in {where}: nothing moved.")
    after = before.updated(_moved_delta(before, item, periods))
    changes = compare(before, after)
    message = f"Moved {item.key} to {where}: {changes.text(focus=[item.key])}."
    return MoveResult(item, True, changes, message, after)


def _moved_delta(before: Analysis, item: Item, periods: list[Period]) -> PlanDelta:
    """The move of ``item`` (already made in the session) as a change to the plan
    that ``before`` analysed."""
    index = {period.id: n for n, period in enumerate(periods)}
    old = before.item(item.id)
    start = index.get(item.start_period_id) if item.start_period_id is not None else None
    end = index.get(item.end_period_id) if item.end_period_id is not None else None
    moved = replace(old, start=start, end=end, team_id=item.team_id)
    return PlanDelta(items=(moved,))

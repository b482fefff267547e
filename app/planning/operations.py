"""What planning does to the data: plain functions that mutate, flush and never commit."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import Item, Period, Team


class PlanningError(ValueError):
    """A planning change that the plan's rules refuse; the message is for the user."""


def allocate_key(team: Team, session: Session | None = None) -> str:
    """The team's next item key, e.g. PAY-13. Keys are never reused, and two
    transactions allocating at once get different numbers: the increment is one
    UPDATE ... RETURNING, which locks the team row until the transaction ends."""
    session = session or db.session
    number = session.execute(
        update(Team)
        .where(Team.id == team.id)
        .values(item_seq=Team.item_seq + 1)
        .returning(Team.item_seq)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    return f"{team.key_prefix}-{number}"


def check_periods(start: Period | None, end: Period | None) -> None:
    if (start is None) != (end is None):
        raise PlanningError("Set both the start and the end period, or neither (backlog).")
    if start is not None and end is not None and end.start_date < start.start_date:
        raise PlanningError(f"The end period {end.name} comes before the start {start.name}.")


def create_item(
    team: Team,
    *,
    title: str,
    priority: int,
    start: Period | None = None,
    end: Period | None = None,
    estimate: float | None = None,
    status: str = "proposed",
    health: str = "on_track",
    owner: str | None = None,
    description: str = "",
) -> Item:
    check_periods(start, end)
    item = Item(
        key=allocate_key(team),
        team_id=team.id,
        title=title,
        description=description,
        priority=priority,
        start_period_id=start.id if start else None,
        end_period_id=end.id if end else None,
        estimate=estimate,
        status=status,
        health=health,
        owner=owner,
    )
    db.session.add(item)
    db.session.flush()
    return item

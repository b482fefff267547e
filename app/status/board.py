"""What the weekly status pages show: each team's active items with their newest
update, whether they are stale and what depends on them.

Which items a team updates each week ("active" here): every item in progress, and
every committed or proposed item scheduled in the current period. Staleness and
blast radius come from the conflict analysis; nothing here re-derives them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from app.alignment import ACTIVE_STATUSES, PRIORITY_NAMES, Analysis
from app.alignment.snapshot import Item as PlanItem
from app.extensions import db
from app.models import Item, StatusUpdate, Team
from app.weeks import iso_week

# A stale item's rank on the managers' view: each active item that needs it,
# directly or through a chain, weighs 8 when it is P0, 4 when P1, 2 when P2, 1 when P3.
DEPENDENT_WEIGHT = (8, 4, 2, 1)


def on_week_list(item: PlanItem, current_period: int | None) -> bool:
    """Whether a team reports on this item every week."""
    if item.status == "in_progress":
        return True
    if item.status not in ("proposed", "committed") or item.start is None:
        return False
    return current_period is not None and item.start <= current_period <= item.end


def key_order(key: str) -> tuple[str, int, str]:
    """PAY-2 before PAY-10."""
    prefix, _, number = key.rpartition("-")
    return (prefix, int(number), "") if number.isdigit() else (key, 0, key)


@dataclass(frozen=True, slots=True)
class LastUpdate:
    id: int
    week: str
    health: str
    status: str
    progress: int | None
    note: str
    author: str | None
    at: datetime


@dataclass(slots=True)
class Row:
    """One item of a team's weekly list."""

    id: int
    key: str
    title: str
    team_id: int
    priority: str
    status: str
    health: str
    fresh: bool  # updated or confirmed this ISO week
    last: LastUpdate | None
    quiet_days: int  # since the newest update (with none: since creation)
    stale: str | None  # the stale_status conflict's message
    needed_by: int  # active items that need it, directly or through a chain
    highest: str | None  # the best priority among them
    weight: int  # DEPENDENT_WEIGHT summed over them

    @property
    def needs(self) -> str:
        if not self.needed_by:
            return ""
        items = "1 item" if self.needed_by == 1 else f"{self.needed_by} items"
        return f"needed by {items}, highest {self.highest}"


@dataclass(slots=True)
class TeamBoard:
    team: Team
    week: str
    rows: list[Row] = field(default_factory=list)

    @property
    def updated(self) -> int:
        return sum(row.fresh for row in self.rows)

    @property
    def percent(self) -> int:
        return 100 * self.updated // len(self.rows) if self.rows else 100

    @property
    def stale_rows(self) -> list[Row]:
        """Stale items, what depends on them most first."""
        stale = [row for row in self.rows if row.stale]
        return sorted(stale, key=lambda r: (-r.weight, r.priority, key_order(r.key)))


def _of_active_items(query, team_ids: list[int]):
    return query.join(Item, Item.id == StatusUpdate.item_id).where(
        Item.team_id.in_(team_ids), Item.status.in_(ACTIVE_STATUSES)
    )


# What the status pages show of an update, with the item it belongs to.
UPDATE_COLUMNS = (
    StatusUpdate.item_id,
    StatusUpdate.week,
    StatusUpdate.health,
    StatusUpdate.status,
    StatusUpdate.progress,
    StatusUpdate.note,
    StatusUpdate.author,
    StatusUpdate.at,
)


def newest_first(*columns):
    """A select of status update `columns` with each update's `rank` among its item's
    updates: 1 for the newest (by time, then id)."""
    rank = func.row_number().over(
        partition_by=StatusUpdate.item_id,
        order_by=(StatusUpdate.at.desc(), StatusUpdate.id.desc()),
    )
    return select(*columns, rank.label("rank"))


def newest_updates(team_ids: list[int]) -> dict[int, LastUpdate]:
    """The newest status update of each active item of these teams, in one query."""
    ranked = _of_active_items(newest_first(StatusUpdate.id, *UPDATE_COLUMNS), team_ids).subquery()
    rows = db.session.execute(select(ranked).where(ranked.c.rank == 1)).all()
    return {
        row.item_id: LastUpdate(
            row.id, row.week, row.health, row.status, row.progress, row.note, row.author, row.at
        )
        for row in rows
    }


def updated_in(week: str, team_ids: list[int]) -> set[int]:
    """The active items of these teams with a status update in `week`."""
    query = _of_active_items(select(StatusUpdate.item_id), team_ids)
    return set(db.session.scalars(query.where(StatusUpdate.week == week).distinct()))


def stale_messages(analysis: Analysis) -> dict[int, str]:
    return {c.item_ids[0]: c.message for c in analysis.conflicts if c.type == "stale_status"}


def team_boards(
    teams: list[Team], analysis: Analysis, *, with_updates: bool = True
) -> list[TeamBoard]:
    """The weekly list of each team, in the order given. Without `with_updates`
    rows leave out the newest update and only say whether there was one this week."""
    week = iso_week(analysis.now)
    boards = {team.id: TeamBoard(team, week) for team in teams}
    team_ids = list(boards)
    if with_updates:
        last = newest_updates(team_ids)
        fresh = {item_id for item_id, update in last.items() if update.week == week}
    else:
        last, fresh = {}, updated_in(week, team_ids)
    stale = stale_messages(analysis)
    current = analysis.current_period
    listed = [
        item
        for item in analysis.snapshot.items
        if item.team_id in boards and on_week_list(item, current)
    ]
    listed.sort(key=lambda item: (item.priority, key_order(item.key)))
    for item in listed:
        blast = analysis.blast_radius(item.id)
        boards[item.team_id].rows.append(
            Row(
                id=item.id,
                key=item.key,
                title=item.title,
                team_id=item.team_id,
                priority=PRIORITY_NAMES[item.priority],
                status=item.status,
                health=item.health,
                fresh=item.id in fresh,
                last=last.get(item.id),
                quiet_days=(analysis.now - (item.last_update_at or item.created_at)).days,
                stale=stale.get(item.id),
                needed_by=len(blast),
                highest=PRIORITY_NAMES[blast[0][1]] if blast else None,
                weight=sum(DEPENDENT_WEIGHT[priority] for _id, priority in blast),
            )
        )
    return list(boards.values())


def updates_in_weeks(item_ids: list[int], weeks: list[str]) -> dict[int, list]:
    """The status updates of these items written in these weeks, by item."""
    found: dict[int, list] = {item_id: [] for item_id in item_ids}
    if not item_ids:
        return found
    query = select(*UPDATE_COLUMNS).where(
        StatusUpdate.item_id.in_(item_ids), StatusUpdate.week.in_(weeks)
    )
    for update in db.session.execute(query):
        found[update.item_id].append(update)
    return found

"""What the weekly snapshots tell about the past: what slipped since a snapshot,
and say/do (committed at a period's start against done by its end) per team.

A snapshot "is at" a period's start when its ISO week contains the start day or
comes later; the snapshot at its end is the first one whose week begins after
the period ends (the current plan when there is none yet).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import aliased

from app.extensions import db
from app.models import Item, Period, SnapshotItem, Team, WeeklySnapshot
from app.weeks import monday_of

PROMISED = ("committed", "in_progress")
SAY_DO_PERIODS = 4
MISSED_SHOWN = 10


@dataclass(frozen=True, slots=True)
class SnapshotWeek:
    id: int
    week: str
    taken_at: datetime

    @property
    def monday(self) -> date:
        return monday_of(self.week) or self.taken_at.date()

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)


def snapshot_weeks() -> list[SnapshotWeek]:
    """Every snapshot, oldest first."""
    rows = db.session.execute(
        select(WeeklySnapshot.id, WeeklySnapshot.week, WeeklySnapshot.taken_at).order_by(
            WeeklySnapshot.week
        )
    )
    return [SnapshotWeek(*row) for row in rows]


def running_period(periods: list[Period], today: date) -> Period | None:
    """The period running today, else the next one to start."""
    return next((p for p in periods if p.end_date >= today), None)


def at_start(weeks: list[SnapshotWeek], period: Period) -> SnapshotWeek | None:
    return next(
        (w for w in weeks if w.sunday >= period.start_date and w.monday <= period.end_date), None
    )


def default_since(weeks: list[SnapshotWeek], periods: list[Period], today: date) -> str | None:
    """The first snapshot of the current period; else the newest before it; else none."""
    if not weeks:
        return None
    period = running_period(periods, today)
    if period is not None:
        first = at_start(weeks, period)
        if first is not None:
            return first.week
        before = [w for w in weeks if w.monday <= period.start_date]
        if before:
            return before[-1].week
    return weeks[-1].week


# What slipped


@dataclass(frozen=True, slots=True)
class Slip:
    key: str
    title: str
    priority: int
    status: str
    was: str
    now: str | None  # None: moved to the backlog
    periods_later: int | None


@dataclass(slots=True)
class TeamSlips:
    slug: str
    name: str
    kind: str
    slips: list[Slip] = field(default_factory=list)


def slipped_since(snapshot_id: int, periods: list[Period]) -> list[TeamSlips]:
    """Items whose end period is later now than in the snapshot (or that went back
    to the backlog), grouped by team (platform teams first), furthest slip first.
    One query: the comparison happens in the database."""
    order = {period.name: n for n, period in enumerate(periods)}
    was, now = aliased(Period), aliased(Period)
    rows = db.session.execute(
        select(
            Team.slug,
            Team.name,
            Team.kind,
            Item.key,
            Item.title,
            Item.priority,
            Item.status,
            was.name,
            now.name,
        )
        .select_from(SnapshotItem)
        .join(Item, Item.key == SnapshotItem.item_key)
        .join(Team, Team.id == Item.team_id)
        .join(was, was.name == SnapshotItem.end_period)
        .outerjoin(now, now.id == Item.end_period_id)
        .where(SnapshotItem.snapshot_id == snapshot_id)
        .where(or_(now.id.is_(None), now.start_date > was.start_date))
    )
    teams: dict[str, TeamSlips] = {}
    for slug, name, kind, key, title, priority, status, was_name, now_name in rows:
        later = None if now_name is None else order[now_name] - order[was_name]
        team = teams.get(slug)
        if team is None:
            team = teams[slug] = TeamSlips(slug, name, kind)
        team.slips.append(Slip(key, title, priority, status, was_name, now_name, later))
    for team in teams.values():
        team.slips.sort(key=lambda s: (s.periods_later is not None, -(s.periods_later or 0), s.key))
    return sorted(teams.values(), key=lambda t: (t.kind != "platform", t.name.lower(), t.slug))


# Say/do


@dataclass(slots=True)
class TeamSayDo:
    slug: str
    name: str
    committed: int = 0
    done: int = 0
    missed: list[str] = field(default_factory=list)

    @property
    def ratio(self) -> float | None:
        return self.done / self.committed if self.committed else None


@dataclass(frozen=True, slots=True)
class PeriodSayDo:
    period: str
    start: SnapshotWeek | None
    end: SnapshotWeek | None  # None: the current plan
    teams: list[TeamSayDo]

    @property
    def committed(self) -> int:
        return sum(t.committed for t in self.teams)

    @property
    def done(self) -> int:
        return sum(t.done for t in self.teams)


def _say_do(
    period: Period, start: SnapshotWeek, end: SnapshotWeek | None, names: dict[str, str]
) -> list[TeamSayDo]:
    if end is None:
        finished = select(Item.status).where(Item.key == SnapshotItem.item_key)
    else:
        later = aliased(SnapshotItem)
        finished = select(later.status).where(
            later.snapshot_id == end.id, later.item_key == SnapshotItem.item_key
        )
    rows = db.session.execute(
        select(SnapshotItem.team_slug, SnapshotItem.item_key, finished.scalar_subquery())
        .where(SnapshotItem.snapshot_id == start.id)
        .where(SnapshotItem.end_period == period.name)
        .where(SnapshotItem.status.in_(PROMISED))
        .order_by(SnapshotItem.team_slug, SnapshotItem.priority, SnapshotItem.item_key)
    )
    teams: dict[str, TeamSayDo] = {}
    for slug, key, status in rows:
        team = teams.get(slug)
        if team is None:
            team = teams[slug] = TeamSayDo(slug, names.get(slug, slug))
        team.committed += 1
        if status == "done":
            team.done += 1
        else:
            team.missed.append(key)
    return sorted(teams.values(), key=lambda t: (t.name.lower(), t.slug))


def say_do(periods: list[Period], weeks: list[SnapshotWeek], today: date) -> list[PeriodSayDo]:
    """Say/do of the latest finished periods, the most recent first. A period with
    no snapshot from its start has no teams."""
    finished = [p for p in periods if p.end_date < today][-SAY_DO_PERIODS:]
    names = dict(db.session.execute(select(Team.slug, Team.name)).all()) if finished else {}
    found = []
    for period in reversed(finished):
        start = at_start(weeks, period)
        end = next((w for w in weeks if w.monday > period.end_date), None)
        teams = _say_do(period, start, end, names) if start is not None else []
        found.append(PeriodSayDo(period.name, start, end, teams))
    return found

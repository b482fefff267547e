"""Weekly snapshots: the plan and its conflicts as they stood in one ISO week.

A week has at most one snapshot; taking it again replaces it. Each holds the
conflict counts (by severity, by type and by team), every conflict, their
fingerprints, and one row per item (its periods, status and health). "Resolved"
in a week counts the conflicts of the previous snapshot whose fingerprint is
gone from this one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select

from app.alignment import SEVERITIES, Analysis, Conflict, ConflictCounts
from app.extensions import db
from app.models import SnapshotItem, WeeklySnapshot
from app.weeks import last_weeks, monday_of

TREND_WEEKS = 12


def resolved_between(previous: Iterable[str] | None, current: Iterable[str]) -> int | None:
    """Conflicts of the previous snapshot that are gone now; None without one."""
    if previous is None:
        return None
    return len(set(previous).difference(current))


def conflict_counts(conflicts: list[Conflict], previous: Iterable[str] | None) -> dict[str, Any]:
    """The ``counts`` of a snapshot. ``open`` and the breakdowns count open and
    acknowledged conflicts, as ``ConflictCounts`` does; ``by_team`` is
    ``{slug: {severity: n}}`` over the same set."""
    counts = ConflictCounts.of(conflicts)
    by_team: dict[str, dict[str, int]] = {}
    for conflict in conflicts:
        if conflict.state == "accepted":
            continue
        for slug in conflict.teams:
            team = by_team.get(slug)
            if team is None:
                team = by_team[slug] = dict.fromkeys(SEVERITIES, 0)
            team[conflict.severity] += 1
    fingerprints = [c.fingerprint for c in conflicts]
    return {
        "total": counts.total,
        "open": counts.open,
        "acknowledged": counts.acknowledged,
        "accepted": counts.accepted,
        "by_severity": counts.by_severity,
        "by_type": counts.by_type,
        "by_team": dict(sorted(by_team.items())),
        "resolved": resolved_between(previous, fingerprints),
    }


def _conflict_entry(conflict: Conflict) -> dict[str, Any]:
    return {
        "fingerprint": conflict.fingerprint,
        "type": conflict.type,
        "severity": conflict.severity,
        "state": conflict.state,
        "items": conflict.items,
        "teams": conflict.teams,
        "period": conflict.period,
        "message": conflict.message,
    }


def _item_rows(analysis: Analysis, snapshot_id: int) -> list[dict[str, Any]]:
    plan = analysis.snapshot
    slugs = {team.id: team.slug for team in plan.teams}
    names = [period.name for period in plan.periods]
    return [
        {
            "snapshot_id": snapshot_id,
            "item_key": item.key,
            "team_slug": slugs[item.team_id],
            "priority": item.priority,
            "start_period": None if item.start is None else names[item.start],
            "end_period": None if item.end is None else names[item.end],
            "status": item.status,
            "health": item.health,
        }
        for item in plan.items
    ]


def previous_fingerprints(week: str) -> list[str] | None:
    """The fingerprints of the newest snapshot before ``week``, or None."""
    return db.session.scalar(
        select(WeeklySnapshot.fingerprints)
        .where(WeeklySnapshot.week < week)
        .order_by(WeeklySnapshot.week.desc())
        .limit(1)
    )


@dataclass(frozen=True, slots=True)
class TakenSnapshot:
    week: str
    counts: dict[str, Any]
    items: int
    replaced: bool


def take_snapshot(analysis: Analysis, week: str, now: datetime) -> TakenSnapshot:
    """Store ``analysis`` as the snapshot of ``week``, replacing that week's earlier
    one. A few bulk statements whatever the size of the plan; flushes, never commits."""
    if monday_of(week) is None:
        raise ValueError(f"not an ISO week: {week!r}")
    session = db.session
    conflicts = analysis.conflicts
    counts = conflict_counts(conflicts, previous_fingerprints(week))
    old = session.scalar(select(WeeklySnapshot.id).where(WeeklySnapshot.week == week))
    if old is not None:
        session.execute(delete(SnapshotItem.__table__).where(SnapshotItem.snapshot_id == old))
        session.execute(delete(WeeklySnapshot.__table__).where(WeeklySnapshot.id == old))
    snapshot_id = session.execute(
        insert(WeeklySnapshot.__table__)
        .values(
            week=week,
            taken_at=now,
            counts=counts,
            conflicts=[_conflict_entry(c) for c in conflicts],
            fingerprints=sorted(c.fingerprint for c in conflicts),
        )
        .returning(WeeklySnapshot.__table__.c.id)
    ).scalar_one()
    rows = _item_rows(analysis, snapshot_id)
    if rows:
        session.execute(insert(SnapshotItem.__table__), rows)
    return TakenSnapshot(week, counts, len(rows), old is not None)


def snapshot_taken(week: str) -> bool:
    """Whether the snapshot of ``week`` has been taken (by `flask snapshot`)."""
    return (
        db.session.scalar(select(WeeklySnapshot.id).where(WeeklySnapshot.week == week)) is not None
    )


@dataclass(frozen=True, slots=True)
class TrendWeek:
    """One week of the trend. ``by_severity`` is None for a week without a
    snapshot; ``resolved`` is None when no earlier snapshot exists to compare."""

    week: str
    by_severity: dict[str, int] | None
    resolved: int | None
    live: bool = False

    @property
    def open(self) -> int | None:
        return None if self.by_severity is None else sum(self.by_severity.values())


def load_trend(
    analysis: Analysis,
    week: str,
    weeks: int = TREND_WEEKS,
    counts: ConflictCounts | None = None,
) -> list[TrendWeek]:
    """The last ``weeks`` ISO weeks up to ``week``, oldest first: stored snapshots
    for the past ones, the live analysis (and its ``counts``, when known) for
    ``week`` itself. Two small queries:
    the snapshots' counts, and the fingerprints of the newest snapshot before ``week``."""
    wanted = last_weeks(week, weeks)
    stored = dict(
        db.session.execute(
            select(WeeklySnapshot.week, WeeklySnapshot.counts).where(
                WeeklySnapshot.week.in_(wanted[:-1])
            )
        ).all()
    )
    trend = []
    for name in wanted[:-1]:
        kept = stored.get(name)
        if kept is None:
            trend.append(TrendWeek(name, None, None))
        else:
            by_severity = {s: int(kept.get("by_severity", {}).get(s, 0)) for s in SEVERITIES}
            trend.append(TrendWeek(name, by_severity, kept.get("resolved")))
    live = counts or analysis.counts()
    resolved = resolved_between(
        previous_fingerprints(week), (c.fingerprint for c in analysis.conflicts)
    )
    trend.append(TrendWeek(week, dict(live.by_severity), resolved, live=True))
    return trend

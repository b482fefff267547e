"""Reads what the weekly digest reports on, for any week up to the current one.

- Health changes: each item's newest update of the week against its newest
  update of an earlier week.
- Became stale: stale at the end of the week (now, for the current week) and not
  at its start, by the analysis' own stale_status rule, counting only updates
  written by then.
- Conflicts: the live analysis for the current week; for an earlier week its
  weekly snapshot, or without one the plan analysed as of the end of that week.
  New and resolved ones are those not in, or only in, the previous week's snapshot.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import func, select

from app.alignment import Analysis, PlanSnapshot, analyze
from app.extensions import db
from app.models import Item, StatusUpdate, WeeklySnapshot
from app.plan_store import analysis_settings, load_snapshot
from app.status.board import key_order, newest_first, stale_messages
from app.status.digest import ConflictLine, Digest, HealthChange, StaleItem, build_digest
from app.weeks import iso_week, requested_week, shift_week, week_start


def _snapshot_as_of(moment: datetime) -> PlanSnapshot:
    """The plan, with each item's newest update counted only if written by `moment`."""
    snapshot = load_snapshot()
    last = dict(
        db.session.execute(
            select(StatusUpdate.item_id, func.max(StatusUpdate.at))
            .where(StatusUpdate.at <= moment)
            .group_by(StatusUpdate.item_id)
        ).all()
    )
    items = tuple(replace(item, last_update_at=last.get(item.id)) for item in snapshot.items)
    return replace(snapshot, items=items)


def _health_changes(week: str) -> list[HealthChange]:
    in_week = db.session.execute(
        select(
            StatusUpdate.item_id,
            StatusUpdate.health,
            StatusUpdate.note,
            StatusUpdate.author,
            StatusUpdate.at,
            Item.key,
            Item.title,
            Item.team_id,
        )
        .join(Item, Item.id == StatusUpdate.item_id)
        .where(StatusUpdate.week == week)
        .order_by(StatusUpdate.at, StatusUpdate.id)
    ).all()
    newest = {row.item_id: row for row in in_week}
    ranked = (
        newest_first(StatusUpdate.item_id, StatusUpdate.health)
        .where(
            StatusUpdate.week < week,
            StatusUpdate.item_id.in_(select(StatusUpdate.item_id).where(StatusUpdate.week == week)),
        )
        .subquery()
    )
    before = dict(
        db.session.execute(
            select(ranked.c.item_id, ranked.c.health).where(ranked.c.rank == 1)
        ).all()
    )
    changes = []
    for item_id, row in newest.items():
        was = before.get(item_id)
        if was != row.health and (was is not None or row.health != "on_track"):
            changes.append(
                HealthChange(row.team_id, row.key, row.title, was, row.health, row.note, row.author)
            )
    return sorted(changes, key=lambda c: key_order(c.key))


def _week_snapshot(week: str) -> WeeklySnapshot | None:
    return db.session.scalar(select(WeeklySnapshot).where(WeeklySnapshot.week == week))


def _became_stale(at_end: Analysis, start: datetime) -> list[StaleItem]:
    """Stale at the end of the analysis, and not yet at `start`."""
    before = stale_messages(analyze(at_end.snapshot, start, at_end.settings))
    items = {item.id: item for item in at_end.snapshot.items}
    found = [
        StaleItem(items[item_id].team_id, items[item_id].key, message)
        for item_id, message in stale_messages(at_end).items()
        if item_id not in before
    ]
    return sorted(found, key=lambda s: key_order(s.key))


def _conflicts_of(week: str, live: bool, at_end: Analysis) -> tuple[list[ConflictLine], str]:
    """The week's conflicts, and where they come from in words."""
    kept = None if live else _week_snapshot(week)
    if kept is not None:
        source = f"the snapshot of {week}, taken {kept.taken_at:%Y-%m-%d %H:%M} UTC"
        return [ConflictLine.of(c) for c in kept.conflicts], source
    source = (
        "the plan as it is now"
        if live
        else f"no snapshot of {week}, so today's plan analysed as of the end of that week"
    )
    return [ConflictLine.of(c.to_dict()) for c in at_end.conflicts], source


def load_digest(week: str | None, now: datetime) -> Digest:
    """The digest of `week` (default: the week of `now`); a WeekError for a week
    that is none or has not begun."""
    week = requested_week(week or None, now)
    live = week == iso_week(now)
    end = now if live else week_start(shift_week(week, 1)) - timedelta(microseconds=1)
    snapshot = load_snapshot() if live else _snapshot_as_of(end)
    at_end = analyze(snapshot, end, analysis_settings())
    conflicts, source = _conflicts_of(week, live, at_end)
    previous_week = shift_week(week, -1)
    previous = _week_snapshot(previous_week)
    return build_digest(
        week=week,
        previous_week=previous_week,
        generated_at=now,
        teams=[(team.id, team.slug, team.name) for team in snapshot.teams],
        health_changes=_health_changes(week),
        became_stale=_became_stale(at_end, week_start(week)),
        conflicts=conflicts,
        conflicts_from=source,
        previous=None if previous is None else [ConflictLine.of(c) for c in previous.conflicts],
    )

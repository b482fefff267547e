"""Conflict events, computed in a job rather than in the request: the conflicts of
the plan now, compared with those last announced (``announced_conflict``), by
fingerprint. A new fingerprint is ``conflict.opened``, one gone is
``conflict.resolved`` (with the conflict as last announced), one whose severity,
state or message differs is ``conflict.changed`` (with what it was).

The same comparison (``compare_with_announced``) tells the notifications of
conflicts (app.notifications.events): the people of the teams concerned hear of
what opened, turned critical or was resolved.

A check runs after each committed change of the plan while some active endpoint
wants conflict events or someone is to be notified of them (app.webhooks.events),
and from the periodic tick when the plan's revision moved or an hour passed
(conflicts also come with time: a status goes stale). Checks take turns on the one
``conflict_baseline`` row. The first check after an endpoint starts wanting conflict
events (or the first person joins a team) only records the conflicts as they are
(the baseline); when neither any more, the record is dropped.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.alignment import Conflict
from app.clock import utcnow
from app.extensions import db
from app.models import AnnouncedConflict, ConflictBaseline
from app.models.webhook import CONFLICT_EVENTS
from app.plan_store import analyze_plan, current_revision
from app.webhooks.events import active_endpoints, deliver_after_commit, write_events

BASELINE_ROW = 1
RECHECK_AFTER = timedelta(hours=1)


def _digest(severity: str, state: str, message: str) -> str:
    return hashlib.sha256(json.dumps([severity, state, message]).encode()).hexdigest()


def _shown(conflict: Conflict) -> dict[str, Any]:
    return conflict.to_dict()


def _wanting() -> list[tuple[int, list[str]]]:
    return [
        (endpoint_id, events)
        for endpoint_id, events in active_endpoints(db.session)
        if any(name in CONFLICT_EVENTS for name in events)
    ]


def _take_turn() -> ConflictBaseline:
    """The baseline row, updated first so that other checks wait for this one."""
    session = db.session
    table = ConflictBaseline.__table__
    upsert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    row = upsert(table).values(id=BASELINE_ROW, taken=False)
    session.execute(
        row.on_conflict_do_update(index_elements=[table.c.id], set_={"taken": table.c.taken})
    )
    return session.get(ConflictBaseline, BASELINE_ROW, populate_existing=True)


@dataclass(frozen=True, slots=True)
class ConflictChanges:
    """What changed in the plan's conflicts since the last check (``since``), each
    conflict as ``Conflict.to_dict`` tells it: the opened ones, the resolved ones
    as last announced, and the changed ones with what they were."""

    since: datetime | None
    opened: list[dict[str, Any]] = field(default_factory=list)
    resolved: list[dict[str, Any]] = field(default_factory=list)
    changed: list[tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=list)


def check_conflicts() -> int:
    """Announce what changed in the plan's conflicts since the last check, to the
    endpoints that want conflict events and to the people of the teams concerned
    (app.notifications.events); the number of changes found."""
    from app.notifications.events import conflicts_notified, notify_of_conflicts

    session = db.session
    baseline = _take_turn()
    endpoints = _wanting()
    notifying = conflicts_notified(session)
    now = utcnow()
    if not endpoints and not notifying:
        if baseline.taken:
            session.execute(delete(AnnouncedConflict.__table__))
            baseline.taken = False
        baseline.checked_at = now
        session.commit()
        return 0
    revision = current_revision()
    current = {c.fingerprint: c for c in analyze_plan().conflicts}
    if not baseline.taken:
        session.execute(delete(AnnouncedConflict.__table__))
        _insert(current, {fp: _digest_of(c) for fp, c in current.items()})
        baseline.taken, baseline.revision, baseline.checked_at = True, revision, now
        session.commit()
        return 0
    changes = compare_with_announced(current, since=baseline.checked_at)
    found = _webhook_events(changes)
    if endpoints:
        deliver_after_commit(session, write_events(session, found, endpoints))
    if notifying:
        notify_of_conflicts(changes)
    baseline.revision, baseline.checked_at = revision, now
    session.commit()
    return len(found)


def _digest_of(conflict: Conflict) -> str:
    return _digest(conflict.severity, conflict.state, conflict.message)


def compare_with_announced(
    current: dict[str, Conflict], since: datetime | None = None
) -> ConflictChanges:
    """The plan's conflicts now (by fingerprint) against those last announced, by
    fingerprint and digest; the record is brought up to date (in the caller's
    transaction)."""
    session = db.session
    table = AnnouncedConflict.__table__
    digests = {fp: _digest_of(c) for fp, c in current.items()}
    stored = dict(session.execute(select(table.c.fingerprint, table.c.digest)).all())
    opened = [fp for fp in current if fp not in stored]
    resolved = [fp for fp in stored if fp not in current]
    changed = [fp for fp in current if fp in stored and stored[fp] != digests[fp]]
    before = {}
    if resolved or changed:
        before = dict(
            session.execute(
                select(table.c.fingerprint, table.c.conflict).where(
                    table.c.fingerprint.in_(resolved + changed)
                )
            ).all()
        )
    if resolved:
        session.execute(delete(table).where(table.c.fingerprint.in_(resolved)))
    _insert({fp: current[fp] for fp in opened}, digests)
    for fp in changed:
        session.execute(
            update(table)
            .where(table.c.fingerprint == fp)
            .values(digest=digests[fp], conflict=_shown(current[fp]))
        )
    return ConflictChanges(
        since,
        [_shown(current[fp]) for fp in opened],
        [before[fp] for fp in resolved],
        [(_shown(current[fp]), before[fp]) for fp in changed],
    )


def _webhook_events(changes: ConflictChanges) -> list[tuple[str, dict[str, Any]]]:
    found: list[tuple[str, dict[str, Any]]] = []
    found += [("conflict.opened", {"conflict": conflict}) for conflict in changes.opened]
    found += [("conflict.resolved", {"conflict": conflict}) for conflict in changes.resolved]
    found += [
        (
            "conflict.changed",
            {
                "conflict": now,
                "previous": {key: was.get(key) for key in ("severity", "state", "message")},
            },
        )
        for now, was in changes.changed
    ]
    return found


def _insert(conflicts: dict[str, Conflict], digests: dict[str, str]) -> None:
    if conflicts:
        db.session.execute(
            insert(AnnouncedConflict.__table__),
            [
                {"fingerprint": fp, "digest": digests[fp], "conflict": _shown(c)}
                for fp, c in conflicts.items()
            ],
        )


def check_conflicts_if_stale() -> int:
    """The check, when some endpoint wants conflict events or someone is to be
    notified of them, and the plan changed since the last one (or RECHECK_AFTER
    passed); or when neither any more and the record is to be dropped. The periodic
    tick's part."""
    table = ConflictBaseline.__table__
    row = db.session.execute(
        select(table.c.taken, table.c.revision, table.c.checked_at).where(
            table.c.id == BASELINE_ROW
        )
    ).first()
    taken, revision, checked_at = row or (False, None, None)
    from app.notifications.events import conflicts_notified

    wanting = bool(_wanting()) or conflicts_notified(db.session)
    stale = (
        not taken
        or revision != current_revision()
        or checked_at is None
        or checked_at + RECHECK_AFTER <= utcnow()
    )
    db.session.commit()
    if not wanting:
        return check_conflicts() if taken else 0
    return check_conflicts() if stale else 0

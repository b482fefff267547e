"""Conflict events, computed in a job rather than in the request: the conflicts of
the plan now, compared with those last announced (``announced_conflict``), by
fingerprint. A new fingerprint is ``conflict.opened``, one gone is
``conflict.resolved`` (with the conflict as last announced), one whose severity,
state or message differs is ``conflict.changed`` (with what it was).

A check runs after each committed change of the plan while some active endpoint
wants conflict events (app.webhooks.events), and from the periodic tick when the
plan's revision moved or an hour passed (conflicts also come with time: a status
goes stale). Checks take turns on the one ``conflict_baseline`` row. The first
check after an endpoint starts wanting conflict events only records the conflicts
as they are (the baseline); when none wants them any more, the record is dropped.
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
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


def check_conflicts() -> int:
    """Announce what changed in the plan's conflicts since the last check; the
    number of events written."""
    session = db.session
    baseline = _take_turn()
    endpoints = _wanting()
    now = utcnow()
    if not endpoints:
        if baseline.taken:
            session.execute(delete(AnnouncedConflict.__table__))
            baseline.taken = False
        baseline.checked_at = now
        session.commit()
        return 0
    revision = current_revision()
    conflicts = analyze_plan().conflicts
    current = {c.fingerprint: c for c in conflicts}
    digests = {fp: _digest(c.severity, c.state, c.message) for fp, c in current.items()}
    table = AnnouncedConflict.__table__
    if not baseline.taken:
        session.execute(delete(table))
        _insert(current, digests)
        baseline.taken, baseline.revision, baseline.checked_at = True, revision, now
        session.commit()
        return 0

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
    found: list[tuple[str, dict[str, Any]]] = []
    found += [("conflict.opened", {"conflict": _shown(current[fp])}) for fp in opened]
    found += [("conflict.resolved", {"conflict": before[fp]}) for fp in resolved]
    for fp in changed:
        was = before[fp]
        found.append(
            (
                "conflict.changed",
                {
                    "conflict": _shown(current[fp]),
                    "previous": {key: was.get(key) for key in ("severity", "state", "message")},
                },
            )
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
    deliver_after_commit(session, write_events(session, found, endpoints))
    baseline.revision, baseline.checked_at = revision, now
    session.commit()
    return len(found)


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
    """The check, when some endpoint wants conflict events and the plan changed
    since the last one (or RECHECK_AFTER passed), or when none wants them any more
    and the record is to be dropped. The periodic tick's part."""
    table = ConflictBaseline.__table__
    row = db.session.execute(
        select(table.c.taken, table.c.revision, table.c.checked_at).where(
            table.c.id == BASELINE_ROW
        )
    ).first()
    taken, revision, checked_at = row or (False, None, None)
    wanting = bool(_wanting())
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

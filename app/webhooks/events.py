"""The plan's events, collected in the transaction that makes them.

Every change of an item, a dependency or a capacity is in the audit history
(app.audit writes it, for changes through the ORM and through bulk statements
alike); the rows it inserts are read here as they go by, and each new status
update is noted as it is flushed. When the transaction commits, the changes are
merged (an item made and then edited is one ``item.created``), turned into event
bodies with the API's representations, and written as events and deliveries to
the active endpoints that want them, in that same transaction: a change that is
rolled back sends nothing. Only after the commit are the deliveries enqueued
(app.jobs); a delivery whose job is lost is found by the periodic sweep.

A transaction that changed the plan also asks, after its commit, for the conflict
check (app.webhooks.conflicts) when some endpoint wants conflict events or someone
is to be notified of them (app.notifications.events).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import Any
from uuid import uuid4

from flask import has_app_context
from flask_sqlalchemy.session import Session
from sqlalchemy import event, insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import joinedload
from sqlalchemy.sql.dml import Insert

from app import jobs
from app.alignment import PRIORITY_NAMES
from app.clock import utcnow
from app.extensions import db
from app.models import (
    AuditEvent,
    Dependency,
    Item,
    Period,
    StatusUpdate,
    Team,
    TeamCapacity,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from app.models.webhook import CONFLICT_EVENTS
from app.plan_io.exporter import format_datetime, plain_number
from app.plan_store import _UNCOMMITTED as PLAN_CHANGED

log = logging.getLogger(__name__)

_PENDING = "webhook_changes"  # [(entity, id, action, changes)] of this transaction
_MARKS = "webhook_marks"  # {savepoint: how many changes came before it}
_DELIVER = "webhook_deliveries"  # delivery ids to enqueue once committed
_CHECK = "webhook_check_conflicts"  # run the conflict check once committed
_PLAN = "webhook_plan_changed"  # the plan changed in this transaction (savepoints too)
WATCHED = frozenset({"item", "dependency", "capacity", "team"})
AUDIT_TABLE = AuditEvent.__table__

DELIVER_JOB = "app.webhooks.delivery:deliver"
CHECK_JOB = "app.webhooks.conflicts:check_conflicts"


# -- Collecting ------------------------------------------------------------------------


@event.listens_for(Engine, "after_execute")
def _audited(conn, clauseelement, multiparams, params, _options, _result) -> None:
    if not isinstance(clauseelement, Insert) or clauseelement.table is not AUDIT_TABLE:
        return
    if not has_app_context():
        return
    rows = multiparams if multiparams else [params]
    found = [
        (row["entity"], row["entity_id"], row["action"], row.get("changes") or {})
        for row in rows
        if row.get("entity") in WATCHED
    ]
    if found:
        db.session().info.setdefault(_PENDING, []).extend(found)


@event.listens_for(StatusUpdate, "after_insert")
def _status_update(_mapper, _connection, target: StatusUpdate) -> None:
    session = Session.object_session(target)
    if session is not None:
        session.info.setdefault(_PENDING, []).append(("status_update", target.id, "create", {}))


@event.listens_for(Session, "after_transaction_create")
def _savepoint_begun(session, transaction) -> None:
    if transaction.nested:
        session.info.setdefault(_MARKS, {})[transaction] = len(session.info.get(_PENDING, ()))


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session, previous) -> None:
    if previous.nested:
        mark = session.info.get(_MARKS, {}).pop(previous, None)
        if mark is not None and _PENDING in session.info:
            del session.info[_PENDING][mark:]
        return
    for key in (_PENDING, _MARKS, _DELIVER, _CHECK, _PLAN):
        session.info.pop(key, None)


def changes_in(session) -> dict[tuple[str, int], list]:
    """What this transaction has changed so far (flushed), merged as the events
    will be: ``{(entity, id): [action, {column: [old, new]}]}``. Read, not taken:
    the webhooks' own listener takes them at the commit."""
    pending = session.info.get(_PENDING)
    return _merged(pending) if pending else {}


def deliver_after_commit(session, delivery_ids: Iterable[int], check: bool = False) -> None:
    """Enqueue these deliveries (and with ``check`` the conflict check) once the
    session's transaction has committed."""
    session.info.setdefault(_DELIVER, []).extend(delivery_ids)
    if check:
        session.info[_CHECK] = True


@event.listens_for(Session, "before_commit")
def _write_deliveries(session) -> None:
    if session.in_nested_transaction():
        return
    if session.new or session.dirty or session.deleted:
        session.flush()
    pending = session.info.pop(_PENDING, None)
    plan_changed = bool(session.info.pop(_PLAN, None) or session.info.get(PLAN_CHANGED))
    if not pending and not plan_changed:
        return
    from app.notifications.events import conflicts_notified

    endpoints = active_endpoints(session)
    if pending and endpoints:
        wanted = {name for _id, events in endpoints for name in events}
        found = [e for e in _events(session, _merged(pending)) if e[0] in wanted]
        deliver_after_commit(session, write_events(session, found, endpoints))
    if plan_changed and (
        any(name in CONFLICT_EVENTS for _id, ev in endpoints for name in ev)
        or conflicts_notified(session)
    ):
        session.info[_CHECK] = True


@event.listens_for(Session, "after_flush")
def _note_plan_change(session, _flush_context) -> None:
    if session.info.get(PLAN_CHANGED):
        session.info[_PLAN] = True


# Before app.plan_store's own listener, which forgets its note at a savepoint's end.
@event.listens_for(Session, "after_commit", insert=True)
def _enqueue(session) -> None:
    if session.in_nested_transaction():  # a savepoint released: not committed yet
        if session.info.get(PLAN_CHANGED):
            session.info[_PLAN] = True
        return
    session.info.pop(_PLAN, None)
    ids = session.info.pop(_DELIVER, None)
    check = session.info.pop(_CHECK, False)
    session.info.pop(_MARKS, None)
    if not (ids or check) or not has_app_context():
        return
    try:
        for delivery_id in dict.fromkeys(ids or ()):
            jobs.enqueue(DELIVER_JOB, delivery_id)
        if check:
            jobs.enqueue(CHECK_JOB)
    except Exception:
        log.exception("could not enqueue webhook jobs; the periodic sweep will send them")


# -- Writing ---------------------------------------------------------------------------


def active_endpoints(session) -> list[tuple[int, list[str]]]:
    return [
        (endpoint_id, list(events or ()))
        for endpoint_id, events in session.execute(
            select(WebhookEndpoint.id, WebhookEndpoint.events).where(WebhookEndpoint.active)
        )
    ]


def body_of(event_type: str, data: dict[str, Any], at=None) -> str:
    return json.dumps(
        {"type": event_type, "timestamp": format_datetime(at or utcnow()), "data": data},
        separators=(",", ":"),
        ensure_ascii=False,
    )


def write_events(
    session, found: list[tuple[str, dict[str, Any]]], endpoints: list[tuple[int, list[str]]]
) -> list[int]:
    """Write each event that some endpoint wants, and a delivery to each such
    endpoint, due now; the deliveries' ids."""
    now = utcnow()
    chosen = [(kind, data, [i for i, ev in endpoints if kind in ev]) for kind, data in found]
    chosen = [entry for entry in chosen if entry[2]]
    if not chosen:
        return []
    connection = session.connection()
    table = WebhookEvent.__table__
    event_ids = connection.execute(
        insert(table).returning(table.c.id, sort_by_parameter_order=True),
        [
            {
                "message_id": "msg_" + uuid4().hex,
                "type": kind,
                "body": body_of(kind, data, now),
                "created_at": now,
            }
            for kind, data, _to in chosen
        ],
    ).scalars().all()  # fmt: skip
    deliveries = WebhookDelivery.__table__
    rows = [
        {
            "endpoint_id": endpoint_id,
            "event_id": event_id,
            "state": "pending",
            "attempts": 0,
            "manual": False,
            "next_attempt_at": now,
            "created_at": now,
        }
        for event_id, (_kind, _data, to) in zip(event_ids, chosen, strict=True)
        for endpoint_id in to
    ]
    return list(
        connection.execute(
            insert(deliveries).returning(deliveries.c.id, sort_by_parameter_order=True), rows
        ).scalars()
    )


# -- From changes to events ------------------------------------------------------------


def _merged(pending: list[tuple[str, int, str, dict]]) -> dict[tuple[str, int], list]:
    """One ``[action, changes]`` per thing changed: made then changed is made, made
    then deleted is nothing, changed twice is one change from the first value."""
    merged: dict[tuple[str, int], list] = {}
    for entity, entity_id, action, changes in pending:
        key = (entity, entity_id)
        earlier = merged.get(key)
        if earlier is None:
            merged[key] = [action, {k: list(v) for k, v in changes.items()}]
        elif action == "delete":
            if earlier[0] == "create":
                del merged[key]
            else:
                old = {k: v[0] for k, v in earlier[1].items()}
                merged[key] = ["delete", {k: [old.get(k, v[0]), None] for k, v in changes.items()}]
        elif action == "update":
            for name, (old, new) in changes.items():
                if name in earlier[1]:
                    earlier[1][name][1] = new
                else:
                    earlier[1][name] = [old, new]
        else:
            merged[key] = [action, {k: list(v) for k, v in changes.items()}]
    return merged


class _Names:
    """Keys, slugs and period names of the ids the events mention, looked up
    together (one query each)."""

    def __init__(self, session, items=(), teams=(), periods=(), known_items=None) -> None:
        self.items = dict(known_items or {})
        wanted = set(items) - set(self.items) - {None}
        if wanted:
            self.items.update(
                session.execute(select(Item.id, Item.key).where(Item.id.in_(wanted))).all()
            )
        teams, periods = set(teams) - {None}, set(periods) - {None}
        self.teams = (
            dict(session.execute(select(Team.id, Team.slug).where(Team.id.in_(teams))).all())
            if teams
            else {}
        )
        self.periods = (
            dict(
                session.execute(select(Period.id, Period.name).where(Period.id.in_(periods))).all()
            )
            if periods
            else {}
        )


ITEM_FIELDS = {
    "key": "key",
    "team_id": "team",
    "title": "title",
    "description": "description",
    "priority": "priority",
    "start_period_id": "start",
    "end_period_id": "end",
    "estimate": "estimate",
    "status": "status",
    "health": "health",
    "owner": "owner",
}
DEPENDENCY_FIELDS = {
    "dependent_id": "dependent",
    "dependency_id": "dependency",
    "needed_by_period_id": "needed_by",
    "commitment": "commitment",
    "note": "note",
}


def _shown(column: str, value: Any, names: _Names) -> Any:
    if value is None:
        return None
    if column == "team_id":
        return names.teams.get(value)
    if column in ("start_period_id", "end_period_id", "needed_by_period_id"):
        return names.periods.get(value)
    if column in ("dependent_id", "dependency_id"):
        return names.items.get(value)
    if column == "priority":
        return PRIORITY_NAMES[value] if 0 <= value < len(PRIORITY_NAMES) else value
    if column in ("estimate", "person_weeks", "default_capacity"):
        return plain_number(value)
    return value


def _changes(changes: dict, fields: dict[str, str], names: _Names) -> dict[str, dict]:
    return {
        fields[column]: {"from": _shown(column, old, names), "to": _shown(column, new, names)}
        for column, (old, new) in changes.items()
        if column in fields
    }


def _removed(changes: dict, fields: dict[str, str], names: _Names) -> dict[str, Any]:
    return {fields[c]: _shown(c, old, names) for c, (old, _new) in changes.items() if c in fields}


def _events(session, merged: dict[tuple[str, int], list]) -> list[tuple[str, dict[str, Any]]]:
    from app.api.representations import dependency_json, item_json

    ids: dict[str, set[int]] = {"item": set(), "dependency": set(), "status_update": set()}
    capacity_rows: set[int] = set()
    items_, teams, periods = set(), set(), set()
    deleted_keys = {}
    for (entity, entity_id), (action, changes) in merged.items():
        if action != "delete" and entity in ids:
            ids[entity].add(entity_id)
        if entity == "capacity" and "team_id" not in changes:
            capacity_rows.add(entity_id)
        for column, values in changes.items():
            bucket = {
                "team_id": teams,
                "start_period_id": periods,
                "end_period_id": periods,
                "needed_by_period_id": periods,
                "period_id": periods,
                "dependent_id": items_,
                "dependency_id": items_,
            }.get(column)
            if bucket is not None:
                bucket.update(v for v in values if v is not None)
        if entity == "item" and action == "delete" and "key" in changes:
            deleted_keys[entity_id] = changes["key"][0]
        if entity == "team":
            teams.add(entity_id)
    capacity_cells = {}
    if capacity_rows:
        for row_id, team_id, period_id in session.execute(
            select(TeamCapacity.id, TeamCapacity.team_id, TeamCapacity.period_id).where(
                TeamCapacity.id.in_(capacity_rows)
            )
        ):
            capacity_cells[row_id] = (team_id, period_id)
            teams.add(team_id)
            periods.add(period_id)
    names = _Names(session, items_, teams, periods, deleted_keys)

    items = _rows(session, Item, ids["item"], Item.team, Item.start_period, Item.end_period)
    dependencies = _rows(
        session,
        Dependency,
        ids["dependency"],
        Dependency.dependent,
        Dependency.dependency,
        Dependency.needed_by,
    )
    updates = _rows(session, StatusUpdate, ids["status_update"], StatusUpdate.item)

    found: list[tuple[str, dict[str, Any]]] = []
    for (entity, entity_id), (action, changes) in merged.items():
        if entity == "item":
            found.extend(_item_event(action, changes, items.get(entity_id), names, item_json))
        elif entity == "dependency":
            dep = dependencies.get(entity_id)
            found.extend(_dependency_event(action, changes, dep, names, dependency_json))
        elif entity == "status_update" and entity_id in updates:
            found.append(("status_update.created", {"status_update": _update(updates[entity_id])}))
        elif entity == "capacity":
            cell = capacity_cells.get(entity_id)
            team_id = (
                changes["team_id"][0] or changes["team_id"][1] if "team_id" in changes else None
            )
            period_id = (
                changes["period_id"][0] or changes["period_id"][1]
                if "period_id" in changes
                else None
            )
            if cell is not None:
                team_id, period_id = cell
            old, new = changes.get("person_weeks", [None, None])
            found.append(
                _capacity(names.teams.get(team_id), names.periods.get(period_id), old, new)
            )
        elif entity == "team" and action == "update" and "default_capacity" in changes:
            old, new = changes["default_capacity"]
            found.append(_capacity(names.teams.get(entity_id), None, old, new))
    return found


def _rows(session, model, ids: set[int], *loaded) -> dict[int, Any]:
    """The rows of these ids, with the relationships ``loaded``, by id."""
    if not ids:
        return {}
    query = select(model).options(*map(joinedload, loaded)).where(model.id.in_(ids))
    return {row.id: row for row in session.scalars(query)}


def _item_event(action, changes, item, names, item_json):
    if action == "delete":
        return [("item.deleted", {"item": _removed(changes, ITEM_FIELDS, names)})]
    if item is None:
        return []
    if action == "create":
        return [("item.created", {"item": item_json(item)})]
    shown = _changes(changes, ITEM_FIELDS, names)
    return [("item.updated", {"item": item_json(item), "changes": shown})] if shown else []


def _dependency_event(action, changes, dep, names, dependency_json):
    if action == "delete":
        return [("dependency.deleted", {"dependency": _removed(changes, DEPENDENCY_FIELDS, names)})]
    if dep is None:
        return []
    if action == "create":
        return [("dependency.created", {"dependency": dependency_json(dep)})]
    shown = _changes(changes, DEPENDENCY_FIELDS, names)
    if not shown:
        return []
    return [("dependency.updated", {"dependency": dependency_json(dep), "changes": shown})]


def _update(update: StatusUpdate) -> dict[str, Any]:
    return {
        "item": update.item.key,
        "week": update.week,
        "health": update.health,
        "status": update.status,
        "progress": update.progress,
        "note": update.note,
        "author": update.author,
        "at": format_datetime(update.at),
    }


def _capacity(team: str | None, period: str | None, old, new) -> tuple[str, dict[str, Any]]:
    return (
        "capacity.updated",
        {
            "team": team,
            "period": period,
            "person_weeks": plain_number(new),
            "previous": plain_number(old),
        },
    )

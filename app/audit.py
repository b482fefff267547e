"""The audit history: every flush that creates, changes or deletes an audited row
writes an AuditEvent in the same transaction, with each changed field's old and
new value. Who did it comes from the logged-in user, or from `acting_as()` in
the command line.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from typing import Any

from flask import has_request_context
from flask_login import current_user
from flask_sqlalchemy.session import Session
from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import object_session

from app.clock import utcnow
from app.models import (
    AuditEvent,
    ConflictDecision,
    Dependency,
    Item,
    Period,
    Team,
    TeamCapacity,
    TeamMembership,
    User,
)

AUDITED = {
    Team: "team",
    TeamCapacity: "capacity",
    Period: "period",
    Item: "item",
    Dependency: "dependency",
    User: "user",
    TeamMembership: "membership",
    ConflictDecision: "conflict_decision",
}
NOT_RECORDED = {"id", "version", "updated_at", "item_seq", "capacity_version"}
# Recorded as "(set)": a chat channel's incoming-webhook URL is a credential.
SECRET = {"password_hash", "chat_channel_url"}
_PENDING = "audit_pending"

_cli_actor: ContextVar[tuple[int | None, str | None]] = ContextVar(
    "cli_actor", default=(None, None)
)


@contextmanager
def acting_as(user_id: int | None, label: str | None) -> Iterator[None]:
    """Attribute changes made outside a request (CLI, seeding) to someone."""
    token = _cli_actor.set((user_id, label))
    try:
        yield
    finally:
        _cli_actor.reset(token)


def current_actor() -> tuple[int | None, str | None]:
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user.id, current_user.email
    return _cli_actor.get()


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _shown(key: str, value: Any) -> Any:
    return "(set)" if key in SECRET and value is not None else _plain(value)


def _columns(obj: Any) -> list[str]:
    return [c.key for c in inspect(obj).mapper.column_attrs if c.key not in NOT_RECORDED]


def _created(obj: Any) -> dict[str, list[Any]]:
    state = inspect(obj)
    return {k: [None, _shown(k, state.dict.get(k))] for k in _columns(obj)}


def _deleted(obj: Any) -> dict[str, list[Any]]:
    state = inspect(obj)
    return {k: [_shown(k, state.dict.get(k)), None] for k in _columns(obj)}


def _updated(obj: Any) -> dict[str, list[Any]]:
    state = inspect(obj)
    changes = {}
    for key in _columns(obj):
        history = state.attrs[key].history
        if not history.added:
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0]
        if old != new:
            changes[key] = [_shown(key, old), _shown(key, new)]
    return changes


def _insert(session: Any, events: list[tuple[str, int | None, str, dict]]) -> list[int]:
    actor_id, actor = current_actor()
    now = utcnow()
    table = AuditEvent.__table__
    inserted = session.connection().execute(
        insert(table).returning(table.c.id, sort_by_parameter_order=True),
        [
            {
                "at": now,
                "actor_id": actor_id,
                "actor": actor,
                "entity": entity,
                "entity_id": entity_id,
                "action": action,
                "changes": changes,
            }
            for entity, entity_id, action, changes in events
        ],
    )
    return list(inserted.scalars())


def record(session: Any, entity: str, entity_id: int | None, action: str, changes: dict) -> int:
    """Write one audit event directly, for changes made without the ORM (bulk imports);
    its id."""
    return _insert(session, [(entity, entity_id, action, changes)])[0]


def _queue(action: str, describe):
    def listener(_mapper: Any, _connection: Any, target: Any) -> None:
        changes = describe(target)
        if action == "update" and not changes:
            return
        session = object_session(target)
        session.info.setdefault(_PENDING, []).append(
            (AUDITED[type(target)], target.id, action, changes)
        )

    return listener


# Mapper events see every row the flush writes, cascaded deletes of orphans included.
for _model in AUDITED:
    event.listen(_model, "after_insert", _queue("create", _created))
    event.listen(_model, "after_update", _queue("update", _updated))
    event.listen(_model, "after_delete", _queue("delete", _deleted))


@event.listens_for(Session, "after_flush")
def _write_audit_events(session: Any, _flush_context: Any) -> None:
    events = session.info.pop(_PENDING, None)
    if events:
        _insert(session, events)


@event.listens_for(Session, "after_rollback")
def _drop_pending(session: Any) -> None:
    session.info.pop(_PENDING, None)

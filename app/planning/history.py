"""The audit history of an item and of its dependencies, in words: who changed
which field from what to what, and when. A constant number of queries however
long the history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, or_, select, union_all

from app.alignment import PRIORITY_NAMES
from app.alignment.text import health_word, status_word
from app.extensions import db
from app.importing.issues import SOURCE_NAMES
from app.models import AuditEvent, AuditEventItem, Dependency, Item, Period, Team

HISTORY_LIMIT = 200
LABELS = {
    "start_period_id": "start period",
    "end_period_id": "end period",
    "needed_by_period_id": "needed by",
    "team_id": "team",
    "start": "start period",  # an import's names for them
    "end": "end period",
}
HIDDEN = {"created_at", "dependent_id", "dependency_id", "source", "source_key", "source_url"}
ACTIONS = {"create": "created", "update": "changed", "delete": "deleted", "import": "imported"}


@dataclass(frozen=True, slots=True)
class Change:
    field: str
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    at: datetime
    actor: str
    subject: str
    action: str
    changes: list[Change]


def _ids_in(event: AuditEvent, field: str) -> list[int]:
    return [v for v in (event.changes or {}).get(field, ()) if isinstance(v, int)]


def item_history(item: Item, links: list[Dependency], periods: dict[int, Period]) -> list:
    """The newest HISTORY_LIMIT events of the item and of every dependency that
    links it to another item, removed ones included."""
    dep_ids = {link.id for link in links}
    removed = or_(
        AuditEvent.changes[("dependent_id", 0)].as_integer() == item.id,
        AuditEvent.changes[("dependency_id", 0)].as_integer() == item.id,
    )
    dep_ids.update(
        db.session.scalars(
            select(AuditEvent.entity_id).where(
                AuditEvent.entity == "dependency", AuditEvent.action == "delete", removed
            )
        )
    )
    # An import is one event of the whole plan, with each item's changes beside it
    # (audit_event_item). Each kind of event found by its own index.
    imported = AuditEvent.entity == "plan"
    part = and_(AuditEventItem.event_id == AuditEvent.id, AuditEventItem.item_id == item.id)
    found = union_all(
        select(AuditEvent.id).where(AuditEvent.entity == "item", AuditEvent.entity_id == item.id),
        select(AuditEvent.id).where(
            AuditEvent.entity == "dependency", AuditEvent.entity_id.in_(dep_ids)
        ),
        select(AuditEventItem.event_id).where(AuditEventItem.item_id == item.id),
    )
    events = db.session.execute(
        select(
            AuditEvent.id, AuditEvent.at, AuditEvent.actor, AuditEvent.entity,
            AuditEvent.entity_id, AuditEvent.action,
            case((imported, AuditEventItem.changes), else_=AuditEvent.changes).label("changes"),
        )
        .outerjoin(AuditEventItem, part)
        .where(AuditEvent.id.in_(found))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(HISTORY_LIMIT)
    ).all()  # fmt: skip
    ends = {link.id: (link.dependent_id, link.dependency_id) for link in links}
    for event in events:
        if event.entity == "dependency" and event.action in ("create", "delete"):
            sides = (_ids_in(event, "dependent_id"), _ids_in(event, "dependency_id"))
            if all(sides):
                ends.setdefault(event.entity_id, (sides[0][0], sides[1][0]))
    item_ids = {i for pair in ends.values() for i in pair}
    team_ids = {t for event in events for t in _ids_in(event, "team_id")}
    keys = item_keys(item_ids)
    keys[item.id] = item.key
    slugs = dict(db.session.execute(select(Team.id, Team.slug).where(Team.id.in_(team_ids))).all())
    show = _Formatter(keys, slugs, periods)
    return [show.entry(event, item, ends) for event in events]


def item_keys(item_ids: set[int]) -> dict[int, str]:
    """Keys by id, those of deleted items taken from their audit history."""
    keys = dict(db.session.execute(select(Item.id, Item.key).where(Item.id.in_(item_ids))).all())
    gone = item_ids - keys.keys()
    if gone:
        for entity_id, changes in db.session.execute(
            select(AuditEvent.entity_id, AuditEvent.changes).where(
                AuditEvent.entity == "item",
                AuditEvent.entity_id.in_(gone),
                AuditEvent.action.in_(("create", "delete")),
            )
        ):
            known = [k for k in changes.get("key", ()) if isinstance(k, str)]
            if known:
                keys[entity_id] = known[0]
    return keys


class _Formatter:
    def __init__(
        self, keys: dict[int, str], slugs: dict[int, str], periods: dict[int, Period]
    ) -> None:
        self.keys = keys
        self.slugs = slugs
        self.periods = periods

    def value(self, field: str, value: Any) -> str:
        if value is None or value == "":
            return "—"
        if field == "priority" and isinstance(value, int) and 0 <= value < len(PRIORITY_NAMES):
            return PRIORITY_NAMES[value]
        if field in ("start_period_id", "end_period_id", "needed_by_period_id"):
            period = self.periods.get(value)
            return period.name if period else f"period {value}"
        if field in ("dependent_id", "dependency_id"):
            return self.keys.get(value, f"item {value}")
        if field == "team_id":
            return self.slugs.get(value, f"team {value}")
        if isinstance(value, str):
            if field == "status":
                return status_word(value)
            return health_word(value) if field == "health" else value
        return str(value)

    def entry(self, event: AuditEvent, item: Item, ends: dict) -> HistoryEntry:
        action = ACTIONS.get(event.action, event.action)
        if event.entity in ("item", "plan"):
            subject = item.key
        else:
            dependent, dependency = ends.get(event.entity_id, (None, None))
            subject = (
                f"{self.value('dependent_id', dependent)} needs "
                f"{self.value('dependency_id', dependency)}"
                if dependent
                else "a dependency"
            )
        if event.entity == "plan" and item.source:  # an import updates its own items only
            action = f"{action} from {SOURCE_NAMES.get(item.source, item.source)}"
        changes = [
            Change(LABELS.get(field, field.replace("_", " ")), *map(self.show(field), pair))
            for field, pair in (event.changes or {}).items()
            if field not in HIDDEN and isinstance(pair, list) and len(pair) == 2
        ]
        return HistoryEntry(
            event.at,
            event.actor or "unknown",
            subject,
            action,
            changes,
        )

    def show(self, field: str):
        return lambda value: self.value(field, value)


def dependency_history(dep: Dependency, periods: dict[int, Period]) -> list[HistoryEntry]:
    """The request's history: the dependency's events, newest first."""
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.entity == "dependency", AuditEvent.entity_id == dep.id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(HISTORY_LIMIT)
    ).all()
    keys = {dep.dependent_id: dep.dependent.key, dep.dependency_id: dep.dependency.key}
    ends = {dep.id: (dep.dependent_id, dep.dependency_id)}
    show = _Formatter(keys, {}, periods)
    return [show.entry(event, dep.dependent, ends) for event in events]

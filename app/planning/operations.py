"""What planning does to the data: plain functions that mutate, flush and never commit."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.alignment import HEALTHS, PRIORITY_NAMES, STATUSES
from app.errors import Refused
from app.extensions import db
from app.fields import (
    DESCRIPTION_MAX,
    OWNER_MAX,
    PERSON_WEEKS_MAX,
    TITLE_MAX,
    is_person_weeks,
    too_long,
)
from app.models import AuditEvent, Dependency, Item, Period, Team


class PlanningError(Refused):
    """A planning change that the plan's rules refuse; the message is for the user.
    `field` names the form field it concerns, if any."""


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
    values = _check_item(
        {
            "title": title,
            "description": description,
            "priority": priority,
            "start": start,
            "end": end,
            "estimate": estimate,
            "status": status,
            "health": health,
            "owner": owner,
        }
    )
    item = Item(
        key=allocate_key(team),
        team_id=team.id,
        title=values["title"],
        description=values["description"],
        priority=priority,
        start_period_id=start.id if start else None,
        end_period_id=end.id if end else None,
        estimate=estimate,
        status=status,
        health=health,
        owner=values["owner"],
    )
    db.session.add(item)
    db.session.flush()
    return item


# Safe concurrent edits


class StaleEdit(PlanningError):
    """An edit made against an older version of an item or dependency. Nothing was
    changed; it says who changed the row last and when, and carries the row's
    current values so that the user can merge."""

    def __init__(
        self, what: str, actor: str | None, at: datetime | None, current: dict[str, Any]
    ) -> None:
        self.actor = actor or "someone else"
        self.at = at
        self.current = current
        when = f"at {at:%Y-%m-%d %H:%M} UTC" if at else "meanwhile"
        super().__init__(
            f"{what} was changed by {self.actor} {when}, after you opened it. Nothing was saved."
        )


def last_change(entity: str, entity_id: int) -> AuditEvent | None:
    return db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.entity == entity, AuditEvent.entity_id == entity_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(1)
    ).first()


def _stale(obj: Item | Dependency, what: str, values: Callable[[], dict[str, Any]]) -> StaleEdit:
    event = last_change("item" if isinstance(obj, Item) else "dependency", obj.id)
    return StaleEdit(what, event.actor if event else None, event.at if event else None, values())


@contextmanager
def versioned(
    obj: Item | Dependency,
    expected_version: int | None,
    what: str,
    values: Callable[[], dict[str, Any]],
    *,
    flush: bool = True,
) -> Iterator[None]:
    """Change `obj` inside the block only if it is still at `expected_version`, and
    flush. A newer version, whether seen now or by the flush (another transaction
    saved in between), raises StaleEdit and leaves everything as it was.

    With ``flush=False`` only the version as loaded is checked: the change stays in
    the session for the caller to flush, with others, in one go; that flush raises
    StaleDataError for a row saved by another transaction in between, and the caller
    must then roll back (see ``stale_item``)."""
    if expected_version != obj.version:
        raise _stale(obj, what, values)
    if not flush:
        yield
        return
    savepoint = db.session.begin_nested()
    try:
        yield
        db.session.flush()
    except StaleDataError:
        savepoint.rollback()
        db.session.refresh(obj)
        raise _stale(obj, what, values) from None
    except BaseException:
        savepoint.rollback()
        raise
    savepoint.commit()


def stale_item(loaded: Mapping[int, tuple[str, int]]) -> PlanningError | None:
    """After a flush of many items changed with ``update_item(..., flush=False)``
    failed (StaleDataError) and was rolled back: the refusal for the first of them
    that another transaction saved or deleted meanwhile, None when none was.
    ``loaded``: {item id: (key, version)} as the caller loaded them, before the
    flush. One query per 500 items."""
    ids = sorted(loaded)
    for at in range(0, len(ids), 500):
        chunk = ids[at : at + 500]
        found = dict(
            db.session.execute(select(Item.id, Item.version).where(Item.id.in_(chunk))).all()
        )
        for item_id in chunk:
            key, version = loaded[item_id]
            if item_id not in found:
                return PlanningError(
                    f"{key} was deleted by someone else meanwhile. Nothing was saved."
                )
            if found[item_id] != version:
                item = db.session.get(Item, item_id)
                db.session.refresh(item)
                return _stale(item, key, lambda item=item: item_values(item))
    return None


# Items

ITEM_FIELDS = (
    "title",
    "description",
    "priority",
    "start",
    "end",
    "estimate",
    "status",
    "health",
    "owner",
)


def item_values(item: Item) -> dict[str, Any]:
    """The editable fields of an item, as `update_item` takes them."""
    return {
        "title": item.title,
        "description": item.description,
        "priority": item.priority,
        "start": item.start_period,
        "end": item.end_period,
        "estimate": item.estimate,
        "status": item.status,
        "health": item.health,
        "owner": item.owner,
    }


def _check_item(values: dict[str, Any]) -> dict[str, Any]:
    """The values cleaned (text stripped, empty owner as None), or PlanningError."""
    title = (values["title"] or "").strip()
    if not title:
        raise PlanningError("An item needs a title.", "title")
    if len(title) > TITLE_MAX:
        raise PlanningError(too_long("title", TITLE_MAX), "title")
    description = (values["description"] or "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise PlanningError(too_long("description", DESCRIPTION_MAX), "description")
    if values["priority"] not in range(len(PRIORITY_NAMES)):
        raise PlanningError("The priority is P0 (highest) to P3.", "priority")
    estimate = values["estimate"]
    if not is_person_weeks(estimate):
        raise PlanningError(
            f"The estimate is a number of person-weeks from 0 to {PERSON_WEEKS_MAX:,}, or empty.",
            "estimate",
        )
    if values["status"] not in STATUSES:
        raise PlanningError(f"The status is one of {', '.join(STATUSES)}.", "status")
    if values["health"] not in HEALTHS:
        raise PlanningError(f"The health is one of {', '.join(HEALTHS)}.", "health")
    owner = (values["owner"] or "").strip() or None
    if owner is not None and len(owner) > OWNER_MAX:
        raise PlanningError(too_long("owner", OWNER_MAX), "owner")
    try:
        check_periods(values["start"], values["end"])
    except PlanningError as exc:
        raise PlanningError(str(exc), "end") from None
    return {**values, "title": title, "description": description, "owner": owner}


def update_item(
    item: Item, changes: dict[str, Any], *, expected_version: int | None, flush: bool = True
) -> dict[str, tuple[Any, Any]]:
    """Apply `changes` (any of ITEM_FIELDS) to the item as loaded at
    `expected_version`; returns {field: (old, new)} of what changed. ``flush=False``
    leaves the change unflushed, for a caller that changes many items and flushes
    them once (see ``versioned``)."""
    unknown = set(changes) - set(ITEM_FIELDS)
    if unknown:
        raise PlanningError(f"Unknown item fields: {', '.join(sorted(unknown))}.")
    current = item_values(item)
    wanted = _check_item({**current, **changes})
    changed = {k: (current[k], v) for k, v in wanted.items() if current[k] != v}
    with versioned(item, expected_version, item.key, lambda: item_values(item), flush=flush):
        for key, (_old, new) in changed.items():
            setattr(item, f"{key}_period" if key in ("start", "end") else key, new)
    return changed


def raise_priority(item: Item, priority: int, *, expected_version: int | None) -> None:
    if priority not in range(len(PRIORITY_NAMES)):
        raise PlanningError("The priority is P0 (highest) to P3.", "priority")
    if priority >= item.priority:
        raise PlanningError(
            f"{item.key} is already {item.priority_name}; {PRIORITY_NAMES[priority]} would not "
            "raise it."
        )
    update_item(item, {"priority": priority}, expected_version=expected_version)


def cancel_item(item: Item, *, expected_version: int | None) -> None:
    if item.status == "cancelled":
        raise PlanningError(f"{item.key} is already cancelled.")
    update_item(item, {"status": "cancelled"}, expected_version=expected_version)


def delete_item(item: Item, *, expected_version: int | None) -> None:
    """Delete the item and its dependencies in both directions (each one into the
    audit history), and with them its status updates."""
    with versioned(item, expected_version, item.key, lambda: item_values(item)):
        links = db.session.scalars(
            select(Dependency).where(
                or_(Dependency.dependent_id == item.id, Dependency.dependency_id == item.id)
            )
        )
        for link in links:
            db.session.delete(link)
        db.session.delete(item)

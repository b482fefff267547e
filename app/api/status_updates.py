"""/api/v1/status-updates: items' weekly status updates, read, and written one at
a time through the weekly status form's operation (same rules, same effect: the
newest update sets the item's health and status)."""

from __future__ import annotations

import uuid
from typing import Any

from flask import g, url_for
from flask_smorest import abort
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.api.base import allow, api_blueprint, page_by_id
from app.api.representations import status_update_json
from app.api.schemas import (
    StatusUpdateCreate,
    StatusUpdateFilter,
    StatusUpdateOut,
    StatusUpdatePage,
)
from app.clock import utcnow
from app.extensions import db
from app.models import Item, StatusUpdate, Team
from app.permissions import can
from app.status.operations import RowInput, StatusError, submit_week

blp = api_blueprint(
    "api_status_updates", __name__, "/api/v1/status-updates", "Weekly status updates of items."
)
# The weekly form's names for a row's fields, as the API names them.
FIELD_NAMES = {"key": "item"}


def _with_item():
    return joinedload(StatusUpdate.item)


def update_or_404(update_id: int) -> StatusUpdate:
    update = db.session.scalar(
        select(StatusUpdate).options(_with_item()).where(StatusUpdate.id == update_id)
    )
    if update is None:
        abort(404, message=f"No status update has the id {update_id}.")
    return update


@blp.route("")
@blp.arguments(StatusUpdateFilter, location="query")
@blp.response(200, StatusUpdatePage)
def list_status_updates(args):
    """Status updates by id (oldest first), a page at a time.

    Filter by item, team or ISO week."""
    allow("view")
    query = select(StatusUpdate).options(_with_item()).order_by(StatusUpdate.id)
    if args.get("item"):
        item_id = select(Item.id).where(Item.key == args["item"]).scalar_subquery()
        query = query.where(StatusUpdate.item_id == item_id)
    if args.get("team"):
        of_team = select(Item.id).join(Team, Team.id == Item.team_id)
        query = query.where(StatusUpdate.item_id.in_(of_team.where(Team.slug == args["team"])))
    if args.get("week"):
        query = query.where(StatusUpdate.week == args["week"])
    found = page_by_id(query, StatusUpdate.id, args)
    return {"data": [status_update_json(u) for u in found["data"]], "next": found["next"]}


@blp.route("/<int:update_id>")
@blp.response(200, StatusUpdateOut)
def get_status_update(update_id: int):
    """One status update."""
    allow("view")
    return status_update_json(update_or_404(update_id))


def _refused(error: StatusError) -> None:
    problems = error.problems.get(0, {})
    abort(
        422,
        message="The update breaks the status rules (see errors): nothing was saved.",
        errors=[
            {"field": FIELD_NAMES.get(name, name), "message": message}
            for name, message in problems.items()
        ],
    )


@blp.route("", methods=["POST"])
@blp.arguments(StatusUpdateCreate)
@blp.response(201, StatusUpdateOut)
def create_status_update(body: dict[str, Any]):
    """Report an item's health, status, progress and note for this week.

    The same rules as the weekly status form, with the same effect: the update sets
    the item's health and status. Planners, and contributors for their own teams'
    items."""
    allow("update_status")
    # Locked until the request ends, so that the update is made against what is read here.
    item = db.session.scalar(select(Item).where(Item.key == body["item"]).with_for_update())
    if item is None:
        message = f"No item has the key {body['item']!r}."
        abort(422, message=message, errors=[{"field": "item", "message": message}])
    user = g._login_user
    if not can(user, "update_status", item):
        abort(403, message="You may post status updates only for your own teams' items.")
    last = db.session.scalar(
        select(StatusUpdate)
        .where(StatusUpdate.item_id == item.id)
        .order_by(StatusUpdate.at.desc(), StatusUpdate.id.desc())
        .limit(1)
    )
    row = RowInput(
        key=item.key,
        health=body["health"],
        status=body.get("status", item.status),
        progress=body.get("progress"),
        note=(body.get("note") or "").strip(),
        no_change=True,
        last_update_id=last.id if last else 0,
        was_health=item.health,
        was_status=item.status,
        was_progress=last.progress if last else None,
    )
    submission = str(uuid.uuid4())
    try:
        outcome = submit_week(
            [row], team_ids={item.team_id}, author=user, submission=submission, now=utcnow()
        )
    except StatusError as error:
        _refused(error)
    if item.key in outcome.conflicts:
        abort(409, message=outcome.conflicts[item.key])
    update = db.session.scalar(
        select(StatusUpdate)
        .options(_with_item())
        .where(StatusUpdate.item_id == item.id, StatusUpdate.submission == submission)
    )
    location = url_for(".get_status_update", update_id=update.id)
    return status_update_json(update), 201, {"Location": location}

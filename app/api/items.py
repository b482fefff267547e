"""/api/v1/items: the plan's items, read, made, changed and deleted through the
same operations (and audit) as the web forms."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_smorest import abort
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.alignment import PRIORITY_NAMES
from app.api.base import (
    allow,
    api_blueprint,
    changes_something,
    check_if_match,
    guarded,
    page_by_id,
    refuse,
)
from app.api.representations import item_etag, item_json
from app.api.schemas import ItemCreate, ItemFilter, ItemOut, ItemPage, ItemPatch, ItemProblem
from app.extensions import db
from app.models import Item, Period, Team
from app.planning import operations
from app.planning.operations import PlanningError, StaleEdit

blp = api_blueprint("api_items", __name__, "/api/v1/items", "Items of the plan.")


def _loaded():
    return (
        joinedload(Item.team),
        joinedload(Item.start_period),
        joinedload(Item.end_period),
    )


def item_or_404(key: str) -> Item:
    item = db.session.scalar(select(Item).options(*_loaded()).where(Item.key == key))
    if item is None:
        abort(404, message=f"No item has the key {key!r}.")
    return item


def _period(name: str | None, field: str) -> Period | None:
    if name is None:
        return None
    found = db.session.scalar(select(Period).where(Period.name == name))
    if found is None:
        abort(422, message=f"No period is named {name!r}.", errors=[
            {"field": field, "message": f"unknown period {name!r}"}
        ])  # fmt: skip
    return found


def _values(body: dict[str, Any]) -> dict[str, Any]:
    """The body's fields as the operations take them (periods as rows, priority as 0-3)."""
    values = dict(body)
    values.pop("team", None)
    for side in ("start", "end"):
        if side in values:
            values[side] = _period(values[side], side)
    if "priority" in values:
        values["priority"] = PRIORITY_NAMES.index(values["priority"])
    if "start" in values and "end" not in values:
        values["end"] = values["start"]
    return values


def _answer(item: Item, status: int = 200):
    return item_json(item), status, {"ETag": item_etag(item)}


@blp.route("")
@blp.arguments(ItemFilter, location="query")
@blp.response(200, ItemPage)
def list_items(args):
    """Items by id, a page at a time; filter by team, status, health or priority."""
    allow("view")
    query = select(Item).options(*_loaded()).order_by(Item.id)
    if args.get("team"):
        query = query.join(Team, Team.id == Item.team_id).where(Team.slug == args["team"])
    for name in ("status", "health"):
        if args.get(name):
            query = query.where(getattr(Item, name) == args[name])
    if args.get("priority"):
        query = query.where(Item.priority == PRIORITY_NAMES.index(args["priority"]))
    found = page_by_id(query, Item.id, args)
    return {"data": [item_json(i) for i in found["data"]], "next": found["next"]}


@blp.route("", methods=["POST"])
@blp.arguments(ItemCreate)
@blp.response(201, ItemOut)
def create_item(body):
    """A new item; its key is the team's next (e.g. PAY-13)."""
    allow("plan")
    team = db.session.scalar(select(Team).where(Team.slug == body["team"]))
    if team is None:
        abort(422, message=f"No team has the slug {body['team']!r}.", errors=[
            {"field": "team", "message": f"unknown team {body['team']!r}"}
        ])  # fmt: skip
    try:
        item = operations.create_item(team, **_values(body))
    except PlanningError as error:
        refuse(error)
    db.session.refresh(item)
    item = item_or_404(item.key)
    body, status, headers = _answer(item, 201)
    headers["Location"] = url_for(".get_item", key=item.key)
    return body, status, headers


@blp.route("/<key>")
@blp.response(200, ItemOut)
def get_item(key: str):
    """One item, with its ETag (send it back in If-Match to change the item)."""
    allow("view")
    return _answer(item_or_404(key))


@blp.route("/<key>", methods=["PATCH"])
@blp.arguments(ItemPatch)
@blp.response(200, ItemOut)
@guarded(blp, stale=ItemProblem)
def patch_item(body, key: str):
    """Change some of an item's fields; needs If-Match with its ETag."""
    allow("plan")
    changes_something(body, "at least one of the item's fields")
    item = item_or_404(key)
    check_if_match(item_etag(item), lambda: item_json(item))
    try:
        operations.update_item(item, _values(body), expected_version=item.version)
    except StaleEdit:
        db.session.refresh(item)
        check_if_match(item_etag(item), lambda: item_json(item))
        raise
    except PlanningError as error:
        refuse(error)
    return _answer(item_or_404(key))


@blp.route("/<key>", methods=["DELETE"])
@blp.response(204)
@guarded(blp, stale=ItemProblem)
def delete_item(key: str):
    """Delete an item and its dependencies; needs If-Match with its ETag."""
    allow("plan")
    item = item_or_404(key)
    check_if_match(item_etag(item), lambda: item_json(item))
    try:
        operations.delete_item(item, expected_version=item.version)
    except StaleEdit:
        abort(412, message="It was changed after you read it: nothing was deleted.")
    return "", 204

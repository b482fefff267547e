"""/api/v1/dependencies: "item A needs item B", linked, answered, moved and
unlinked through the same operations (and audit) as the planning pages."""

from __future__ import annotations

from typing import Any

from flask import g, url_for
from flask_smorest import abort
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.api.base import (
    allow,
    api_blueprint,
    changes_something,
    check_if_match,
    guarded,
    page_by_id,
    refuse,
)
from app.api.representations import dependency_etag, dependency_json
from app.api.schemas import (
    DependencyCreate,
    DependencyFilter,
    DependencyOut,
    DependencyPage,
    DependencyPatch,
    DependencyProblem,
)
from app.extensions import db
from app.models import Dependency, Item, Period, Team
from app.permissions import can
from app.planning import dependency_operations as operations
from app.planning.operations import PlanningError, StaleEdit

blp = api_blueprint(
    "api_dependencies",
    __name__,
    "/api/v1/dependencies",
    "Dependencies between items: needed-by, commitment, answer notes.",
)


def _loaded():
    return (
        joinedload(Dependency.dependent),
        joinedload(Dependency.dependency),
        joinedload(Dependency.needed_by),
    )


def dependency_or_404(dep_id: int) -> Dependency:
    dep = db.session.scalar(select(Dependency).options(*_loaded()).where(Dependency.id == dep_id))
    if dep is None:
        abort(404, message=f"No dependency has the id {dep_id}: it may have been removed.")
    return dep


def _unknown(field: str, message: str) -> None:
    abort(422, message=message, errors=[{"field": field, "message": message}])


def _item(key: str, field: str) -> Item:
    item = db.session.scalar(select(Item).where(Item.key == key))
    if item is None:
        _unknown(field, f"No item has the key {key!r}.")
    return item


def _period(name: str | None, field: str = "needed_by") -> Period | None:
    if name is None:
        return None
    found = db.session.scalar(select(Period).where(Period.name == name))
    if found is None:
        _unknown(field, f"No period is named {name!r}.")
    return found


def _answer(dep: Dependency, status: int = 200):
    return dependency_json(dep), status, {"ETag": dependency_etag(dep)}


def _key_is(column, key: str):
    return column == select(Item.id).where(Item.key == key).scalar_subquery()


@blp.route("")
@blp.arguments(DependencyFilter, location="query")
@blp.response(200, DependencyPage)
def list_dependencies(args):
    """Dependencies by id, a page at a time.

    Filter by the dependent's or the dependency's key, by commitment, or by the
    providing team."""
    allow("view")
    query = select(Dependency).options(*_loaded()).order_by(Dependency.id)
    if args.get("dependent"):
        query = query.where(_key_is(Dependency.dependent_id, args["dependent"]))
    if args.get("dependency"):
        query = query.where(_key_is(Dependency.dependency_id, args["dependency"]))
    if args.get("commitment"):
        query = query.where(Dependency.commitment == args["commitment"])
    if args.get("team"):
        provided = select(Item.id).join(Team, Team.id == Item.team_id)
        query = query.where(Dependency.dependency_id.in_(provided.where(Team.slug == args["team"])))
    found = page_by_id(query, Dependency.id, args)
    return {"data": [dependency_json(d) for d in found["data"]], "next": found["next"]}


@blp.route("", methods=["POST"])
@blp.arguments(DependencyCreate)
@blp.response(201, DependencyOut)
def create_dependency(body):
    """Record that `dependent` needs `dependency`: a request to the providing team."""
    allow("plan")
    dependent = _item(body["dependent"], "dependent")
    dependency = _item(body["dependency"], "dependency")
    needed_by = _period(body.get("needed_by"))
    try:
        dep = operations.add_dependency(dependent, dependency, needed_by=needed_by)
    except PlanningError as error:
        refuse(error)
    dep = dependency_or_404(dep.id)
    answer, status, headers = _answer(dep, 201)
    headers["Location"] = url_for(".get_dependency", dep_id=dep.id)
    return answer, status, headers


@blp.route("/<int:dep_id>")
@blp.response(200, DependencyOut)
def get_dependency(dep_id: int):
    """One dependency, with its ETag (send it back in If-Match to change it)."""
    allow("view")
    return _answer(dependency_or_404(dep_id))


def _stale(dep: Dependency, stale: StaleEdit) -> None:
    """Another request saved the dependency in between: 412 with what it holds now."""
    db.session.expire_all()
    current = db.session.get(Dependency, dep.id)
    abort(
        412,
        message=str(stale),
        current=dependency_json(current) if current else None,
        headers={"ETag": dependency_etag(current)} if current else {},
    )


@blp.route("/<int:dep_id>", methods=["PATCH"])
@blp.arguments(DependencyPatch)
@blp.response(200, DependencyOut)
@guarded(blp, stale=DependencyProblem)
def patch_dependency(body: dict[str, Any], dep_id: int):
    """Change the needed-by period, or answer the request; needs If-Match.

    `needed_by` is a planner's change; `commitment` (committed or declined) and
    `note` answer the request, which planners and contributors of the providing team
    may do."""
    changes_something(body, "needed_by, commitment or note")
    answering = "commitment" in body or "note" in body
    if "needed_by" in body:
        allow("plan")
    if answering:
        allow("answer_request")
    dep = dependency_or_404(dep_id)
    if answering and not can(g._login_user, "answer_request", dep):
        team = dep.dependency.team.slug
        abort(403, message=f"Only members of the team asked ({team}) or planners answer it.")
    check_if_match(dependency_etag(dep), lambda: dependency_json(dep))
    needed_by = _period(body["needed_by"]) if "needed_by" in body else None
    try:
        if "needed_by" in body:
            operations.update_dependency(dep, needed_by=needed_by, expected_version=dep.version)
        if answering:
            operations.answer_request(
                dep,
                body.get("commitment", dep.commitment),
                body.get("note", dep.note),
                expected_version=dep.version,
            )
    except StaleEdit as stale:
        _stale(dep, stale)
    except PlanningError as error:
        refuse(error)
    return _answer(dependency_or_404(dep_id))


@blp.route("/<int:dep_id>", methods=["DELETE"])
@blp.response(204)
@guarded(blp, stale=DependencyProblem)
def delete_dependency(dep_id: int):
    """Remove the dependency: the dependent no longer needs it. Needs If-Match."""
    allow("plan")
    dep = dependency_or_404(dep_id)
    check_if_match(dependency_etag(dep), lambda: dependency_json(dep))
    try:
        operations.remove_dependency(dep, expected_version=dep.version)
    except StaleEdit as stale:
        _stale(dep, stale)
    return "", 204

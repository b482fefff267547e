"""Conflicts of the plan and the decisions on them.

The list selects as `flask conflicts` and the conflicts page do (Analysis.select)
and shows each conflict as `flask conflicts --format json` does, with its
explanation and one-click actions; it pages through the analysis's order (most
severe first, then type, then first item) by a cursor that names the last
conflict's place in that order, so a page follows on from the one before even
when conflicts come and go in between. Decisions go through the same operations
(and audit) as the conflict page."""

from __future__ import annotations

from bisect import bisect_right
from datetime import datetime, time
from operator import attrgetter

from flask_login import current_user
from flask_smorest import abort

from app.alignment import Analysis, Conflict
from app.alignment.collector import collector_paused
from app.alignment.conflict import CONFLICT_TYPES, SEVERITIES
from app.api.base import allow, api_blueprint, decode_cursor, page, refuse
from app.api.representations import conflict_json
from app.api.schemas import ConflictFilter, ConflictOut, ConflictPage, DecisionIn, Problem
from app.dashboard import operations
from app.dashboard.operations import ConflictGone, DecisionError
from app.plan_store import analyze_plan

blp = api_blueprint(
    "api_conflicts",
    __name__,
    "/api/v1/conflicts",
    "Conflicts of the plan and the decisions on them.",
)

NOT_CURRENT = "No current conflict has the fingerprint {!r}: it may be resolved."


def _position(conflict: Conflict) -> tuple[str, str, str, str]:
    """The conflict's place in the analysis's order, as a cursor's parts (the key
    in hex, so that no key can be taken for the parts' separator)."""
    rank, type_, key, fingerprint = conflict.sort_key
    return (str(rank), type_, key.encode().hex(), fingerprint)


def _after(cursor: str | None) -> tuple[int, str, str, str] | None:
    parts = decode_cursor(cursor, 4)
    if parts is None:
        return None
    rank, type_, key, fingerprint = parts
    try:
        place = (int(rank), type_, bytes.fromhex(key).decode(), fingerprint)
    except ValueError:
        place = None
    if place is None or not 0 <= place[0] < len(SEVERITIES) or type_ not in CONFLICT_TYPES:
        abort(400, message="The cursor is not one this API gave.", errors=[
            {"field": "cursor", "message": "not a cursor from a `next` link"}
        ])  # fmt: skip
    return place


def _check_names(args: dict, analysis: Analysis) -> None:
    """422 for a team or period the plan does not have, as `flask conflicts` refuses them."""
    errors = []
    team, period = args.get("team"), args.get("period")
    if team is not None and team not in {t.slug for t in analysis.snapshot.teams}:
        errors.append({"field": "team", "message": f'unknown team "{team}"'})
    if period is not None and period not in {p.name for p in analysis.snapshot.periods}:
        errors.append({"field": "period", "message": f'unknown period "{period}"'})
    if errors:
        abort(422, message="; ".join(e["message"] for e in errors) + ".", errors=errors)


def _current(fingerprint: str, analysis: Analysis | None = None) -> Conflict:
    try:
        return operations.find_conflict(fingerprint, analysis or analyze_plan())
    except ConflictGone:
        abort(404, message=NOT_CURRENT.format(fingerprint))


@blp.route("")
@blp.arguments(ConflictFilter, location="query")
@blp.response(200, ConflictPage)
def list_conflicts(args):
    """The plan's conflicts, most severe first, a page at a time; filter by type,
    severity, team, period and state as `flask conflicts` and the conflicts page do."""
    allow("view")
    as_of = args.get("as_of")
    with collector_paused():
        analysis = analyze_plan(None if as_of is None else datetime.combine(as_of, time()))
        _check_names(args, analysis)
        selected = analysis.select(
            **{name: args.get(name) for name in ("type", "severity", "team", "period", "state")}
        )
        after = _after(args["cursor"])
        start = 0 if after is None else bisect_right(selected, after, key=attrgetter("sort_key"))
        found = page(selected[start : start + args["limit"] + 1], args["limit"], _position)
        return {
            "data": [conflict_json(c) for c in found["data"]],
            "total": len(selected),
            "next": found["next"],
        }


@blp.route("/<fingerprint>")
@blp.response(200, ConflictOut)
@blp.alt_response(404, schema=Problem, description="No current conflict has it.")
def get_conflict(fingerprint: str):
    """One current conflict, by its fingerprint."""
    allow("view")
    return conflict_json(_current(fingerprint))


@blp.route("/<fingerprint>/decision", methods=["POST"])
@blp.arguments(DecisionIn)
@blp.response(200, ConflictOut)
@blp.alt_response(404, schema=Problem, description="No current conflict has it.")
def decide(body, fingerprint: str):
    """Acknowledge a current conflict or accept its risk, with a note; replaces any
    decision before. The decision holds while the conflict's cause stands."""
    allow("decide_conflict")
    analysis = analyze_plan()
    _current(fingerprint, analysis)
    try:
        operations.decide(
            fingerprint, body["state"], body["note"], actor=current_user, analysis=analysis
        )
    except DecisionError as error:
        refuse(error)
    return conflict_json(_current(fingerprint))


@blp.route("/<fingerprint>/decision", methods=["DELETE"])
@blp.response(204)
@blp.alt_response(404, schema=Problem, description="No decision has it.")
def withdraw(fingerprint: str):
    """Withdraw the decision about a conflict: it counts as open again."""
    allow("decide_conflict")
    try:
        operations.withdraw(fingerprint)
    except ConflictGone:
        abort(404, message=f"No decision has the fingerprint {fingerprint!r}.")
    return "", 204

"""Teams with their capacity, periods and capacity cells.

A team is shown as the plan interchange format writes it (docs/plan-format.md).
A capacity cell is one team's capacity in one period; it is changed through the
capacity table's own save (app.planning.capacity), one cell at a time, with
If-Match on the cell's ETag."""

from __future__ import annotations

from hashlib import sha1
from typing import Any

from flask_smorest import abort
from sqlalchemy import select

from app.api.base import allow, api_blueprint, check_if_match, etag_of, guarded, refuse
from app.api.representations import capacity_cell_json, period_json, team_json
from app.api.schemas import (
    CapacityCellIn,
    CapacityCellOut,
    CapacityProblem,
    PeriodList,
    TeamList,
    TeamOut,
)
from app.extensions import db
from app.models import Period, Team, TeamCapacity
from app.planning.capacity import CapacityChanged, CellState, save_capacities
from app.planning.operations import PlanningError

blp = api_blueprint(
    "api_teams", __name__, "/api/v1", "Teams with their capacity, periods and capacity cells."
)

NO_OVERRIDE = CellState(None, None)
ETAG_HEADER = {"ETag": {"description": "The cell's ETag: send it in If-Match to change it."}}
IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": True,
    "description": "The ETag of the cell as read: 428 without it, 412 when it is stale.",
    "schema": {"type": "string"},
}


def _periods() -> list[Period]:
    """Every period in the plan's order (by start date), as the export lists them."""
    return list(db.session.scalars(select(Period).order_by(Period.start_date, Period.id)))


def _overrides(periods: list[Period], team_id: int | None = None) -> dict[int, list]:
    """``{team id: [(period name, person-weeks)]}`` in period order."""
    rank = {period.id: (n, period.name) for n, period in enumerate(periods)}
    query = select(TeamCapacity.team_id, TeamCapacity.period_id, TeamCapacity.person_weeks)
    if team_id is not None:
        query = query.where(TeamCapacity.team_id == team_id)
    found: dict[int, list] = {}
    for team, period_id, person_weeks in db.session.execute(query):
        found.setdefault(team, []).append((*rank[period_id], person_weeks))
    return {team: [(name, pw) for _n, name, pw in sorted(rows)] for team, rows in found.items()}


def team_or_404(slug: str) -> Team:
    team = db.session.scalar(select(Team).where(Team.slug == slug))
    if team is None:
        abort(404, message=f"No team has the slug {slug!r}.")
    return team


def period_or_404(name: str) -> Period:
    period = db.session.scalar(select(Period).where(Period.name == name))
    if period is None:
        abort(404, message=f"No period is named {name!r}.")
    return period


@blp.route("/teams")
@blp.response(200, TeamList)
def list_teams():
    """Every team by slug, with its capacity (default and per-period overrides)."""
    allow("view")
    periods = _periods()
    overrides = _overrides(periods)
    teams = db.session.scalars(select(Team).order_by(Team.slug))
    return {"data": [team_json(team, overrides.get(team.id, [])) for team in teams]}


@blp.route("/teams/<slug>")
@blp.response(200, TeamOut)
def get_team(slug: str):
    """One team, with its capacity (default and per-period overrides)."""
    allow("view")
    team = team_or_404(slug)
    return team_json(team, _overrides(_periods(), team.id).get(team.id, []))


@blp.route("/periods")
@blp.response(200, PeriodList)
def list_periods():
    """Every planning period, by start date."""
    allow("view")
    return {"data": [period_json(period) for period in _periods()]}


# -- Capacity cells --------------------------------------------------------------------


def _cell(team: Team, period: Period) -> CellState:
    row = db.session.execute(
        select(TeamCapacity.person_weeks, TeamCapacity.version).where(
            TeamCapacity.team_id == team.id, TeamCapacity.period_id == period.id
        )
    ).first()
    return NO_OVERRIDE if row is None else CellState(row.person_weeks, row.version)


def capacity_etag(team: Team, period: Period, cell: CellState) -> str:
    """The cell's ETag: its version, and what it shows (the override and the team's
    default), so that an override removed and set again is never taken for the
    one read before, and a new default shows as a change."""
    shown = f"{cell.value!r}|{team.default_capacity!r}|{team.capacity_version}"
    digest = sha1(shown.encode()).hexdigest()[:10]
    return etag_of("capacity", f"{team.id}.{period.id}.{digest}", cell.version or 0)


def _answer(team: Team, period: Period, cell: CellState) -> tuple[dict[str, Any], int, dict]:
    body = capacity_cell_json(team, period, cell.value, cell.version)
    return body, 200, {"ETag": capacity_etag(team, period, cell)}


@blp.route("/teams/<slug>/capacity/<path:period>")
@blp.response(200, CapacityCellOut, headers=ETAG_HEADER)
def get_capacity(slug: str, period: str):
    """One team's capacity in one period, with its ETag (send it back in If-Match
    to change it)."""
    allow("view")
    team, found = team_or_404(slug), period_or_404(period)
    return _answer(team, found, _cell(team, found))


@blp.route("/teams/<slug>/capacity/<path:period>", methods=["PUT"])
@blp.arguments(CapacityCellIn)
@blp.response(200, CapacityCellOut, headers=ETAG_HEADER)
@blp.doc(parameters=[IF_MATCH])
@guarded(blp, stale=CapacityProblem)
def put_capacity(body, slug: str, period: str):
    """Set a team's capacity in one period (null: use the team's default); needs
    If-Match with the cell's ETag."""
    allow("plan")
    team, found = team_or_404(slug), period_or_404(period)
    loaded = _cell(team, found)

    def current() -> dict[str, Any]:
        return capacity_cell_json(team, found, loaded.value, loaded.version)

    check_if_match(capacity_etag(team, found, loaded), current)
    try:
        save_capacities({(team.id, found.id): body["person_weeks"]}, {(team.id, found.id): loaded})
    except CapacityChanged as changed:
        db.session.refresh(team)
        now = _cell(team, found)
        clashes = "; ".join(clash.text() for clash in changed.clashes)
        abort(
            412,
            message=f"It was changed after you read it: {clashes}. Nothing was saved. "
            "Read it again (its current version is in `current`) and retry.",
            current=capacity_cell_json(team, found, now.value, now.version),
            headers={"ETag": capacity_etag(team, found, now)},
        )
    except PlanningError as error:
        refuse(error)
    db.session.refresh(team)
    return _answer(team, found, _cell(team, found))

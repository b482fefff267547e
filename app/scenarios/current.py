"""The scenario a browser is in: its id in the Flask session (``session["scenario"]``),
set by switching into a scenario and dropped by going back to the live plan. The
roadmap, capacity page, conflicts list and dashboard show ``plan_analysis()``:
that scenario's analysis, or the live plan's outside one."""

from __future__ import annotations

from flask import g, has_request_context, session

from app.alignment import Analysis
from app.extensions import db
from app.models import Scenario
from app.plan_store import analyze_plan

SESSION_KEY = "scenario"
_UNSET = object()


def current_scenario() -> Scenario | None:
    """The scenario of this browser's session, once per request; a scenario that is
    gone (deleted meanwhile) or an id that is not one is dropped silently."""
    if not has_request_context():
        return None
    found = g.get("_scenario", _UNSET)
    if found is not _UNSET:
        return found
    scenario_id = session.get(SESSION_KEY)
    found = None
    if isinstance(scenario_id, int) and not isinstance(scenario_id, bool):
        found = db.session.get(Scenario, scenario_id)
    if found is None and SESSION_KEY in session:
        session.pop(SESSION_KEY)
    g._scenario = found
    return found


def enter(scenario: Scenario) -> None:
    session[SESSION_KEY] = scenario.id
    g._scenario = scenario


def leave() -> None:
    session.pop(SESSION_KEY, None)
    g._scenario = None


def plan_analysis() -> Analysis:
    """The analysis the pages show: the current scenario's, else the live plan's."""
    from app.scenarios import operations

    scenario = current_scenario()
    return analyze_plan() if scenario is None else operations.scenario_analysis(scenario)

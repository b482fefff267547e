"""Scenarios: named sets of changes over the live plan (what-ifs), analysed like
the plan, compared with it, auto-scheduled and applied to it on request. The
web pages are this blueprint's; what scenarios do to the data is
``app.scenarios.operations``."""

from flask import Blueprint

bp = Blueprint("scenarios", __name__)

from app.scenarios import autoschedule_routes, clash_routes, routes  # noqa: E402, F401

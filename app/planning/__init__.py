"""Planning: item pages, items and dependencies, requests between teams."""

from flask import Blueprint

bp = Blueprint("planning", __name__)

from app.planning import action_routes, dependency_routes, routes  # noqa: E402, F401

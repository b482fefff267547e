"""The leadership dashboard and the conflicts list: what the plan's conflicts are,
how they trend week to week, and the decisions people took about them."""

from flask import Blueprint

bp = Blueprint("dashboard", __name__)

from app.dashboard import conflict_routes, routes  # noqa: E402, F401

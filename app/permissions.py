"""Who may do what: the one place every route asks.

Actions:
- ``view``: read the roadmap, items, dashboards (every signed-in user)
- ``plan``: create and edit items, dependencies, capacity; reschedule (planner, admin)
- ``update_status``: post a status update for an item or a team's items
  (planner, admin; a contributor for the teams they belong to)
- ``answer_request``: commit to or decline a dependency request (planner, admin;
  a contributor of the providing team)
- ``decide_conflict``: acknowledge a conflict or accept its risk (planner, admin)
- ``admin``: users, teams, periods (admin)

The API asks the same questions for the user of its access token; a ``read``
token may only ``view``.
"""

from __future__ import annotations

from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user

from app.models import Dependency, Item, Team

ACTIONS = ("view", "plan", "update_status", "answer_request", "decide_conflict", "admin")
_BY_ROLE = {
    "admin": set(ACTIONS),
    "planner": {"view", "plan", "update_status", "answer_request", "decide_conflict"},
    "contributor": {"view", "update_status", "answer_request"},
    "viewer": {"view"},
}
_TEAM_SCOPED = {"update_status", "answer_request"}
# What a refused person reads on the 403 page: who may, and what they can do instead.
_REFUSALS = {
    "view": "Your account cannot see the plan. Ask an admin to reactivate it.",
    "plan": "Only planners and admins can change the plan. You can still read everything.",
    "update_status": "Only planners, admins and a team's own members can update its status.",
    "answer_request": (
        "Only planners, admins and the members of the team asked can answer a request."
    ),
    "decide_conflict": "Only planners and admins can acknowledge a conflict or accept its risk.",
    "admin": "Only admins can manage users, teams, periods and webhooks.",
}


def _team_id_of(obj: Any) -> int | None:
    if isinstance(obj, Team):
        return obj.id
    if isinstance(obj, Item):
        return obj.team_id
    if isinstance(obj, Dependency):
        return obj.dependency.team_id
    return None


def can(user: Any, action: str, obj: Any = None) -> bool:
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if action not in _BY_ROLE[user.role]:
        return False
    if action != "view" and getattr(user, "token_scope", None) == "read":
        return False  # an API request made with a read-only token
    if user.role == "contributor" and action in _TEAM_SCOPED and obj is not None:
        return _team_id_of(obj) in user.team_ids
    return True


def require(action: str):
    """Route decorator: 403 unless the current user may do `action` (no object)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not can(current_user, action):
                abort(403, description=refusal(action))
            return view(*args, **kwargs)

        return wrapped

    return decorator


def refusal(action: str, obj: Any = None) -> str:
    """Why ``action`` (on ``obj``) is refused, in words for the 403 page."""
    if isinstance(obj, Team) and action == "update_status":
        return (
            f"Only {obj.name}'s members, planners and admins can update {obj.name}'s status. "
            "You can still follow it on its status page."
        )
    return _REFUSALS[action]


def ensure(action: str, obj: Any = None) -> None:
    """Inside a view, once the object is loaded: 403 unless allowed."""
    if not can(current_user, action, obj):
        abort(403, description=refusal(action, obj))

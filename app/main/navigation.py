"""The main navigation: each area's entry page, shown when the area exists and the
signed-in user may use it."""

from __future__ import annotations

from flask import current_app, request, url_for
from flask_login import current_user

from app.main import bp
from app.permissions import can

# (endpoint, label, action the user needs)
NAV = (
    ("roadmap.index", "Roadmap", "view"),
    ("roadmap.capacity", "Capacity", "view"),
    ("status.my_week", "My week", "update_status"),
    ("status.overview", "Status", "view"),
    ("dashboard.index", "Dashboard", "view"),
    ("dashboard.conflicts", "Conflicts", "view"),
    ("scenarios.index", "Scenarios", "view"),
    ("importing.start", "Import", "plan"),
    ("admin.users", "Admin", "admin"),
)


@bp.app_context_processor
def _navigation() -> dict:
    def nav_links() -> list[tuple[str, str, bool]]:
        links = []
        for endpoint, label, action in NAV:
            if endpoint in current_app.view_functions and can(current_user, action):
                links.append((url_for(endpoint), label, request.endpoint == endpoint))
        return links

    return {"nav_links": nav_links}

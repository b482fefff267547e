from flask import redirect, url_for
from flask_login import current_user, login_required

from app.main import bp
from app.permissions import require

# Each role's home: planners plan on the roadmap, contributors post their week,
# leadership reads the dashboard.
HOME_BY_ROLE = {
    "admin": "roadmap.index",
    "planner": "roadmap.index",
    "contributor": "status.my_week",
    "viewer": "dashboard.index",
}


@bp.route("/")
@login_required
@require("view")
def home():
    return redirect(url_for(HOME_BY_ROLE[current_user.role]))

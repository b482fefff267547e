"""The dashboard, what slipped, and say/do."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_login import login_required
from wtforms import SelectChoice

from app.alignment import SEVERITIES
from app.alignment.collector import collector_paused
from app.clock import utcnow
from app.dashboard import bp
from app.dashboard.charts import heat_chart, trend_chart
from app.dashboard.forms import SinceForm
from app.dashboard.history import default_since, say_do, slipped_since, snapshot_weeks
from app.dashboard.labels import STATE_LABELS
from app.dashboard.sections import PRIORITY_WEIGHTS, build_dashboard
from app.dashboard.snapshots import load_trend, snapshot_taken
from app.permissions import require
from app.planning.schedule import periods_in_order
from app.scenarios.current import plan_analysis
from app.weeks import iso_week


def item_url(key: str) -> str:
    return url_for("planning.item", key=key)


def roadmap_url(team: str, period: str) -> str:
    """The roadmap showing one team in one period."""
    return url_for("roadmap.index", **{"team": team, "from": period, "periods": 1})


@bp.context_processor
def _helpers() -> dict:
    return {
        "item_url": item_url,
        "roadmap_url": roadmap_url,
        "state_labels": STATE_LABELS,
        "severities": SEVERITIES,
    }


def _dashboard_page(print_view: bool) -> str:
    analysis = plan_analysis()
    now = analysis.now
    week = iso_week(now)
    board = build_dashboard(analysis)
    return render_template(
        "dashboard/index.html",
        board=board,
        trend=trend_chart(load_trend(analysis, week, counts=board.tiles.counts)),
        heat=heat_chart(board.heat_map),
        weights=PRIORITY_WEIGHTS,
        now=now,
        week=week,
        snapshot_taken=snapshot_taken(week),
        print_view=print_view,
    )


@bp.route("/dashboard")
@login_required
@require("view")
def index():
    with collector_paused():
        return _dashboard_page(print_view=request.args.get("print") == "1")


@bp.route("/dashboard/slipped")
@login_required
@require("view")
def slipped():
    today = utcnow().date()
    weeks = snapshot_weeks()
    periods = periods_in_order()
    form = SinceForm(request.args)
    form.since.choices = [
        SelectChoice(w.week, f"{w.week} (taken {w.taken_at:%Y-%m-%d})") for w in reversed(weeks)
    ]
    if not form.validate():
        return render_template("dashboard/slipped.html", form=form, teams=None, since=None), 400
    if not form.since.data:
        form.since.data = default_since(weeks, periods, today)
    since = next((w for w in weeks if w.week == form.since.data), None)
    teams = slipped_since(since.id, periods) if since else []
    return render_template("dashboard/slipped.html", form=form, teams=teams, since=since)


@bp.route("/dashboard/say-do", endpoint="say_do")
@login_required
@require("view")
def say_do_page():
    today = utcnow().date()
    return render_template(
        "dashboard/say_do.html", periods=say_do(periods_in_order(), snapshot_weeks(), today)
    )

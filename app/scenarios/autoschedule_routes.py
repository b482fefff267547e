"""Auto-scheduling a scenario from the web: the button starts a run (a job, see
``app.scenarios.autoschedule_runs``) and sends the browser to the run's page,
which shows its progress (refreshing itself, or asked as JSON by
static/js/autoschedule.js) and then its outcome, with the way to the compare page
that lists the moves and their reasons."""

from __future__ import annotations

from flask import abort, jsonify, redirect, render_template, url_for
from flask_login import current_user, login_required

from app.extensions import db
from app.models import Period
from app.models.autoschedule_run import AutoscheduleRun
from app.permissions import require
from app.planning.schedule import periods_in_order
from app.scenarios import bp
from app.scenarios.autoschedule_runs import (
    RunAlreadyActive,
    latest_run,
    run_view,
    start_run,
)
from app.scenarios.forms import PIN_CHOICES, AutoscheduleForm
from app.scenarios.operations import ScenarioError
from app.scenarios.routes import scenario_or_404
from app.web import wants_json

PIN_LABELS = {choice.value: choice.label for choice in PIN_CHOICES}


@bp.app_context_processor
def _autoschedule_runs() -> dict:
    return {"latest_autoschedule": _latest}


def _latest(scenario):
    """The scenario's newest run, in words (None: it has had none)."""
    run = latest_run(scenario)
    return run_view(run, scenario) if run is not None else None


def _page(scenario, *, view=None, refusal=None, form=None, running=None, status=200):
    """The run's page (``view``), or the refusal of a start: with the way to the
    run that is ``running``, else with the form again."""
    horizon = None
    if view is not None and view.run.horizon_period_id is not None:
        horizon = db.session.get(Period, view.run.horizon_period_id)
    show_form = running is None and (view is None or not view.run.active)
    page = render_template(
        "scenarios/autoschedule.html",
        scenario=scenario,
        view=view,
        refusal=refusal,
        form=form,
        running=running,
        show_form=show_form,
        horizon=horizon,
        pin_labels=PIN_LABELS,
        period_names=[p.name for p in periods_in_order()] if show_form else [],
    )
    return page, status


@bp.route("/scenarios/<int:scenario_id>/autoschedule", methods=["POST"])
@login_required
@require("plan")
def autoschedule(scenario_id: int):
    scenario = scenario_or_404(scenario_id)
    periods = periods_in_order()
    form = AutoscheduleForm()
    form.offer([period.name for period in periods])
    if not form.validate_on_submit():
        errors = "; ".join(e for errs in form.errors.values() for e in errs)
        return _page(scenario, refusal=f"Auto-schedule how? {errors}", form=form, status=400)
    horizon = next((p for p in periods if p.name == form.horizon.data), None)
    try:
        run = start_run(
            scenario,
            pin=form.pin.data,
            horizon=horizon,
            expected_version=form.version.data,
            actor=current_user,
        )
    except RunAlreadyActive as refusal:
        return _page(scenario, refusal=str(refusal), running=refusal.run, status=409)
    except ScenarioError as refusal:
        return _page(scenario, refusal=str(refusal), form=form, status=409)
    return redirect(url_for(".autoschedule_run", scenario_id=scenario.id, run_id=run.id))


@bp.route("/scenarios/<int:scenario_id>/autoschedule/<int:run_id>")
@login_required
@require("view")
def autoschedule_run(scenario_id: int, run_id: int):
    scenario = scenario_or_404(scenario_id)
    run = db.session.get(AutoscheduleRun, run_id)
    if run is None or run.scenario_id != scenario.id:
        abort(404, description=f"Scenario {scenario.name} has no such auto-schedule run.")
    view = run_view(run, scenario)
    if wants_json():
        return jsonify(
            {
                **view.as_dict(),
                "compare_url": url_for(".compare", scenario_id=scenario.id),
            }
        )
    return _page(scenario, view=view)

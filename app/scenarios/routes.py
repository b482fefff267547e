"""Scenario pages: the list (create, rename, copy, delete), switching into one and
back to the live plan, comparing one with the live plan or another scenario,
applying one (auto-scheduling one: ``autoschedule_routes``)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.alignment.collector import collector_paused
from app.alignment.text import plural
from app.extensions import db
from app.forms import refused
from app.models import Scenario, ScenarioChange
from app.permissions import can, ensure, require
from app.planning.forms import form_for
from app.scenarios import bp, operations
from app.scenarios.current import current_scenario, enter, leave
from app.scenarios.edits import dependency_version, planned_item
from app.scenarios.forms import (
    LIVE,
    PIN_CHOICES,
    CompareForm,
    ConfirmForm,
    CopyForm,
    CreateForm,
    RenameForm,
    VersionForm,
    scenario_choices,
)
from app.web import local_url


@bp.app_context_processor
def _scenario_banner() -> dict:
    return {
        "current_scenario": current_scenario,
        "pin_choices": [(choice.value, choice.label) for choice in PIN_CHOICES],
        "scenario_item": lambda item: planned_item(current_scenario(), item),
        "answer_version": _answer_version,
    }


def _answer_version(dep) -> int:
    """The version an answer to ``dep`` carries: the row's, or in a scenario the
    scenario's for its commitment (app.scenarios.edits.edit_version)."""
    scenario = current_scenario()
    if scenario is None:
        return dep.version
    return dependency_version(scenario, dep, "commitment")


def shift_words(move) -> str:
    """How far a comparison's move takes an item, in words."""
    if move.end is None and move.to_end is None:
        return "another team"
    if move.to_end is None:
        return "to the backlog"
    if move.end is None:
        return "out of the backlog"
    shift = move.shift
    if shift == 0:
        return "same end period" + (", another team" if move.team_id != move.to_team_id else "")
    return f"{plural(abs(shift), 'period')} {'later' if shift > 0 else 'earlier'}"


def _all() -> list[Scenario]:
    return list(
        db.session.scalars(
            select(Scenario).options(joinedload(Scenario.created_by)).order_by(Scenario.name)
        )
    )


def scenario_or_404(scenario_id: int) -> Scenario:
    scenario = db.session.get(Scenario, scenario_id)
    if scenario is None:
        abort(404, description="There is no such scenario: it may have been deleted.")
    return scenario


def _list_page(create=None, status=200, forms=None):
    """The list; ``forms``: {scenario id: {"rename": form, "copy": form}} refused."""
    scenarios = _all()
    counts = dict(
        db.session.execute(
            select(ScenarioChange.scenario_id, func.count()).group_by(ScenarioChange.scenario_id)
        ).all()
    )
    planner = can(current_user, "plan")
    if create is None and planner:
        create = CreateForm(formdata=None)
    if create is not None:
        create.source.choices = scenario_choices(scenarios)
    forms = forms or {}
    rows = [
        {
            "scenario": s,
            "changes": counts.get(s.id, 0),
            "rename_form": forms.get(s.id, {}).get("rename")
            or RenameForm(formdata=None, name=s.name),
            "copy_form": forms.get(s.id, {}).get("copy")
            or CopyForm(formdata=None, name=f"Copy of {s.name}"[:80]),
        }
        for s in scenarios
    ]
    page = render_template(
        "scenarios/index.html",
        rows=rows,
        create=create if planner else None,
        confirm=ConfirmForm(formdata=None),
        current=current_scenario(),
    )
    return page, status


@bp.route("/scenarios", methods=["GET", "POST"])
@login_required
@require("view")
def index():
    if request.method == "GET":
        return _list_page()
    ensure("plan")
    scenarios = _all()
    form = CreateForm()
    form.source.choices = scenario_choices(scenarios)
    if not form.validate_on_submit():
        return _list_page(form, 400)
    source = None if form.source.data == LIVE else db.session.get(Scenario, int(form.source.data))
    try:
        scenario = operations.create_scenario(form.name.data, source=source, actor=current_user)
    except operations.ScenarioError as error:
        refused(form, error, "name")
        return _list_page(form, 400)
    enter(scenario)
    where = f"a copy of scenario {source.name}" if source else "the live plan"
    flash(
        f"Created scenario {scenario.name} from {where}, and switched into it: "
        "changes you make now go into it.",
        "success",
    )
    return redirect(url_for("roadmap.index"))


@bp.route("/scenarios/<int:scenario_id>/rename", methods=["POST"])
@login_required
@require("plan")
def rename(scenario_id: int):
    scenario = scenario_or_404(scenario_id)
    form = RenameForm()
    old = scenario.name
    status = 400
    if form.validate_on_submit():
        try:
            operations.rename_scenario(scenario, form.name.data, expected_version=form.version.data)
        except operations.ScenarioError as error:
            status = _refusal(form, error, "name")
        else:
            flash(f"Renamed scenario {old} to {scenario.name}.", "success")
            return redirect(url_for(".index"))
    return _list_page(status=status, forms={scenario_id: {"rename": form}})


def _refusal(form, error, field: str) -> int:
    """Show the refusal on the form; its status (409: the scenario changed meanwhile)."""
    refused(form, error, field)
    if isinstance(error, operations.ScenarioStale):
        form.version.data, form.version.raw_data = None, []
        return 409
    return 400


def _stale(scenario: Scenario, version: int) -> operations.ScenarioStale | None:
    """The refusal of a change made to ``scenario`` as loaded at ``version``, if it
    has changed since."""
    if version == scenario.version:
        return None
    return operations.ScenarioStale(
        f"Scenario {scenario.name} was changed by someone else after you opened this page. "
        "Nothing was done: look at it again."
    )


@bp.route("/scenarios/<int:scenario_id>/copy", methods=["POST"])
@login_required
@require("plan")
def copy(scenario_id: int):
    scenario = scenario_or_404(scenario_id)
    form = CopyForm()
    status = 400
    if form.validate_on_submit():
        try:
            stale = _stale(scenario, form.version.data)
            if stale:
                raise stale
            made = operations.copy_scenario(scenario, form.name.data, actor=current_user)
        except operations.ScenarioError as error:
            status = _refusal(form, error, "name")
        else:
            flash(f"Copied scenario {scenario.name} to {made.name}.", "success")
            return redirect(url_for(".index"))
    return _list_page(status=status, forms={scenario_id: {"copy": form}})


@bp.route("/scenarios/<int:scenario_id>/delete", methods=["POST"])
@login_required
@require("plan")
def delete(scenario_id: int):
    scenario = scenario_or_404(scenario_id)
    form = VersionForm()
    if not form.validate_on_submit():
        return _list_page(status=400)
    name = scenario.name
    try:
        operations.delete_scenario(scenario, expected_version=form.version.data)
    except operations.ScenarioError as error:
        flash(str(error), "error")
        return _list_page(status=409)
    if current_scenario() is scenario:
        leave()
    flash(f"Deleted scenario {name}. The live plan is unchanged.", "success")
    return redirect(url_for(".index"))


def _next_url(form: ConfirmForm) -> str:
    return local_url(form.next.data) or url_for("roadmap.index")


@bp.route("/scenarios/<int:scenario_id>/switch", methods=["POST"])
@login_required
@require("view")
def switch(scenario_id: int):
    scenario = scenario_or_404(scenario_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return _list_page(status=400)
    enter(scenario)
    edits = "changes you make now go into it" if can(current_user, "plan") else "you can look"
    flash(f"You are in scenario {scenario.name}: {edits}; the live plan is untouched.", "info")
    return redirect(_next_url(form))


@bp.route("/scenarios/leave", methods=["POST"])
@login_required
@require("view")
def leave_scenario():
    form = ConfirmForm()
    scenario = current_scenario()
    leave()
    if scenario is not None:
        flash(f"Back to the live plan (scenario {scenario.name} is kept).", "info")
    return redirect(_next_url(form) if form.validate_on_submit() else url_for("roadmap.index"))


@bp.route("/scenarios/<int:scenario_id>/compare")
@login_required
@require("view")
def compare(scenario_id: int):
    scenario = scenario_or_404(scenario_id)
    scenarios = _all()
    form = CompareForm(request.args)
    form.against.choices = scenario_choices(scenarios, exclude=scenario)
    if not form.validate():
        page = render_template(
            "scenarios/compare.html", scenario=scenario, form=form, comparison=None
        )
        return page, 400
    against = None
    if form.against.data and form.against.data != LIVE:
        against = next(s for s in scenarios if str(s.id) == form.against.data)
    with collector_paused():
        comparison = operations.compare_scenario(scenario, against)
        base, other = comparison.base, comparison.other
        return render_template(
            "scenarios/compare.html",
            scenario=scenario,
            against=against,
            form=form,
            comparison=comparison,
            period_names=[p.name for p in other.snapshot.periods],
            team_names={t.id: t.name for t in (*base.snapshot.teams, *other.snapshot.teams)},
            shift_words=shift_words,
        )


def _apply_page(scenario, form, status=200, clashes=None, error=None, tried=False):
    """The confirmation, with what applying would change, and the clashes that stop
    it (as they stand now, when not given)."""
    with collector_paused():
        comparison = operations.compare_scenario(scenario)
        changes = db.session.scalar(
            select(func.count()).where(ScenarioChange.scenario_id == scenario.id)
        )
        if clashes is None:
            clashes = operations.scenario_clashes(scenario)
        return render_template(
            "scenarios/apply.html",
            scenario=scenario,
            form=form,
            comparison=comparison,
            changes=changes,
            clashes=clashes,
            error=error,
            tried=tried,
        ), status


@bp.route("/scenarios/<int:scenario_id>/apply", methods=["GET", "POST"])
@login_required
@require("plan")
def apply(scenario_id: int):
    scenario = scenario_or_404(scenario_id)
    form = form_for(VersionForm, version=scenario.version)
    if not form.validate_on_submit():
        return _apply_page(scenario, form, 400 if form.is_submitted() else 200)
    name = scenario.name
    in_it = current_scenario() is scenario
    stale = _stale(scenario, form.version.data)
    if stale is not None:
        form.version.data, form.version.raw_data = scenario.version, []
        return _apply_page(scenario, form, 409, error=str(stale), tried=True)
    try:
        written = operations.apply_scenario(scenario, current_user)
    except operations.ScenarioClash as clash:
        db.session.rollback()
        return _apply_page(
            scenario_or_404(scenario_id), form, 409, clashes=clash.clashes, tried=True
        )
    except operations.ScenarioError as error:
        db.session.rollback()
        status = 409 if isinstance(error, operations.ScenarioBusy) else 400
        return _apply_page(scenario_or_404(scenario_id), form, status, error=str(error), tried=True)
    if in_it:
        leave()
    flash(
        f"Applied scenario {name} to the live plan: {plural(written, 'change')} written, "
        "with the same checks and history as your own edits. The scenario is done and gone.",
        "success",
    )
    return redirect(url_for("roadmap.index"))

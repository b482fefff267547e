"""Dependencies: link items from either side, set the needed-by period, answer a
request (commit or decline), unlink."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload
from wtforms import SelectChoice

from app.extensions import db
from app.forms import refused
from app.models import Dependency, Item, Period
from app.permissions import ensure, require
from app.planning import bp
from app.planning import dependency_operations as operations
from app.planning.forms import (
    AddDependencyForm,
    AnswerForm,
    EditDependencyForm,
    SearchForm,
    VersionForm,
    form_for,
)
from app.planning.history import dependency_history
from app.planning.operations import PlanningError, StaleEdit
from app.planning.pages import all_periods, back_key, dependency_or_404, item_or_404
from app.planning.routes import stale_notice, stale_refusal
from app.scenarios import edits as scenario_edits
from app.scenarios import views as scenario_views
from app.scenarios.current import current_scenario

SEARCH_LIMIT = 50


def search_items(query: str | None, exclude: Item) -> list[Item]:
    """Items whose key or title contains the query (all items without one), by key."""
    select_items = select(Item).where(Item.id != exclude.id).options(joinedload(Item.team))
    if query:
        text = query.lower()
        select_items = select_items.where(
            or_(
                func.lower(Item.key).contains(text, autoescape=True),
                func.lower(Item.title).contains(text, autoescape=True),
            )
        )
    return list(db.session.scalars(select_items.order_by(Item.key).limit(SEARCH_LIMIT)))


def _choice(item: Item, periods: dict[int, Period]) -> SelectChoice:
    where = "backlog"
    if item.start_period_id is not None:
        where = periods[item.end_period_id].name
    label = f"{item.key} · {item.title} ({item.team.name}, {item.priority_name}, {where})"
    return SelectChoice(item.id, label)


def _back_to(dep: Dependency) -> str:
    """The page of whichever side the user came from (the dependent by default)."""
    keys = (dep.dependent.key, dep.dependency.key)
    key = request.args.get("back")
    return url_for(".item", key=key if key in keys else keys[0])


@bp.route("/items/<key>/dependencies/new", methods=["GET", "POST"])
@login_required
@require("plan")
def add_dependency(key: str):
    item = item_or_404(key)
    scenario = current_scenario()
    if scenario is not None:
        scenario_edits.refuse_in_scenario(scenario, "linking items")
    side = "needed_by" if request.args.get("side") == "needed_by" else "needs"
    periods = all_periods()
    search = SearchForm(request.args)
    form = AddDependencyForm()
    form.offer_periods(periods.values())
    if request.method == "POST":
        chosen = db.session.get(Item, form.other.data) if form.other.data else None
        candidates = [chosen] if chosen is not None and chosen.id != item.id else []
    else:
        candidates = search_items(search.q.data, item)
    form.other.choices = [_choice(c, periods) for c in candidates]
    if form.validate_on_submit():
        other = candidates[0]
        dependent, dependency = (item, other) if side == "needs" else (other, item)
        try:
            operations.add_dependency(
                dependent, dependency, needed_by=periods.get(form.needed_by.data)
            )
        except PlanningError as error:
            refused(form, error)
        else:
            flash(
                f"{dependent.key} now needs {dependency.key}: the request awaits an answer "
                f"from {dependency.team.name}.",
                "success",
            )
            return redirect(url_for(".item", key=item.key))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "planning/add_dependency.html",
        item=item,
        side=side,
        search=search,
        form=form,
        candidates=candidates,
        limit=SEARCH_LIMIT,
    ), status


def _dependency_page(dep, form, remove_form, diff=(), status=200):
    periods = all_periods()
    scenario = current_scenario()
    return render_template(
        "planning/dependency.html",
        dep=dep,
        planned=scenario_edits.planned_dependency_row(scenario, dep) if scenario else None,
        form=form,
        remove_form=remove_form,
        diff=diff,
        history=dependency_history(dep, periods),
        back=back_key(),
    ), status


@bp.route("/dependencies/<int:dep_id>/edit", methods=["GET", "POST"])
@login_required
@require("plan")
def edit_dependency(dep_id: int):
    dep = dependency_or_404(dep_id)
    periods = all_periods()
    scenario = current_scenario()
    loaded, version = dep.needed_by, dep.version
    if scenario is not None:
        loaded = scenario_edits.planned_dependency(scenario, dep)[0]
        version = scenario_edits.dependency_version(scenario, dep, "needed_by")
    form = form_for(EditDependencyForm, needed_by=loaded.id if loaded else None, version=version)
    form.offer_periods(periods.values())
    remove_form = VersionForm(formdata=None, obj=dep)
    if not form.validate_on_submit():
        return _dependency_page(dep, form, remove_form, status=400 if form.is_submitted() else 200)
    needed_by = periods.get(form.needed_by.data)
    if scenario is not None:
        when = needed_by.name if needed_by else f"{dep.dependent.key}'s start period"
        values = {"needed_by_period_id": needed_by.id if needed_by else None}
        what = f"{dep.dependent.key} needs {dep.dependency.key} by {when}"
        try:
            message = scenario_views.change_dependency(
                scenario, dep, values, what, expected_version=form.version.data
            )
        except StaleEdit as stale:
            diff = stale_notice(form, stale, {"needed_by": needed_by}, stale.version)
            return _dependency_page(dep, form, remove_form, diff, 409)
        except PlanningError as error:
            refused(form, error)
            return _dependency_page(dep, form, remove_form, status=400)
        flash(message, "success")
        return redirect(_back_to(dep))
    try:
        operations.update_dependency(dep, needed_by=needed_by, expected_version=form.version.data)
    except StaleEdit as stale:
        diff = stale_notice(form, stale, {"needed_by": needed_by}, dep.version)
        return _dependency_page(dep, form, remove_form, diff, 409)
    when = needed_by.name if needed_by else f"{dep.dependent.key}'s start period"
    flash(f"{dep.dependent.key} needs {dep.dependency.key} by {when}.", "success")
    return redirect(_back_to(dep))


@bp.route("/dependencies/<int:dep_id>/remove", methods=["POST"])
@login_required
@require("plan")
def remove_dependency(dep_id: int):
    dep = dependency_or_404(dep_id)
    scenario = current_scenario()
    if scenario is not None:
        scenario_edits.refuse_in_scenario(scenario, "removing a dependency")
    form = VersionForm()
    back = _back_to(dep)
    edit_form = EditDependencyForm(
        formdata=None, data={"needed_by": dep.needed_by_period_id, "version": dep.version}
    )
    edit_form.offer_periods(all_periods().values())
    if not form.validate_on_submit():
        return _dependency_page(dep, edit_form, form, status=400)
    try:
        operations.remove_dependency(dep, expected_version=form.version.data)
    except StaleEdit as stale:
        stale_refusal(form, stale, dep.version)
        return _dependency_page(dep, edit_form, form, status=409)
    flash(f"{dep.dependent.key} no longer needs {dep.dependency.key}.", "success")
    return redirect(back)


@bp.route("/dependencies/<int:dep_id>/answer", methods=["GET", "POST"])
@login_required
@require("answer_request")
def answer_request(dep_id: int):
    dep = dependency_or_404(dep_id)
    ensure("answer_request", dep)
    scenario = current_scenario()
    commitment, version = dep.commitment, dep.version
    if scenario is not None:  # a scenario's commitment is a planner's what-if
        ensure("plan")
        commitment = scenario_edits.planned_dependency(scenario, dep)[1]
        version = scenario_edits.dependency_version(scenario, dep, "commitment")
    answered = commitment if commitment in operations.ANSWERS else None
    form = form_for(AnswerForm, commitment=answered, note=dep.note, version=version)
    diff, status = [], 400 if form.is_submitted() else 200
    if scenario is not None and form.validate_on_submit():
        values = {"commitment": form.commitment.data}
        verb = "committed to" if form.commitment.data == "committed" else "declined"
        what = f"{dep.dependency.team.name} {verb} {dep.dependent.key} needing {dep.dependency.key}"
        try:
            message = scenario_views.change_dependency(
                scenario, dep, values, what, expected_version=form.version.data
            )
        except StaleEdit as stale:
            yours = {"commitment": form.commitment.data}
            diff, status = stale_notice(form, stale, yours, stale.version), 409
        except PlanningError as error:
            refused(form, error)
        else:
            flash(message, "success")
            return redirect(_back_to(dep))
    elif scenario is None and form.validate_on_submit():
        try:
            operations.answer_request(
                dep, form.commitment.data, form.note.data, expected_version=form.version.data
            )
        except StaleEdit as stale:
            yours = {"commitment": form.commitment.data, "note": form.note.data or ""}
            diff, status = stale_notice(form, stale, yours, dep.version), 409
        except PlanningError as error:
            refused(form, error)
        else:
            verb = "Committed to" if dep.commitment == "committed" else "Declined"
            flash(f"{verb} the request: {dep.dependent.key} needs {dep.dependency.key}.", "success")
            return redirect(_back_to(dep))
    periods = all_periods()
    return render_template(
        "planning/answer.html",
        dep=dep,
        planned=scenario_edits.planned_dependency_row(scenario, dep) if scenario else None,
        form=form,
        diff=diff,
        history=dependency_history(dep, periods),
        back=back_key(),
    ), status

"""Item pages: see an item, create, edit, cancel or delete one; a team's page."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import select
from wtforms import SelectChoice

from app.extensions import db
from app.forms import refused
from app.models import Item, Period, Team
from app.permissions import require
from app.plan_store import analyze_plan
from app.planning import bp, operations
from app.planning.forms import (
    NEW_ITEM_PRIORITY,
    EditItemForm,
    NewItemForm,
    VersionForm,
    form_for,
)
from app.planning.merging import LABELS, differences
from app.planning.operations import PlanningError, StaleEdit
from app.planning.pages import (
    all_periods,
    item_or_404,
    items_by_id,
    links_of,
    load_item_page,
    load_team_page,
)
from app.scenarios import views as scenario_views
from app.scenarios.current import current_scenario, plan_analysis
from app.scenarios.edits import change_item, refuse_in_scenario


def stale_refusal(form, stale: StaleEdit, version: int) -> None:
    """After a stale save: the message above the form, and the version to save
    against next (the user's values stay in the form)."""
    form.form_errors.append(str(stale))
    form.version.data, form.version.raw_data = version, []


def stale_notice(form, stale: StaleEdit, yours: dict, version: int) -> list:
    """`stale_refusal`, and the differences to merge (none known: none shown)."""
    stale_refusal(form, stale, version)
    return differences(yours, stale.current) if stale.current else []


def _form_values(form, periods: dict[int, Period]) -> dict:
    return {
        "title": form.title.data,
        "description": form.description.data or "",
        "priority": form.priority.data,
        "start": periods.get(form.start.data),
        "end": periods.get(form.end.data),
        "estimate": form.estimate.data,
        "status": form.status.data,
        "health": form.health.data,
        "owner": form.owner.data,
    }


def _changed_words(changed: dict) -> str:
    names = [LABELS[name].lower() for name in changed]
    return ", ".join(names) if names else "nothing changed"


@bp.route("/items/<key>")
@login_required
@require("view")
def item(key: str):
    scenario = current_scenario()
    if scenario is not None and "-new" in key:  # one of the scenario's new items
        page = scenario_views.new_item_page(scenario, key)
        if page is not None:
            return page
    page = load_item_page(key)
    return render_template(
        "planning/item.html", page=page, item=page.item, status_updates=page.status_updates
    )


@bp.route("/items/new", methods=["GET", "POST"])
@login_required
@require("plan")
def new_item():
    periods = all_periods()
    teams = db.session.scalars(select(Team).order_by(Team.kind, Team.name)).all()
    form = NewItemForm()
    form.offer_periods(periods.values())
    form.team.choices = [SelectChoice("", "Choose a team")] + [
        SelectChoice(team.id, f"{team.name} ({team.kind})") for team in teams
    ]
    if request.method == "GET":
        team = next((t for t in teams if t.slug == request.args.get("team", "").lower()), None)
        period = next((p for p in periods.values() if p.name == request.args.get("period")), None)
        form.team.data = team.id if team else None
        form.start.data = form.end.data = period.id if period else None
        form.priority.data = NEW_ITEM_PRIORITY
    if form.validate_on_submit():
        team = next(t for t in teams if t.id == form.team.data)
        values = _form_values(form, periods)
        scenario = current_scenario()
        if scenario is not None:
            return scenario_views.new_item(scenario, team, form, values)
        try:
            created = operations.create_item(team, **values)
        except PlanningError as error:
            refused(form, error)
        else:
            flash(f"Created {created.key} '{created.title}' for {team.name}.", "success")
            return redirect(url_for(".item", key=created.key))
    status = 400 if request.method == "POST" else 200
    return render_template("planning/item_form.html", form=form, item=None), status


@bp.route("/items/<key>/edit", methods=["GET", "POST"])
@login_required
@require("plan")
def edit_item(key: str):
    scenario = current_scenario()
    if scenario is not None and "-new" in key:  # one of the scenario's new items
        page = scenario_views.edit_item(scenario, None, key)
        if page is not None:
            return page
    item = item_or_404(key)
    if scenario is not None:
        return scenario_views.edit_item(scenario, item)
    periods = all_periods()
    loaded = operations.item_values(item) | {
        "start": item.start_period_id,
        "end": item.end_period_id,
        "version": item.version,
    }
    form = form_for(EditItemForm, **loaded)
    form.offer_periods(periods.values())
    diff, status = [], 400 if request.method == "POST" else 200
    if form.validate_on_submit():
        values = _form_values(form, periods)
        try:
            changed = operations.update_item(item, values, expected_version=form.version.data)
        except StaleEdit as stale:
            diff, status = stale_notice(form, stale, values, item.version), 409
        except PlanningError as error:
            refused(form, error)
        else:
            flash(f"Saved {item.key}: {_changed_words(changed)}.", "success")
            return redirect(url_for(".item", key=item.key))
    return render_template("planning/item_form.html", form=form, item=item, diff=diff), status


CHAIN_LIST_LIMIT = 100


def _delete_page(item: Item, form: VersionForm, status: int = 200):
    """What depends on the item: every item that needs it directly (those links
    go), then the active items that need it through a chain, best priority first
    (the first CHAIN_LIST_LIMIT of them named)."""
    periods = all_periods()
    _needs, needed_by = links_of(item)
    direct = {dep.dependent_id for dep in needed_by}
    chained = [i for i, _priority in analyze_plan().blast_radius(item.id) if i not in direct]
    found = items_by_id(chained[:CHAIN_LIST_LIMIT])
    return render_template(
        "planning/delete_item.html",
        item=item,
        form=form,
        direct=[dep.dependent for dep in needed_by],
        chained=[found[i] for i in chained[:CHAIN_LIST_LIMIT]],
        more=max(0, len(chained) - CHAIN_LIST_LIMIT),
        periods=periods,
    ), status


@bp.route("/items/<key>/delete", methods=["GET", "POST"])
@login_required
@require("plan")
def delete_item(key: str):
    item = item_or_404(key)
    scenario = current_scenario()
    if scenario is not None:
        refuse_in_scenario(scenario, f"deleting {item.key}")
    form = form_for(VersionForm, version=item.version)
    if not form.validate_on_submit():
        return _delete_page(item, form, 400 if request.method == "POST" else 200)
    deleted_key, team = item.key, item.team
    try:
        operations.delete_item(item, expected_version=form.version.data)
    except StaleEdit as stale:
        stale_refusal(form, stale, item.version)
        return _delete_page(item, form, 409)
    flash(f"Deleted {deleted_key} and its dependencies.", "success")
    return redirect(url_for(".team", slug=team.slug))


@bp.route("/items/<key>/cancel", methods=["POST"])
@login_required
@require("plan")
def cancel_item(key: str):
    item = item_or_404(key)
    form = VersionForm()
    if not form.validate_on_submit():
        return _delete_page(item, form, 400)
    scenario = current_scenario()
    if scenario is not None:  # the delete page is the live plan's: its version is not this
        what = f"Cancelled {item.key}"
        try:
            _after, message = change_item(
                scenario,
                item,
                {"status": "cancelled"},
                plan_analysis(),
                what=what,
                expected_version=form.version.data,
            )
        except StaleEdit as stale:
            abort(409, description=str(stale))
        except PlanningError as error:
            flash(str(error), "error")
        else:
            flash(message, "success")
        return redirect(url_for(".item", key=item.key))
    try:
        operations.cancel_item(item, expected_version=form.version.data)
    except StaleEdit as stale:
        stale_refusal(form, stale, item.version)
        return _delete_page(item, form, 409)
    except PlanningError as error:
        flash(str(error), "error")
    else:
        flash(f"Cancelled {item.key}: it stays in the plan's history.", "success")
    return redirect(url_for(".item", key=item.key))


@bp.route("/teams/<slug>")
@login_required
@require("view")
def team(slug: str):
    return render_template("planning/team.html", page=load_team_page(slug))

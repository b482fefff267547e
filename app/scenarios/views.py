"""The planning pages inside a scenario, where they differ from the live plan's:
the item form holds the fields a scenario changes, filled with the scenario's
values, and saves into the scenario."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from app.alignment.diff import compare
from app.errors import Refused
from app.extensions import db
from app.forms import refused
from app.models import Dependency, Item, Scenario, Team
from app.planning.merging import differences
from app.planning.operations import StaleEdit, check_periods
from app.planning.pages import all_periods
from app.scenarios import operations
from app.scenarios.edits import (
    change_item,
    check_dependency_version,
    check_item_version,
    item_version,
    new_item_row,
    planned_item,
    refusals,
    writing_item,
)
from app.scenarios.forms import ScenarioItemForm


def _teams() -> list[Team]:
    teams = db.session.scalars(select(Team)).all()
    return sorted(teams, key=lambda t: (t.kind != "platform", t.name.casefold()))


def _new_row(scenario: Scenario, key: str):
    return new_item_row(scenario, key, operations.scenario_analysis(scenario))


def edit_item(scenario: Scenario, item: Item | None, key: str | None = None):
    """The item form in ``scenario``: its periods, team, priority, estimate and status
    as the scenario has them; saving puts them into the scenario. ``item`` None: the
    scenario's new item ``key`` (None when it has none)."""
    periods = all_periods()
    if item is None:
        planned = new_item_row(scenario, key, operations.scenario_analysis(scenario))
        if planned is None:
            return None
        item = planned.row
    else:
        planned = planned_item(scenario, item)
    if request.method == "POST":
        form = ScenarioItemForm()
    else:
        form = ScenarioItemForm(
            formdata=None,
            data={
                "team": planned.team_id,
                "priority": planned.priority,
                "start": planned.start_period_id,
                "end": planned.end_period_id,
                "estimate": planned.estimate,
                "status": planned.status,
                "version": item_version(scenario, planned),
            },
        )
    teams = _teams()
    form.offer(periods.values(), teams)
    diff, status = [], 400 if request.method == "POST" else 200
    if form.validate_on_submit():
        start, end = periods.get(form.start.data), periods.get(form.end.data)
        values = {
            "start_period_id": start.id if start else None,
            "end_period_id": end.id if end else None,
            "team_id": form.team.data,
            "priority": form.priority.data,
            "estimate": form.estimate.data,
            "status": form.status.data,
        }
        try:
            check_periods(start, end)
            before = operations.scenario_analysis(scenario)
            if item.id < 0:
                check_item_version(scenario, planned, form.version.data)
                with writing_item(scenario, values, lambda: _new_row(scenario, item.key)):
                    operations.update_new_item(scenario, item.key, values)
                changes = compare(before, operations.scenario_analysis(scenario))
                message = f"Saved {item.key} in scenario {scenario.name}: {changes.text()}."
            else:
                what = f"Saved {item.key}"
                _after, message = change_item(
                    scenario, item, values, before, what=what, expected_version=form.version.data
                )
        except StaleEdit as stale:
            team = next((t for t in teams if t.id == form.team.data), None)
            yours = {
                "team": team.name if team else None,
                "priority": form.priority.data,
                "start": start,
                "end": end,
                "estimate": form.estimate.data,
                "status": form.status.data,
            }
            form.form_errors.append(str(stale))
            form.version.data, form.version.raw_data = stale.version, []
            diff, status = differences(yours, stale.current), 409
        except Refused as error:
            refused(form, error)
        else:
            flash(message, "success")
            return redirect(url_for("planning.item", key=item.key))
    page = render_template(
        "scenarios/item_form.html",
        form=form,
        item=item,
        planned=planned,
        scenario=scenario,
        diff=diff,
    )
    return page, status


def change_dependency(
    scenario: Scenario, dep: Dependency, values: dict, what: str, *, expected_version: int | None
) -> str:
    """Put ``values`` of ``dep`` (one field: its needed-by period or its commitment)
    into the scenario, if that field is still as the page of version
    ``expected_version`` showed it (else StaleInScenario); what that did, in words."""
    field = "needed_by" if "needed_by_period_id" in values else "commitment"
    check_dependency_version(scenario, dep, field, expected_version)
    before = operations.scenario_analysis(scenario)
    try:
        with refusals():
            operations.set_dependency_fields(scenario, dep, values)
    except StaleEdit:  # another save got in first: the refusal with the value after it
        db.session.expire_all()
        check_dependency_version(scenario, dep, field, None)
        raise
    changes = compare(before, operations.scenario_analysis(scenario))
    focus = [dep.dependent.key, dep.dependency.key]
    return f"{what} in scenario {scenario.name}: {changes.text(focus=focus)}."


def new_item(scenario: Scenario, team: Team, form, values: dict):
    """The new-item form's save in ``scenario``: a new item of the scenario only
    (title, priority, periods, estimate and status), made real when it is applied."""
    start, end = values["start"], values["end"]
    try:
        check_periods(start, end)
        key = operations.add_item(
            scenario,
            team,
            {
                "title": values["title"],
                "priority": values["priority"],
                "start_period_id": start.id if start else None,
                "end_period_id": end.id if end else None,
                "estimate": values["estimate"],
                "status": values["status"],
            },
        )
    except Refused as error:
        refused(form, error)
        return render_template("planning/item_form.html", form=form, item=None), 400
    flash(
        f"Added {key} '{values['title']}' for {team.name} in scenario {scenario.name}: it "
        "becomes a real item, with the team's next key, when the scenario is applied "
        "(its description, health and owner are set then, on the live plan).",
        "success",
    )
    query = {"team": team.slug, **({"from": start.name} if start else {})}
    return redirect(url_for("roadmap.index", **query))


def new_item_page(scenario: Scenario, key: str):
    """The page of one of the scenario's new items (``PAY-new1``), or None."""
    analysis = operations.scenario_analysis(scenario)
    found = new_item_row(scenario, key, analysis)
    if found is None:
        return None
    return render_template(
        "scenarios/new_item.html",
        scenario=scenario,
        item=found,
        conflicts=analysis.select(item_id=found.id),
    )

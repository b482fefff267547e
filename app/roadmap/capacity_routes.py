"""Teams and capacity: teams as rows, periods as columns, capacity in person-weeks
beside each cell's demand and utilisation; planners edit it in one form."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from app.clock import utcnow
from app.extensions import db
from app.models import Period, Team
from app.permissions import can, ensure, require
from app.planning.capacity import (
    CapacityChanged,
    capacity_cells,
    capacity_table,
    save_capacities,
)
from app.planning.operations import PlanningError
from app.planning.schedule import periods_in_order
from app.roadmap import bp
from app.roadmap.board import KIND_ORDER
from app.roadmap.forms import (
    capacity_form,
    cell_name,
    decode_table,
    encode_table,
    shown_cells,
    submitted_cells,
)
from app.scenarios import edits as scenario_edits
from app.scenarios.current import current_scenario, plan_analysis


def _teams() -> list[Team]:
    teams = db.session.scalars(select(Team)).all()
    return sorted(teams, key=lambda t: (KIND_ORDER.get(t.kind, 2), t.name.casefold(), t.slug))


def _periods(show_past: bool) -> tuple[list[Period], list[Period]]:
    """(all periods in order, the ones shown: those not yet ended, unless asked)."""
    periods = periods_in_order()
    today = utcnow().date()
    shown = periods if show_past else [p for p in periods if p.end_date >= today]
    return periods, shown or periods


def _page(form, teams, periods, shown, status=200, message=None, table=None, clashes=None):
    analysis = plan_analysis()
    scenario = current_scenario()
    if table is None:
        table = capacity_table(
            capacity_cells() if scenario is None else scenario_edits.capacity_cells(scenario)
        )
    position = {period.name: n for n, period in enumerate(analysis.snapshot.periods)}
    cells = {
        (team.id, period.id): analysis.ledger.cell(team.id, position[period.name])
        for team in teams
        for period in shown
        if period.name in position
    }
    page = render_template(
        "roadmap/capacity.html",
        form=form,
        teams=teams,
        periods=shown,
        hidden_periods=len(periods) - len(shown),
        show_past=request.args.get("past") == "1",
        cells=cells,
        table=table,
        scenario=scenario,
        cell_name=cell_name,
        message=message,
        clashes=clashes or {},
    )
    return page, status


@bp.route("/capacity", methods=["GET", "POST"])
@login_required
@require("view")
def capacity():
    show_past = request.args.get("past") == "1"
    teams = _teams()
    periods, shown = _periods(show_past)
    scenario = current_scenario()
    if request.method == "GET":
        cells = capacity_cells() if scenario is None else scenario_edits.capacity_cells(scenario)
        form = capacity_form(teams, shown, cells) if can(current_user, "plan") else None
        return _page(form, teams, periods, shown, table=capacity_table(cells))

    ensure("plan")
    form = capacity_form(teams, periods, {}, submitted=True)
    if not form.validate_on_submit():
        return _page(form, teams, periods, shown, 400)
    loaded = decode_table(form.loaded.data)
    if loaded is None:
        form.form_errors.append("This form is damaged or out of date: reload the page.")
        return _page(form, teams, periods, shown, 400)
    wanted = submitted_cells(form, teams, periods)
    try:
        if scenario is not None:
            result = scenario_edits.save_capacities(scenario, wanted, loaded)
        else:
            result = save_capacities(wanted, loaded)
    except CapacityChanged as changed:
        return _refused(changed, form, wanted, loaded, teams, periods, shown)
    except PlanningError as error:
        form.form_errors.append(str(error))
        return _page(form, teams, periods, shown, 400)
    flash(result.message, "success" if result.saved else "info")
    return redirect(url_for("roadmap.capacity", **({"past": "1"} if show_past else {})))


def _refused(changed, form, wanted, loaded, teams, periods, shown):
    """409: the cells as they now stand, with the person's own changes kept in the
    fields and each clash shown beside its cell. A cell the person left alone shows
    its current value, so that saving again never puts back what they loaded."""
    scenario = current_scenario()
    cells = capacity_cells() if scenario is None else scenario_edits.capacity_cells(scenario)
    current = shown_cells(teams, shown, cells)
    for cell, state in current.items():
        mine = cell in loaded and cell in wanted and wanted[cell] != loaded[cell].value
        if not mine:
            field = form[cell_name(cell)]
            field.data, field.raw_data = state.value, []
    form.loaded.data = encode_table(current)
    clashes = {clash.cell: clash for clash in changed.clashes}
    table = capacity_table(cells)
    return _page(form, teams, periods, shown, 409, str(changed), table=table, clashes=clashes)

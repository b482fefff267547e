"""One-click resolutions of conflicts: a confirmation page that says exactly what
will change (GET), then the change itself against the item's version (POST).
The target comes in the query string (``?to=2027 Q3`` or ``?to=P0``), the same
for both."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from app.alignment import PRIORITY_NAMES
from app.filters import period_place
from app.models import Item, Period
from app.permissions import require
from app.planning import bp, operations
from app.planning.forms import VersionForm, form_for
from app.planning.operations import PlanningError, StaleEdit
from app.planning.pages import back_key, item_or_404
from app.planning.schedule import move_item, periods_in_order, shifted_periods
from app.scenarios import operations as operations_of_scenario
from app.scenarios.current import current_scenario
from app.scenarios.edits import change_item, item_version, planned_item


def _confirm(item: Item, form: VersionForm, what: str, status: int = 200):
    return render_template(
        "planning/confirm_action.html",
        item=item,
        form=form,
        what=what,
        back=back_key() or item.key,
    ), status


def _refuse(form: VersionForm, item: Item, error: PlanningError) -> None:
    form.form_errors.append(str(error))
    if isinstance(error, StaleEdit):
        form.version.data, form.version.raw_data = item.version, []


def _move(item: Item) -> tuple[str, Period]:
    """What moving the item to start in the period named by ``to`` changes, and
    that period; a move the plan cannot take is a 400 that says why."""
    periods = periods_in_order()
    name = request.args.get("to")
    start = next((p for p in periods if p.name == name), None)
    if start is None:
        abort(400, description=f"There is no period named {name!r} to move {item.key} to.")
    try:
        new_start, new_end = shifted_periods(item, start, periods)
    except PlanningError as error:
        abort(400, description=str(error))
    before = period_place(item)
    after = period_place(new_start, new_end)
    if before == after:
        abort(400, description=f"{item.key} is already in {after}: there is nothing to move.")
    return f"Move {item.key} from {before} to {after}", start


def _raise(item: Item) -> tuple[str, int]:
    wanted = (request.args.get("to") or "").upper()
    if wanted not in PRIORITY_NAMES:
        abort(400, description=f"Raise {item.key} to which priority? P0 to P3.")
    if PRIORITY_NAMES.index(wanted) >= item.priority:
        abort(400, description=f"{item.key} is already {item.priority_name}: nothing to raise.")
    return f"Raise {item.key} from {item.priority_name} to {wanted}", PRIORITY_NAMES.index(wanted)


def _carry_out(key: str, describe: Callable, apply: Callable, values: Callable):
    """A suggested change: `describe(item)` says what it changes and gives its target
    (a 400 when it no longer applies); `apply(item, target, version)` makes it and
    says what it did. GET asks to confirm; POST changes and goes back. In a scenario
    the item is described as the scenario has it, and `values(item, target)` are the
    fields put into the scenario."""
    item = item_or_404(key)
    scenario = current_scenario()
    version = item.version
    if scenario is not None:  # checked against the fields it writes (edit_version)
        before = operations_of_scenario.scenario_analysis(scenario)
        item = planned_item(scenario, item, before)
    what, target = describe(item)
    if scenario is not None:
        version = item_version(scenario, item, values(item, target))
    form = form_for(VersionForm, version=version)
    if not form.validate_on_submit():
        return _confirm(item, form, what, 400 if form.is_submitted() else 200)
    if scenario is not None:
        try:
            _after, message = change_item(
                scenario,
                item.row,
                values(item, target),
                before,
                what=what,
                expected_version=form.version.data,
            )
        except StaleEdit as stale:
            form.form_errors.append(str(stale))
            form.version.data, form.version.raw_data = stale.version, []
            return _confirm(item, form, what, 409)
        except PlanningError as error:
            _refuse(form, item, error)
            return _confirm(item, form, what, 400)
        flash(message, "success")
        return redirect(url_for(".item", key=back_key() or item.key))
    try:
        message = apply(item, target, form.version.data)
    except PlanningError as error:
        _refuse(form, item, error)
        return _confirm(item, form, describe(item)[0], 409 if isinstance(error, StaleEdit) else 400)
    flash(message, "success")
    return redirect(url_for(".item", key=back_key() or item.key))


@bp.route("/items/<key>/suggested/move", methods=["GET", "POST"])
@login_required
@require("plan")
def suggested_move(key: str):
    def apply(item: Item, start: Period, version: int) -> str:
        return move_item(item, start, expected_version=version).message

    def values(item, start: Period) -> dict:
        new_start, new_end = shifted_periods(item, start, periods_in_order())
        return {"start_period_id": new_start.id, "end_period_id": new_end.id}

    return _carry_out(key, _move, apply, values)


@bp.route("/items/<key>/suggested/raise", methods=["GET", "POST"])
@login_required
@require("plan")
def suggested_raise(key: str):
    def apply(item: Item, priority: int, version: int) -> str:
        operations.raise_priority(item, priority, expected_version=version)
        return f"Raised {item.key} to {PRIORITY_NAMES[priority]}."

    return _carry_out(key, _raise, apply, lambda _item, priority: {"priority": priority})

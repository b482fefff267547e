"""Settling a scenario's clashes from its apply page: for one clash, or for every
clash the page lists, keep the live value (the scenario drops its change) or the
scenario's (it is kept over the live one). Then back to the apply page."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_login import login_required

from app.alignment.text import capped_list
from app.permissions import require
from app.scenarios import bp, operations
from app.scenarios.forms import KEEP_CHOICES, ResolveForm, VersionForm
from app.scenarios.routes import _apply_page, scenario_or_404

KEPT = {choice.value: choice.label for choice in KEEP_CHOICES}
# A refusal of the operation, by the field it concerns: no such clash now (404),
# a value that cannot be kept (400); a stale scenario is a 409.
STATUS_OF_FIELD = {"target": 404}
LISTED = 5  # clashes named in the message; the others counted


def _kept(scenario, settled: list[operations.Clash], keep: str) -> str:
    """``Scenario X: kept the live value of PAY-1 priority (P1) and ...``."""
    words = [
        f"{clash.what} {clash.field} ({clash.live if keep == 'live' else clash.scenario})"
        for clash in settled
    ]
    return f"Scenario {scenario.name}: kept {KEPT[keep]} of {capped_list(words, LISTED)}."


@bp.route("/scenarios/<int:scenario_id>/clashes/resolve", methods=["POST"])
@login_required
@require("plan")
def resolve_clashes(scenario_id: int):
    scenario = scenario_or_404(scenario_id)
    form = ResolveForm()
    again = VersionForm(formdata=None, data={"version": scenario.version})
    if not form.validate_on_submit():
        return _apply_page(
            scenario, again, 400, error="Keep which value of which clash? Nothing was kept."
        )
    try:
        settled = operations.resolve_clashes(
            scenario, form.keep.data, form.target.data, expected_version=form.version.data
        )
    except operations.ScenarioStale as error:
        return _apply_page(scenario, again, 409, error=str(error))
    except operations.ScenarioError as error:
        return _apply_page(scenario, again, STATUS_OF_FIELD.get(error.field, 400), error=str(error))
    if settled:
        flash(_kept(scenario, settled, form.keep.data), "success")
    return redirect(url_for(".apply", scenario_id=scenario.id))

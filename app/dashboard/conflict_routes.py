"""The conflicts list (with its CSV download), one conflict's page, and the
decisions about a conflict: acknowledge it, accept its risk, or withdraw that."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.alignment import Analysis, Conflict
from app.alignment.collector import collector_paused
from app.alignment.text import type_words
from app.clock import utcnow
from app.dashboard import bp, operations
from app.dashboard.forms import ConflictFilterForm, DecisionForm, WithdrawForm
from app.dashboard.listing import page_of, to_csv
from app.dashboard.operations import ConflictGone, DecisionError
from app.forms import refused
from app.permissions import require
from app.plan_store import analyze_plan
from app.scenarios.current import current_scenario, plan_analysis
from app.web import local_url


def _list_url() -> str:
    """This request's own URL, to come back to after a decision."""
    return request.full_path.rstrip("?")


def _team_names(analysis: Analysis) -> dict[str, str]:
    return {team.slug: team.name for team in analysis.snapshot.teams}


def _current(fingerprint: str, analysis: Analysis) -> Conflict:
    try:
        return operations.find_conflict(fingerprint, analysis)
    except ConflictGone:
        abort(404, description="No current conflict has this fingerprint: it may be resolved.")


def _describe(conflict: Conflict) -> str:
    return f"the {type_words(conflict.type)} of {', '.join(conflict.items[:3])}"


@bp.route("/conflicts")
@login_required
@require("view")
def conflicts():
    with collector_paused():
        return _conflicts_page()


def _conflicts_page():
    analysis = plan_analysis()
    snapshot = analysis.snapshot
    form = ConflictFilterForm(request.args)
    teams = sorted((t.slug, t.name) for t in snapshot.teams)
    form.offer(sorted(teams, key=lambda t: t[1].lower()), [p.name for p in snapshot.periods])
    context = {
        "form": form,
        "team_names": dict(teams),
        "here": _list_url(),
        # inside a scenario: the conflicts a decision can be about (the live plan's)
        "live_fingerprints": {c.fingerprint for c in analyze_plan().conflicts}
        if current_scenario() is not None
        else None,
    }
    if not form.validate():
        return render_template("dashboard/conflicts.html", page=None, **context), 400
    filters = form.filters()
    selected = analysis.select(**filters)
    if form.format.data == "csv":
        filename = f"conflicts-{utcnow().date().isoformat()}.csv"
        return Response(
            to_csv(selected),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
    chosen = {name: value for name, value in filters.items() if value}
    return render_template(
        "dashboard/conflicts.html",
        page=page_of(selected, form.page.data),
        csv_url=url_for(".conflicts", **chosen, format="csv"),
        page_url=lambda number: url_for(".conflicts", **chosen, page=number),
        **context,
    )


def _live_words(fingerprint: str) -> str | None:
    """Inside a scenario, where a decision about the conflict goes, in words (None
    outside one): decisions are about the live plan's conflicts."""
    scenario = current_scenario()
    if scenario is None:
        return None
    try:
        operations.find_conflict(fingerprint, analyze_plan())
    except ConflictGone:
        return None
    return (
        f"The live plan has this conflict too: a decision about it is recorded on the live "
        f"plan, and scenario {scenario.name} shows it as well."
    )


def _conflict_page(conflict: Conflict, analysis: Analysis, form, status: int = 200):
    scenario = current_scenario()
    live_words = _live_words(conflict.fingerprint)
    return (
        render_template(
            "dashboard/conflict.html",
            conflict=conflict,
            scenario=scenario,
            live_words=live_words,
            form=form,
            withdraw_form=WithdrawForm(next=form.next.data),
            back=local_url(form.next.data) or url_for(".conflicts"),
            team_names=_team_names(analysis),
        ),
        status,
    )


@bp.route("/conflicts/<fingerprint>")
@login_required
@require("view")
def conflict(fingerprint: str):
    analysis = plan_analysis()
    found = _current(fingerprint, analysis)
    form = DecisionForm(
        next=local_url(request.args.get("next")),
        state=found.state if found.state != "open" else "acknowledged",
        note=found.decision.note if found.decision else None,
    )
    return _conflict_page(found, analysis, form)


def _on_the_live_plan(scenario) -> str:
    if scenario is None:
        return ""
    return (
        " Decisions are about the live plan's conflicts: this one is recorded on the live "
        f"plan, and scenario {scenario.name} shows it as well."
    )


@bp.route("/conflicts/<fingerprint>/decision", methods=["POST"])
@login_required
@require("decide_conflict")
def decide(fingerprint: str):
    analysis = analyze_plan()  # a decision is about the live plan's conflict
    scenario = current_scenario()
    form = DecisionForm()
    if scenario is not None:
        shown = plan_analysis()
        try:
            operations.live_conflict(fingerprint, analysis, shown, scenario.name)
        except ConflictGone:
            abort(404, description="No current conflict has this fingerprint: it may be resolved.")
        except DecisionError as error:
            form.form_errors.append(str(error))
            return _conflict_page(_current(fingerprint, shown), shown, form, 409)
    found = _current(fingerprint, analysis)
    if form.validate_on_submit():
        try:
            operations.decide(
                fingerprint, form.state.data, form.note.data, actor=current_user, analysis=analysis
            )
        except DecisionError as error:
            refused(form, error, "note")
        else:
            if form.state.data == "accepted":
                message = f"Accepted the risk of {_describe(found)}: it no longer counts as open."
            else:
                message = (
                    f"Acknowledged {_describe(found)}: it still counts as open until resolved."
                )
            flash(message + _on_the_live_plan(scenario), "success")
            return redirect(local_url(form.next.data) or url_for(".conflicts"))
    return _conflict_page(found, analysis, form, 400)


@bp.route("/conflicts/<fingerprint>/decision/withdraw", methods=["POST"])
@login_required
@require("decide_conflict")
def withdraw(fingerprint: str):
    form = WithdrawForm()
    try:
        decision = operations.withdraw(fingerprint)
    except ConflictGone:
        abort(404, description="No decision has this fingerprint.")
    what = "acknowledgement" if decision.state == "acknowledged" else "accepted risk"
    message = f"Withdrew the {what}: the conflict counts as open again."
    flash(message + _on_the_live_plan(current_scenario()), "success")
    return redirect(local_url(form.next.data) or url_for(".conflicts"))

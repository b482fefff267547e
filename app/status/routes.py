"""Weekly status pages: a contributor's week, a team's form and status, the
managers' view and the weekly digest."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms import SelectChoice

from app.clock import utcnow
from app.extensions import db
from app.models import Team, TeamMembership
from app.permissions import can, ensure, require
from app.plan_store import analyze_plan
from app.status import bp, operations
from app.status.board import team_boards, updates_in_weeks
from app.status.digest import FORMATS, team_sections, to_markdown, to_text
from app.status.digest_data import load_digest
from app.status.forms import TeamChoiceForm, WeekForm
from app.status.timeline import GRID_WEEKS, item_timeline, week_cells
from app.status.week_form import (
    attach_problems,
    grouped_rows,
    prefilled_form,
    report_outcome,
    row_inputs,
)
from app.weeks import WeekError, iso_week, last_weeks


@bp.app_template_global("status_timeline")
def _status_timeline(status_updates):
    return item_timeline(status_updates)


def _team_or_404(slug: str) -> Team:
    return db.first_or_404(select(Team).where(Team.slug == slug))


def _week_page(teams: list[Team], title: str):
    """The weekly form for these teams: GET shows it, POST saves it (400 when refused)."""
    form = WeekForm()
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                outcome = operations.submit_week(
                    row_inputs(form),
                    team_ids={team.id for team in teams},
                    author=current_user,
                    submission=form.submission.data,
                    now=utcnow(),
                    confirm_rest=form.save_all.data,
                )
            except operations.StatusError as error:
                attach_problems(form, error)
                flash(str(error), "error")
            else:
                moved = report_outcome(outcome)
                return redirect(url_for(request.endpoint, **request.view_args, moved=moved))
        else:
            flash("Some rows need correcting; nothing was saved.", "error")
    analysis = analyze_plan()
    boards = team_boards(teams, analysis)
    if request.method == "GET":
        form = prefilled_form(boards)
    moved = set(request.args.get("moved", "").split(",")[:200])
    page = render_template(
        "status/week.html",
        form=form,
        sections=grouped_rows(form, boards),
        week=iso_week(analysis.now),
        moved=moved,
        title=title,
    )
    return page, 400 if request.method == "POST" else 200


def _member_teams() -> list[Team]:
    query = (
        select(Team)
        .join(TeamMembership, TeamMembership.team_id == Team.id)
        .where(TeamMembership.user_id == current_user.id)
        .order_by(Team.name)
    )
    return list(db.session.scalars(query))


@bp.route("/my-week", methods=["GET", "POST"])
@login_required
@require("update_status")
def my_week():
    slug = request.args.get("team")
    if slug:
        return redirect(url_for(".team_form", slug=slug))
    teams = _member_teams()
    if not teams:
        choice = TeamChoiceForm(request.args)
        open_to_me = [
            team
            for team in db.session.scalars(select(Team).order_by(Team.name))
            if can(current_user, "update_status", team)
        ]
        choice.team.choices = [SelectChoice(t.slug, f"{t.name} ({t.slug})") for t in open_to_me]
        page = render_template("status/no_team.html", choice=choice, teams=open_to_me)
        return page, 400 if request.method == "POST" else 200
    return _week_page(teams, "My week")


@bp.route("/teams/<slug>/update", methods=["GET", "POST"])
@login_required
def team_form(slug: str):
    team = _team_or_404(slug)
    ensure("update_status", team)
    return _week_page([team], f"{team.name}: this week")


@bp.route("/teams/<slug>")
@login_required
@require("view")
def team(slug: str):
    team = _team_or_404(slug)
    analysis = analyze_plan()
    board = team_boards([team], analysis)[0]
    weeks = last_weeks(board.week, GRID_WEEKS)
    history = updates_in_weeks([row.id for row in board.rows], weeks)
    grid = [(row, week_cells(history[row.id], weeks)) for row in board.rows]
    return render_template(
        "status/team.html",
        team=team,
        board=board,
        weeks=weeks,
        grid=grid,
        may_update=can(current_user, "update_status", team),
    )


@bp.route("")
@login_required
@require("view")
def overview():
    analysis = analyze_plan()
    teams = db.session.scalars(select(Team).order_by(Team.name)).all()
    every = team_boards(teams, analysis, with_updates=False)
    boards = [board for board in every if board.rows]
    return render_template(
        "status/overview.html",
        week=iso_week(analysis.now),
        idle=[board.team for board in every if not board.rows],
        silent=[b for b in boards if b.updated == 0],
        partial=[b for b in boards if 0 < b.updated < len(b.rows)],
        boards=boards,
    )


@bp.route("/digest")
@login_required
@require("view")
def digest():
    week = request.args.get("week", "").strip() or None
    fmt = request.args.get("format")
    try:
        if fmt not in (None, *FORMATS):
            raise WeekError(f"Unknown format {fmt!r}: choose markdown or text.")
        result = load_digest(week, utcnow())
    except WeekError as error:
        if fmt is not None:
            return Response(f"{error}\n", 400, mimetype="text/plain")
        return render_template("status/digest.html", digest=None, problem=error, week=week), 400
    if fmt == "markdown":
        return Response(to_markdown(result), mimetype="text/markdown")
    if fmt == "text":
        return Response(to_text(result), mimetype="text/plain")
    return render_template(
        "status/digest.html",
        digest=result,
        markdown=to_markdown(result),
        team_sections=team_sections,
        week=result.week,
    )

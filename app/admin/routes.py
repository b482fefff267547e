"""Administration pages: accounts, teams and periods. Admins only."""

from collections.abc import Callable
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import SelectChoice

from app.admin import bp, operations
from app.admin.forms import (
    EditTeamForm,
    EditUserForm,
    NewTeamForm,
    NewUserForm,
    PeriodForm,
    QuartersForm,
)
from app.admin.operations import AdminError
from app.auth.routes import stay_signed_in
from app.clock import today
from app.extensions import db
from app.forms import refused
from app.models import Period, Team, TeamMembership, User
from app.permissions import require
from app.planning.schedule import periods_in_order


def _page(template: str, **context):
    """Render a page; a form post that got here was refused, so say so with 400."""
    status = 400 if request.method == "POST" else 200
    return render_template(template, **context), status


def _saved(form, save: Callable[[], Any], message: Callable[[Any], str], endpoint: str):
    """A valid post runs `save()`, flashes `message(what it returned)` and redirects
    to `endpoint`. None when the form is to be shown (again): on a GET, an invalid
    post, or a change the rules refuse (the refusal is put on the form)."""
    if not form.validate_on_submit():
        return None
    try:
        result = save()
    except AdminError as error:
        refused(form, error)
        return None
    flash(message(result), "success")
    return redirect(url_for(endpoint))


def _offer_teams(form) -> dict[int, Team]:
    teams = db.session.scalars(select(Team).order_by(Team.name)).all()
    form.teams.choices = [SelectChoice(team.id, f"{team.name} ({team.slug})") for team in teams]
    return {team.id: team for team in teams}


# Users


@bp.route("/users")
@login_required
@require("admin")
def users():
    query = (
        select(User)
        .options(selectinload(User.memberships).selectinload(TeamMembership.team))
        .order_by(User.active.desc(), User.email)
    )
    return render_template("admin/users.html", users=db.session.scalars(query).all())


@bp.route("/users/new", methods=["GET", "POST"])
@login_required
@require("admin")
def new_user():
    form = NewUserForm()
    teams = _offer_teams(form)
    saved = _saved(
        form,
        lambda: operations.create_user(
            email=form.email.data,
            name=form.name.data,
            role=form.role.data,
            password=form.password.data,
            teams=[teams[team_id] for team_id in form.teams.data],
        ),
        lambda user: f"Created the account {user.email} ({user.role}).",
        ".users",
    )
    return saved or _page("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@login_required
@require("admin")
def edit_user(user_id: int):
    user = db.get_or_404(User, user_id)
    form = EditUserForm(obj=user, teams=sorted(user.team_ids))
    teams = _offer_teams(form)

    def save():
        operations.update_user(
            user,
            name=form.name.data,
            role=form.role.data,
            teams=[teams[team_id] for team_id in form.teams.data],
            password=form.password.data or None,
        )
        if form.password.data and user.id == current_user.id:
            stay_signed_in(user)  # the new password ended every session, this one too

    saved = _saved(form, save, lambda _: f"Saved the account {user.email}.", ".users")
    return saved or _page("admin/user_form.html", form=form, user=user)


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@login_required
@require("admin")
def deactivate_user(user_id: int):
    user = db.get_or_404(User, user_id)
    try:
        operations.set_user_active(user, False, actor=current_user)
    except AdminError as error:
        flash(str(error), "error")
    else:
        flash(
            f"Deactivated {user.email}: signed out everywhere, and can no longer sign in.",
            "success",
        )
    return redirect(url_for(".users"))


@bp.route("/users/<int:user_id>/reactivate", methods=["POST"])
@login_required
@require("admin")
def reactivate_user(user_id: int):
    user = db.get_or_404(User, user_id)
    operations.set_user_active(user, True, actor=current_user)
    flash(f"Reactivated {user.email}: they can sign in again.", "success")
    return redirect(url_for(".users"))


# Teams


@bp.route("/teams")
@login_required
@require("admin")
def teams():
    query = select(Team).order_by(Team.kind, Team.name)
    return render_template("admin/teams.html", teams=db.session.scalars(query).all())


@bp.route("/teams/new", methods=["GET", "POST"])
@login_required
@require("admin")
def new_team():
    form = NewTeamForm()

    def save() -> Team:
        team = operations.create_team(
            slug=form.slug.data,
            name=form.name.data,
            kind=form.kind.data,
            default_capacity=form.default_capacity.data,
        )
        operations.set_chat_channel(team, form.chat_channel_url.data)
        return team

    saved = _saved(
        form,
        save,
        lambda team: f"Created the team {team.name} ({team.slug}).",
        ".teams",
    )
    return saved or _page("admin/team_form.html", form=form, team=None)


@bp.route("/teams/<int:team_id>", methods=["GET", "POST"])
@login_required
@require("admin")
def edit_team(team_id: int):
    team = db.get_or_404(Team, team_id)
    form = EditTeamForm(obj=team)

    def save() -> None:
        operations.update_team(
            team,
            name=form.name.data,
            kind=form.kind.data,
            default_capacity=form.default_capacity.data,
        )
        operations.set_chat_channel(team, form.chat_channel_url.data)

    saved = _saved(
        form,
        save,
        lambda _: f"Saved the team {team.name}.",
        ".teams",
    )
    return saved or _page("admin/team_form.html", form=form, team=team)


# Periods


def _periods_page(quarters_form: QuartersForm):
    periods = periods_in_order()
    if quarters_form.year.data is None and not quarters_form.year.raw_data:
        quarters_form.year.data = periods[-1].end_date.year + 1 if periods else today().year
    return _page("admin/periods.html", periods=periods, quarters_form=quarters_form)


@bp.route("/periods")
@login_required
@require("admin")
def periods():
    return _periods_page(QuartersForm())


@bp.route("/periods/quarters", methods=["POST"])
@login_required
@require("admin")
def generate_quarters():
    form = QuartersForm()
    saved = _saved(
        form,
        lambda: operations.create_quarters(form.year.data),
        lambda quarters: f"Created {quarters[0].name} to {quarters[-1].name}.",
        ".periods",
    )
    return saved or _periods_page(form)


@bp.route("/periods/new", methods=["GET", "POST"])
@login_required
@require("admin")
def new_period():
    form = PeriodForm()
    saved = _saved(
        form,
        lambda: operations.create_period(
            name=form.name.data, start=form.start_date.data, end=form.end_date.data
        ),
        lambda period: f"Created the period {period.name}.",
        ".periods",
    )
    return saved or _page("admin/period_form.html", form=form, period=None)


@bp.route("/periods/<int:period_id>", methods=["GET", "POST"])
@login_required
@require("admin")
def edit_period(period_id: int):
    period = db.get_or_404(Period, period_id)
    form = PeriodForm(obj=period)
    saved = _saved(
        form,
        lambda: operations.update_period(
            period, name=form.name.data, start=form.start_date.data, end=form.end_date.data
        ),
        lambda _: f"Saved the period {period.name}.",
        ".periods",
    )
    return saved or _page("admin/period_form.html", form=form, period=period)

"""What administration does to the data: accounts, teams and periods.

Plain functions that check the rules, mutate, flush and never commit; the request
(or the CLI command) commits once. Each refuses bad input with an `AdminError`
before changing anything.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import func, select

from app.alignment import TEAM_KINDS
from app.auth.operations import end_all_sessions
from app.auth.passwords import password_problem
from app.errors import Refused
from app.extensions import db
from app.fields import (
    NAME_MAX,
    PERSON_WEEKS_MAX,
    SLUG_HINT,
    SLUG_PATTERN,
    is_person_weeks,
    too_long,
)
from app.models import ROLES, Period, Team, TeamMembership, User
from app.webhooks.addresses import AddressRefused, resolve

FIRST_YEAR, LAST_YEAR = 1970, 2200
QUARTERS = (((1, 1), (3, 31)), ((4, 1), (6, 30)), ((7, 1), (9, 30)), ((10, 1), (12, 31)))


class AdminError(Refused):
    """A change that the rules refuse. The message is for the user; `field` names the
    form field it concerns, if any."""


def _check_name(name: str, what: str, longest: int) -> None:
    if not name.strip():
        raise AdminError(f"A {what} needs a name.", "name")
    if len(name.strip()) > longest:
        raise AdminError(f"A {what} name has at most {longest} characters.", "name")


# Users


def normalise_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise AdminError(f"{email.strip()!r} is not a valid e-mail address.", "email") from exc


def teams_by_slug(slugs: Iterable[str]) -> list[Team]:
    wanted = list(dict.fromkeys(slugs))
    found = {t.slug: t for t in db.session.scalars(select(Team).where(Team.slug.in_(wanted)))}
    unknown = [slug for slug in wanted if slug not in found]
    if unknown:
        raise AdminError(f"Unknown team: {', '.join(unknown)}.", "teams")
    return [found[slug] for slug in wanted]


def _check_person(name: str, role: str, teams: list[Team]) -> None:
    if len(name.strip()) > NAME_MAX:
        raise AdminError(too_long("name", NAME_MAX), "name")
    if role not in ROLES:
        raise AdminError(f"Unknown role {role!r}: choose one of {', '.join(ROLES)}.", "role")
    if role == "contributor" and not teams:
        raise AdminError("A contributor must belong to at least one team.", "teams")


def _check_password(password: str, email: str) -> None:
    problem = password_problem(password, email)
    if problem is not None:
        raise AdminError(problem, "password")


def _check_keeps_an_admin(user: User) -> None:
    if user.role != "admin" or not user.active:
        return
    # Locked (on PostgreSQL), so that two admins cannot demote each other at once.
    others = db.session.scalars(
        select(User.id)
        .where(User.role == "admin", User.active.is_(True), User.id != user.id)
        .with_for_update()
    ).all()
    if not others:
        raise AdminError(f"{user.email} is the last active admin; make another admin first.")


def _set_teams(user: User, teams: list[Team]) -> None:
    wanted = {team.id for team in teams}
    for membership in list(user.memberships):
        if membership.team_id not in wanted:
            user.memberships.remove(membership)
            db.session.delete(membership)  # explicitly, so that the audit history sees it
    for team_id in sorted(wanted - user.team_ids):
        user.memberships.append(TeamMembership(team_id=team_id))


def check_new_user(*, email: str, role: str, teams: list[Team], name: str = "") -> str:
    """Everything about a new account but its password; returns the e-mail as stored."""
    email = normalise_email(email)
    if db.session.scalar(select(User.id).where(func.lower(User.email) == email)) is not None:
        raise AdminError(f"An account with the e-mail {email} already exists.", "email")
    _check_person(name, role, teams)
    return email


def create_user(*, email: str, role: str, password: str, teams: list[Team], name: str = "") -> User:
    email = check_new_user(email=email, role=role, teams=teams, name=name)
    _check_password(password, email)
    user = User(email=email, name=name.strip(), role=role, active=True)
    user.set_password(password)
    _set_teams(user, teams)
    db.session.add(user)
    db.session.flush()
    return user


def update_user(
    user: User, *, role: str, teams: list[Team], name: str, password: str | None = None
) -> None:
    """Change an account; a new password also ends every session of the user."""
    _check_person(name, role, teams)
    if password:
        _check_password(password, user.email)
    if role != "admin":
        _check_keeps_an_admin(user)
    user.role = role
    user.name = name.strip()
    _set_teams(user, teams)
    if password:
        user.set_password(password)
        end_all_sessions(user)
    db.session.flush()


def set_user_active(user: User, active: bool, *, actor: User | None) -> None:
    """Deactivate or reactivate an account. Nobody deactivates themself, and the last
    active admin stays. Deactivating ends every session of the user, so reactivating
    does not sign anyone back in."""
    if not active:
        if actor is not None and actor.id == user.id:
            raise AdminError("You cannot deactivate your own account.")
        _check_keeps_an_admin(user)
        end_all_sessions(user)
    user.active = active
    db.session.flush()


# Teams


def _check_team(name: str, kind: str, default_capacity: float | None) -> None:
    _check_name(name, "team", NAME_MAX)
    if kind not in TEAM_KINDS:
        raise AdminError(f"Unknown kind {kind!r}: choose platform or product.", "kind")
    if not is_person_weeks(default_capacity):
        raise AdminError(
            f"Capacity is a number of person-weeks from 0 to {PERSON_WEEKS_MAX:,}, or empty.",
            "default_capacity",
        )


def create_team(*, slug: str, name: str, kind: str, default_capacity: float | None) -> Team:
    if not SLUG_PATTERN.fullmatch(slug):
        raise AdminError(f"A slug is {SLUG_HINT}.", "slug")
    _check_team(name, kind, default_capacity)
    if db.session.scalar(select(Team.id).where(Team.slug == slug)) is not None:
        raise AdminError(f"The slug {slug!r} is already taken.", "slug")
    team = Team(slug=slug, name=name.strip(), kind=kind, default_capacity=default_capacity)
    db.session.add(team)
    db.session.flush()
    return team


def update_team(team: Team, *, name: str, kind: str, default_capacity: float | None) -> None:
    _check_team(name, kind, default_capacity)
    team.name = name.strip()
    team.kind = kind
    team.default_capacity = default_capacity
    db.session.flush()


def set_chat_channel(team: Team, url: str | None) -> None:
    """Give the team a chat channel (an incoming-webhook URL that takes a
    Slack-compatible JSON body), or none (empty). A new URL must be http(s) on a
    public address (any address with WEBHOOK_ALLOW_PRIVATE_HOSTS), as a webhook's."""
    url = (url or "").strip() or None
    if url == team.chat_channel_url:
        return
    if url is not None:
        try:
            resolve(url, bool(current_app.config.get("WEBHOOK_ALLOW_PRIVATE_HOSTS")))
        except AddressRefused as error:
            raise AdminError(str(error), "chat_channel_url") from error
    team.chat_channel_url = url
    db.session.flush()


# Periods


def _span(period: Period) -> str:
    return f"{period.name} ({period.start_date.isoformat()} to {period.end_date.isoformat()})"


def _period_problems(
    name: str, start: date, end: date, existing: Iterable[Period]
) -> list[tuple[str, str]]:
    """(field, message) for each rule that a new or changed period would break."""
    problems = []
    if start > end:
        problems.append(("end_date", "The end date comes before the start date."))
    for other in existing:
        if other.name.lower() == name.lower():
            problems.append(("name", f"A period named {other.name} already exists."))
        elif other.start_date <= end and start <= other.end_date:
            problems.append(("start_date", f"{name} would overlap {_span(other)}."))
    return problems


def _periods_except(period: Period | None) -> list[Period]:
    query = select(Period).order_by(Period.start_date)
    if period is not None:
        query = query.where(Period.id != period.id)
    return list(db.session.scalars(query))


def _check_period(name: str, start: date, end: date, existing: Iterable[Period]) -> None:
    _check_name(name, "period", 40)
    problems = _period_problems(name.strip(), start, end, existing)
    if problems:
        field, message = problems[0]
        raise AdminError(message, field)


def create_period(*, name: str, start: date, end: date) -> Period:
    _check_period(name, start, end, _periods_except(None))
    period = Period(name=name.strip(), start_date=start, end_date=end)
    db.session.add(period)
    db.session.flush()
    return period


def update_period(period: Period, *, name: str, start: date, end: date) -> None:
    """Rename or re-date a period. It keeps its place in the order, since items that
    span periods rely on it."""
    others = _periods_except(period)
    _check_period(name, start, end, others)
    passed = [
        other.name
        for other in others
        if (other.start_date < period.start_date) != (other.start_date < start)
    ]
    if passed:
        raise AdminError(
            f"Periods keep their order: these dates would move {name.strip()} past "
            f"{', '.join(passed)}.",
            "start_date",
        )
    period.name = name.strip()
    period.start_date = start
    period.end_date = end
    db.session.flush()


def create_quarters(year: int) -> list[Period]:
    """The four calendar quarters of `year`, "2027 Q1" to "2027 Q4": all of them, or
    none when any would clash with an existing period."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise AdminError(f"The year must be between {FIRST_YEAR} and {LAST_YEAR}.", "year")
    quarters = [
        Period(name=f"{year} Q{n}", start_date=date(year, *start), end_date=date(year, *end))
        for n, (start, end) in enumerate(QUARTERS, start=1)
    ]
    existing = _periods_except(None)
    problems = [
        message
        for quarter in quarters
        for _field, message in _period_problems(
            quarter.name, quarter.start_date, quarter.end_date, existing
        )
    ]
    if problems:
        raise AdminError(
            f"No quarters of {year} were created: {' '.join(dict.fromkeys(problems))}", "year"
        )
    db.session.add_all(quarters)
    db.session.flush()
    return quarters

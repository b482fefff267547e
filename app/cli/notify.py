"""`flask notify`: the weekly reminders and nudges, the weekly digest by mail and
the daily mail, by hand (the periodic tick sends them when due, see
app.notifications.schedule). With --dry-run each prints who would get what and
writes and sends nothing."""

from __future__ import annotations

import click

from app.cli import BadInput
from app.clock import utcnow
from app.extensions import db
from app.notifications.notify import Planned, deliver
from app.notifications.schedule import Schedule, ScheduleError, schedule
from app.weeks import WeekError, requested_week, shift_week

DRY_RUN = click.option(
    "--dry-run", is_flag=True, help="Print who would get what; write and send nothing."
)


def _schedule() -> Schedule:
    try:
        return schedule()
    except ScheduleError as error:
        raise BadInput(str(error)) from error


def _show(what: str, planned: list[Planned], *, body: bool = True) -> None:
    going = [p for p in planned if p.goes_out]
    click.echo(f"{what}: {len(going)} to send, {len(planned) - len(going)} not")
    for p in planned:
        click.echo(f"  {p.describe()}")
        if body and p.goes_out and p.note.body:
            click.echo("\n".join(f"      {line}" for line in p.note.body.splitlines()))


@click.group("notify")
def notify_cli() -> None:
    """Send the scheduled notifications (reminders, the digest, the daily mail)."""


@notify_cli.command("reminders")
@DRY_RUN
def reminders_command(dry_run: bool) -> None:
    """Send this week's reminders (from REMINDER_AT) to the contributors of teams
    whose weekly update is not complete, and the nudges (from NUDGE_AT) to the
    planners of teams still silent; each person once a week. Before its time,
    says when it is due."""
    from app.notifications.reminders import nudges, reminders

    plan, now = _schedule(), utcnow()
    week = plan.week_of(now)
    for when, due, find, what in (
        (plan.reminder, plan.reminder_week(now), reminders, "Reminders"),
        (plan.nudge, plan.nudge_week(now), nudges, "Nudges"),
    ):
        if due is None:
            click.echo(f"{what} of {week} are not due yet: they go out from {plan.describe(when)}.")
            continue
        planned = find(due)
        if dry_run:
            _show(f"{what} of {due} (dry run)", planned)
            continue
        sent = deliver(planned)
        db.session.commit()
        click.echo(f"{what} of {due}: sent {sent}.")


@notify_cli.command("digest")
@click.option(
    "--week", metavar="YYYY-Www", help="The ISO week reported on. Default: the week just ended."
)
@DRY_RUN
def digest_command(week: str | None, dry_run: bool) -> None:
    """Mail the weekly digest to everyone who follows it (leadership: every team;
    others: their teams), by their weekly_digest channel, once per person per week.
    Exits 2 on a bad week."""
    from app.notifications.digest_mail import digest_mails, send_digest

    plan, now = _schedule(), utcnow()
    week = (week or "").strip().upper() or shift_week(plan.week_of(now), -1)
    try:
        week = requested_week(week, now)
    except WeekError as error:
        raise BadInput(f"--week: {error}") from error
    if dry_run:
        _show(f"The digest of {week} (dry run)", [p for p, _mail in digest_mails(week)])
        return
    sent = send_digest(week)
    db.session.commit()
    click.echo(f"The digest of {week}: sent {sent}.")


@notify_cli.command("send-pending")
@DRY_RUN
def send_pending_command(dry_run: bool) -> None:
    """Send each person's daily mail: their notifications of the daily channel
    gathered in one mail, once a day."""
    from app.notifications.daily import pending, send_pending

    _schedule()
    if dry_run:
        found = pending()
        click.echo(f"Daily mails (dry run): {len(found)} to send")
        for mail in found:
            click.echo(f"  {mail.user.email}: {mail.subject}")
            click.echo("\n".join(f"      {note.title}" for note in mail.notes))
        return
    sent = send_pending()
    db.session.commit()
    click.echo(f"Daily mails: sent {sent}.")

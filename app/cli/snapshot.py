"""`flask snapshot`: store the week's snapshot of the plan and its conflicts (for cron)."""

from __future__ import annotations

import click

from app.cli import BadInput
from app.clock import utcnow
from app.dashboard.snapshots import take_snapshot
from app.extensions import db
from app.plan_store import analyze_plan
from app.weeks import WeekError, requested_week


@click.command("snapshot")
@click.option(
    "--week",
    metavar="YYYY-Www",
    help="Store it as this ISO week, e.g. 2027-W05, to fill in a missed one. "
    "Default: the current week.",
)
def snapshot_command(week: str | None) -> None:
    """Take the weekly snapshot: conflict counts by type, severity and team, every
    conflict, and each item's periods, status and health. Taking it again in the
    same week replaces that week's. Run it from cron early each week."""
    now = utcnow()
    try:
        week = requested_week(week and week.strip().upper(), now)
    except WeekError as error:
        raise BadInput(str(error)) from error
    taken = take_snapshot(analyze_plan(now), week, now)
    db.session.commit()
    counts = taken.counts
    severities = ", ".join(f"{n} {name}" for name, n in counts["by_severity"].items())
    click.echo(
        f"{'Replaced' if taken.replaced else 'Took'} the snapshot of {week}: "
        f"{counts['open']} open conflicts ({severities}), {counts['accepted']} accepted, "
        f"{taken.items} items."
    )

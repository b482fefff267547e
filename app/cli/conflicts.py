"""`flask conflicts`: the conflict report."""

from __future__ import annotations

from datetime import datetime

import click
from sqlalchemy import select

from app.alignment.conflict import SEVERITIES, ConflictCounts
from app.dashboard.listing import to_csv, to_json
from app.extensions import db
from app.models import Period, Team
from app.plan_store import analyze_plan

EXIT_CRITICAL = 3


@click.command("conflicts")
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Analyse as at the start of this day (UTC), YYYY-MM-DD. Default: now.",
)
@click.option("--team", "team_slug", metavar="SLUG", help="Only conflicts involving this team.")
@click.option("--period", "period_name", metavar="NAME", help='Only this period, e.g. "2027 Q1".')
@click.option("--severity", type=click.Choice(SEVERITIES), help="Only this severity.")
@click.option(
    "--scenario",
    "scenario_name",
    metavar="NAME",
    help="Report the conflicts of this scenario (the live plan with its changes).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
)
def conflicts_command(
    as_of: datetime | None,
    team_slug: str | None,
    period_name: str | None,
    severity: str | None,
    scenario_name: str | None,
    fmt: str,
) -> None:
    """Report the plan's conflicts (with --scenario, the scenario's).

    Exits 0 when no open critical conflict remains (accepted risks do not count),
    3 when one does, 2 on bad arguments.
    """
    if (
        team_slug is not None
        and db.session.scalar(select(Team.id).where(Team.slug == team_slug)) is None
    ):
        raise click.BadParameter(f'unknown team "{team_slug}"', param_hint="--team")
    if (
        period_name is not None
        and db.session.scalar(select(Period.id).where(Period.name == period_name)) is None
    ):
        raise click.BadParameter(f'unknown period "{period_name}"', param_hint="--period")

    if scenario_name is not None:
        from app.cli.scenario import scenario_named
        from app.scenarios.operations import scenario_analysis

        analysis = scenario_analysis(scenario_named(scenario_name), as_of)
    else:
        analysis = analyze_plan(as_of)
    conflicts = analysis.select(team=team_slug, period=period_name, severity=severity)
    if fmt == "json":
        for piece in to_json(conflicts):
            click.echo(piece, nl=False)
        click.echo()
    elif fmt == "csv":
        click.echo(to_csv(conflicts, decisions=False), nl=False)
    else:
        click.echo(_table([c.to_dict() for c in conflicts]))

    if ConflictCounts.of(conflicts).by_severity["critical"]:
        raise SystemExit(EXIT_CRITICAL)


def _table(rows: list[dict]) -> str:
    if not rows:
        return "No conflicts."
    lines = []
    for level in SEVERITIES:
        group = [r for r in rows if r["severity"] == level]
        if not group:
            continue
        lines.append(f"{level.upper()} ({len(group)})")
        for row in group:
            state = "" if row["state"] == "open" else f" [{row['state']}]"
            period = f" {row['period']}" if row["period"] else ""
            lines.append(f"  {row['type']:<23} {', '.join(row['items'])}{period}{state}")
            lines.append(f"      {row['message']}")
            if row["suggestions"]:
                lines.append(f"      -> {row['suggestions'][0]}")
        lines.append("")
    return "\n".join(lines).rstrip()

"""`flask scenario`: what-if scenarios over the live plan from the command line.

``create``, ``list``, ``rename``, ``delete``; ``set`` and ``capacity`` (and ``add``,
a new item) to change one; ``diff`` to compare it with the live plan or another
scenario; ``autoschedule`` to let the app place its items; ``apply`` to write it
to the live plan, and ``resolve`` to settle the clashes that stop it.
``flask conflicts --scenario NAME`` reports its conflicts.
"""

from __future__ import annotations

import json
import shlex
from typing import Any

import click
from sqlalchemy import func, select

from app.alignment import PRIORITY_NAMES, STATUSES
from app.alignment.compare import PlanComparison
from app.alignment.text import period_span, plural, pw
from app.audit import acting_as
from app.cli import BadInput
from app.cli.progress import ProgressBar
from app.clock import format_datetime
from app.extensions import db
from app.models import Dependency, Item, Period, Scenario, Team
from app.planning.schedule import periods_in_order
from app.scenarios import operations
from app.scenarios.operations import (
    KEEPS,
    LIVE,
    Clash,
    ScenarioClash,
    ScenarioError,
    clash_count,
)

# Exit codes: 0 done, 2 bad input (BadInput), 4 apply refused for clashes.
EXIT_CLASH = 4
PROGRESS_FROM_ITEMS = 2000
PINS = ("in_progress", "committed", "none")
ITEM_FIELDS = ("periods", "start", "end", "team", "priority", "estimate", "status")
DEPENDENCY_FIELDS = ("needed_by", "commitment")


@click.group("scenario")
def scenario_cli() -> None:
    """What-if scenarios: named sets of changes over the live plan."""


def scenario_named(name: str) -> Scenario:
    """The scenario called NAME; BadInput (exit code 2) when there is none."""
    found = operations.scenario_by_name(name)
    if found is None:
        raise BadInput(f'There is no scenario named "{name}". See flask scenario list.')
    return found


def _period(name: str) -> Period:
    found = db.session.scalar(select(Period).where(Period.name == name))
    if found is None:
        raise BadInput(f'There is no period named "{name}".')
    return found


def _team(slug: str) -> Team:
    found = db.session.scalar(select(Team).where(Team.slug == slug.lower()))
    if found is None:
        raise BadInput(f'There is no team "{slug}".')
    return found


def _saved(action, *, actor: str = "cli") -> Any:
    """Run ``action``, commit, and turn a refusal into BadInput (nothing written)."""
    with acting_as(None, actor):
        try:
            result = action()
        except ScenarioError as error:
            db.session.rollback()
            raise BadInput(str(error)) from error
        db.session.commit()
    return result


@scenario_cli.command("create")
@click.argument("name")
@click.option(
    "--from",
    "source",
    default=LIVE,
    show_default=True,
    metavar="live|OTHER",
    help="Start from the live plan (no changes) or from a copy of another scenario.",
)
def create_command(name: str, source: str) -> None:
    """Create the scenario NAME."""
    other = None if source == LIVE else scenario_named(source)
    made = _saved(lambda: operations.create_scenario(name, source=other))
    start = "the live plan" if other is None else f"a copy of {other.name!r}"
    click.echo(f"Created scenario {made.name!r} from {start}.")


@scenario_cli.command("list")
def list_command() -> None:
    """List the scenarios, with how many changes each makes."""
    found = operations.list_scenarios()
    if not found:
        click.echo("No scenarios. Make one with flask scenario create NAME.")
        return
    width = max(len(scenario.name) for scenario, _count in found)
    for scenario, count in found:
        by = f" by {scenario.created_by.email}" if scenario.created_by else ""
        click.echo(
            f"{scenario.name:<{width}}  {plural(count, 'change'):>12}  "
            f"updated {format_datetime(scenario.updated_at)}{by}"
        )


@scenario_cli.command("rename")
@click.argument("name")
@click.argument("new_name")
def rename_command(name: str, new_name: str) -> None:
    """Rename the scenario NAME to NEW_NAME."""
    scenario = scenario_named(name)
    _saved(lambda: operations.rename_scenario(scenario, new_name))
    click.echo(f"Renamed scenario {name!r} to {scenario.name!r}.")


@scenario_cli.command("delete")
@click.argument("name")
def delete_command(name: str) -> None:
    """Delete the scenario NAME (the live plan is untouched)."""
    scenario = scenario_named(name)
    _saved(lambda: operations.delete_scenario(scenario))
    click.echo(f"Deleted scenario {name!r}.")


@scenario_cli.command("apply")
@click.argument("name")
def apply_command(name: str) -> None:
    """Write the scenario NAME's changes to the live plan, in one transaction, and
    delete it. When something it changes was changed live since, nothing is
    written: each clash is listed and the exit code is 4."""
    scenario = scenario_named(name)
    with acting_as(None, "flask scenario apply"):
        try:
            written = operations.apply_scenario(scenario)
        except ScenarioClash as clash:
            db.session.rollback()
            click.echo(
                f"Scenario {name!r} was not applied: {clash_count(len(clash.clashes))} with "
                "the live plan. Nothing was written.",
                err=True,
            )
            _echo_clashes(clash.clashes, err=True)
            click.echo(
                "Keep the live value or the scenario's: flask scenario resolve "
                f"{shlex.quote(name)} [TARGET] --keep live|scenario",
                err=True,
            )
            raise click.exceptions.Exit(EXIT_CLASH) from None
        except ScenarioError as error:
            db.session.rollback()
            raise BadInput(str(error)) from error
        db.session.commit()
    click.echo(f"Applied scenario {name!r}: {plural(written, 'change')} written to the live plan.")


def _echo_clashes(clashes: list[Clash], *, err: bool = False) -> None:
    """Each clash, with the TARGET that names it to ``flask scenario resolve``."""
    width = max(len(clash.text()) for clash in clashes)
    for clash in clashes:
        click.echo(f"  {clash.text():<{width}}  {clash.target}", err=err)


@scenario_cli.command("resolve")
@click.argument("name")
@click.argument("target", required=False)
@click.option(
    "--keep",
    type=click.Choice(KEEPS),
    required=True,
    help="live: the scenario drops its change; scenario: its value is kept over the live one.",
)
def resolve_command(name: str, target: str | None, keep: str) -> None:
    """Settle a clash of the scenario NAME (TARGET, as `flask scenario apply` lists
    it) or, without TARGET, every clash: keep the live value or the scenario's."""
    scenario = scenario_named(name)
    settled = _saved(
        lambda: operations.resolve_clashes(scenario, keep, None if target is None else [target])
    )
    if not settled:
        click.echo(f"Scenario {name!r} has no clashes: nothing to keep.")
        return
    kept = "the live value" if keep == "live" else "the scenario's value"
    click.echo(f"Scenario {name!r}: kept {kept} of {plural(len(settled), 'clash', 'clashes')}.")
    for clash in settled:
        value = clash.live if keep == "live" else clash.scenario
        click.echo(f"  {clash.what} {clash.field}: {value}")


# -- Changing a scenario -----------------------------------------------------------------


def _periods_value(value: str) -> tuple[int | None, int | None]:
    """``backlog``, ``2027 Q2`` or ``2027 Q2..2027 Q3``."""
    if value.strip().lower() == "backlog":
        return None, None
    first, _sep, last = value.partition("..")
    start = _period(first.strip())
    end = _period(last.strip()) if last.strip() else start
    return start.id, end.id


def _item_values(field: str, value: str) -> dict[str, Any]:
    if field == "periods":
        start, end = _periods_value(value)
        return {"start_period_id": start, "end_period_id": end}
    if field in ("start", "end"):
        period = None if value.strip().lower() == "backlog" else _period(value).id
        return {f"{field}_period_id": period}
    if field == "team":
        return {"team_id": _team(value).id}
    if field == "priority":
        wanted = value.strip().upper()
        if wanted not in PRIORITY_NAMES:
            raise BadInput(f'The priority is P0 (highest) to P3, not "{value}".')
        return {"priority": PRIORITY_NAMES.index(wanted)}
    if field == "estimate":
        if value.strip().lower() in ("", "none"):
            return {"estimate": None}
        try:
            return {"estimate": float(value)}
        except ValueError:
            raise BadInput(
                f'The estimate is a number of person-weeks or "none", not "{value}".'
            ) from None
    if value not in STATUSES:
        raise BadInput(f"The status is one of {', '.join(STATUSES)}, not {value!r}.")
    return {"status": value}


def _dependency(key: str) -> Dependency:
    dependent_key, _sep, dependency_key = key.partition("/")
    found = db.session.scalar(
        select(Dependency)
        .join(Item, Item.id == Dependency.dependent_id)
        .where(
            Item.key == dependent_key,
            Dependency.dependency_id
            == select(Item.id).where(Item.key == dependency_key).scalar_subquery(),
        )
    )
    if found is None:
        raise BadInput(f"{dependent_key} does not need {dependency_key}.")
    return found


@scenario_cli.command("set")
@click.argument("name")
@click.argument("key")
@click.argument("field")
@click.argument("value")
def set_command(name: str, key: str, field: str, value: str) -> None:
    """Change one field in the scenario NAME.

    KEY is an item's key (a live item, or one of the scenario's new items, e.g.
    PAY-new1) with FIELD one of periods ("2027 Q2", "2027 Q2..2027 Q3" or
    "backlog"), start, end, team (a slug), priority (P0..P3), estimate (person-weeks
    or "none") and status; or a dependency as DEPENDENT/DEPENDENCY (CHK-3/PAY-1)
    with FIELD needed_by (a period or "start") or commitment (committed or
    declined). The live value removes the scenario's change."""
    scenario = scenario_named(name)
    if "/" in key:
        if field not in DEPENDENCY_FIELDS:
            raise BadInput(f"A dependency's field is one of {', '.join(DEPENDENCY_FIELDS)}.")
        dep = _dependency(key)
        if field == "needed_by":
            wanted = {"needed_by_period_id": None if value == "start" else _period(value).id}
        else:
            wanted = {"commitment": value}
        _saved(lambda: operations.set_dependency_fields(scenario, dep, wanted))
        click.echo(f"Scenario {scenario.name!r}: {key} {field} set to {value}.")
        return
    if field not in ITEM_FIELDS:
        raise BadInput(f"An item's field is one of {', '.join(ITEM_FIELDS)}.")
    values = _item_values(field, value)
    if operations.new_item(scenario, key) is not None:
        _saved(lambda: operations.update_new_item(scenario, key, values))
    else:
        item = db.session.scalar(select(Item).where(Item.key == key))
        if item is None:
            raise BadInput(f'There is no item "{key}" in the plan or in scenario {name!r}.')
        _saved(lambda: operations.set_item_fields(scenario, item, values))
    click.echo(f"Scenario {scenario.name!r}: {key} {field} set to {value}.")


@scenario_cli.command("capacity")
@click.argument("name")
@click.argument("team")
@click.argument("period")
@click.argument("value")
def capacity_command(name: str, team: str, period: str, value: str) -> None:
    """Set TEAM's capacity in PERIOD in the scenario NAME: person-weeks, or
    "default" for the team's default."""
    scenario = scenario_named(name)
    found_team, found_period = _team(team), _period(period)
    if value.strip().lower() == "default":
        number = None
    else:
        try:
            number = float(value)
        except ValueError:
            raise BadInput(
                f'Capacity is a number of person-weeks or "default", not "{value}".'
            ) from None
    _saved(lambda: operations.set_capacity(scenario, found_team, found_period, number))
    shown = "the default" if number is None else f"{pw(number)} person-weeks"
    click.echo(
        f"Scenario {scenario.name!r}: {found_team.name} in {found_period.name} set to {shown}."
    )


@scenario_cli.command("add")
@click.argument("name")
@click.argument("team")
@click.argument("title")
@click.option("--priority", default="P2", show_default=True, help="P0 (highest) to P3.")
@click.option("--periods", "periods", default="backlog", show_default=True, metavar="SPAN")
@click.option("--estimate", default="none", show_default=True, help="Person-weeks, or none.")
@click.option("--status", default="proposed", show_default=True, type=click.Choice(STATUSES))
def add_command(
    name: str, team: str, title: str, priority: str, periods: str, estimate: str, status: str
) -> None:
    """Add a new item of TEAM to the scenario NAME; it gets a real key at apply."""
    scenario = scenario_named(name)
    found_team = _team(team)
    values = {
        "title": title,
        **_item_values("priority", priority),
        **_item_values("periods", periods),
        **_item_values("estimate", estimate),
        "status": status,
    }
    key = _saved(lambda: operations.add_item(scenario, found_team, values))
    click.echo(f"Scenario {scenario.name!r}: added {key} '{title.strip()}' for {found_team.name}.")


# -- Comparing and scheduling ------------------------------------------------------------


def _format_option(function):
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["table", "json"]),
        default="table",
        show_default=True,
    )(function)


@scenario_cli.command("diff")
@click.argument("name")
@click.option(
    "--against",
    default=LIVE,
    show_default=True,
    metavar="live|OTHER",
    help="Compare with the live plan or with another scenario.",
)
@_format_option
def diff_command(name: str, against: str, fmt: str) -> None:
    """Compare the scenario NAME with the live plan (or another scenario): conflicts
    resolved, new and changed, items moved, each team's demand against capacity
    where it changed, and what slips."""
    scenario = scenario_named(name)
    other = None if against == LIVE else scenario_named(against)
    comparison = operations.compare_scenario(scenario, other)
    if fmt == "json":
        click.echo(json.dumps(comparison.as_dict(), indent=2, ensure_ascii=False))
        return
    base = "the live plan" if other is None else f"scenario {other.name!r}"
    click.echo(_comparison_table(comparison, f"Scenario {scenario.name!r} against {base}"))


def _names(comparison: PlanComparison) -> tuple[list[str], dict[int, Team | Any]]:
    snapshot = comparison.other.snapshot
    return [p.name for p in snapshot.periods], {t.id: t for t in snapshot.teams}


def _span(names: list[str], start: int | None, end: int | None) -> str:
    if start is None or end is None:
        return "backlog"
    return period_span(names[start], names[end])


def _comparison_table(comparison: PlanComparison, title: str) -> str:
    names, teams = _names(comparison)
    lines = [title, "", f"Conflicts: {comparison.conflicts.text(limit=20)}."]
    for heading, conflicts in (
        ("Resolved", comparison.conflicts.resolved),
        ("New", comparison.conflicts.new),
        ("Changed", [new for _old, new in comparison.conflicts.changed]),
    ):
        if conflicts:
            lines.append(f"  {heading} ({len(conflicts)})")
            for c in conflicts:
                period = f" {c.period}" if c.period else ""
                lines.append(f"    {c.severity:<8} {c.type:<23} {', '.join(c.items)}{period}")
    lines.append("")
    if comparison.moved:
        lines.append(f"Moved ({len(comparison.moved)})")
        for move in comparison.moved:
            shift = "" if move.shift is None else f" ({move.shift:+d})"
            team = (
                f", {teams[move.team_id].name} -> {teams[move.to_team_id].name}"
                if move.team_id != move.to_team_id
                else ""
            )
            lines.append(
                f"  {move.key:<12} {_span(names, move.start, move.end)} -> "
                f"{_span(names, move.to_start, move.to_end)}{shift}{team}"
            )
            if move.reason:
                lines.append(f"      {move.reason}")
    else:
        lines.append("Moved: none")
    if comparison.added:
        lines.append(f"New items ({len(comparison.added)})")
        for item in comparison.added:
            lines.append(f"  {item.key:<12} {_span(names, item.start, item.end)}  {item.title}")
    changed = comparison.changed_load
    lines.append("")
    if changed:
        lines.append("Demand / capacity where it changed (person-weeks)")
        for cell in changed:
            was, now = _load(cell.demand, cell.capacity), _load(cell.to_demand, cell.to_capacity)
            lines.append(
                f"  {teams[cell.team_id].name:<20} {names[cell.period]:<9} {was:>14} -> {now}"
            )
    else:
        lines.append("Demand / capacity: unchanged")
    lines.append("")
    if comparison.slips:
        lines.append(f"Slips ({len(comparison.slips)})")
        for slip in comparison.slips:
            if slip.kind == "late":
                lines.append(f"  {slip.key:<12} now late: needs {slip.because}")
            elif slip.shift is None:
                lines.append(f"  {slip.key:<12} to the backlog")
            else:
                lines.append(f"  {slip.key:<12} ends {plural(slip.shift, 'period')} later")
    else:
        lines.append("Slips: none")
    return "\n".join(lines)


def _load(demand: float, capacity: float | None) -> str:
    return f"{pw(demand)} / {'-' if capacity is None else pw(capacity)}"


def _horizon(value: str | None) -> int | None:
    """``--horizon``: a period's name, or N (the plan's Nth period, counting from 1)."""
    if value is None:
        return None
    periods = periods_in_order()
    for n, period in enumerate(periods):
        if period.name == value:
            return n
    try:
        number = int(value)
    except ValueError:
        raise BadInput(
            f'--horizon is a period\'s name or a number of periods, not "{value}".'
        ) from None
    if not 1 <= number <= len(periods):
        raise BadInput(f"--horizon is 1 to {len(periods)} (the plan has {len(periods)} periods).")
    return number - 1


@scenario_cli.command("autoschedule")
@click.argument("name")
@click.option(
    "--pin",
    type=click.Choice(PINS),
    default="in_progress",
    show_default=True,
    help="Which items keep their periods: in progress ones, committed and in progress "
    "ones, or none.",
)
@click.option(
    "--horizon",
    metavar="N|PERIOD",
    help="The last period anything may end in: its name, or N for the plan's Nth "
    "period. Default: the plan's last.",
)
@_format_option
def autoschedule_command(name: str, pin: str, horizon: str | None, fmt: str) -> None:
    """Place the scenario's active, estimated items so that no dependency is late,
    no team is over capacity and pinned items stay put, with the least
    priority-weighted lateness; the moves go into the scenario, each with its
    reason. When no placement meets every constraint it says why, and keeps the
    placement that breaks the fewest."""
    scenario = scenario_named(name)
    last = _horizon(horizon)
    large = db.session.scalar(select(func.count(Item.id))) > PROGRESS_FROM_ITEMS
    with ProgressBar("Scheduling", enabled=large) as bar:
        schedule = _saved(
            lambda: operations.autoschedule_scenario(scenario, pin=pin, horizon=last, progress=bar)
        )
    names = [p.name for p in periods_in_order()]
    if fmt == "json":
        click.echo(json.dumps(_schedule_dict(schedule, names), indent=2, ensure_ascii=False))
        return
    click.echo(_schedule_table(schedule, names, scenario.name))


def _schedule_dict(schedule: Any, names: list[str]) -> dict[str, Any]:
    return {
        "feasible": schedule.feasible,
        "solver": schedule.solver,
        "weighted_lateness": schedule.weighted_lateness,
        "same_period": schedule.same_period,
        "moves": [
            {
                "item": move.key,
                "from": {"start": names[move.start], "end": names[move.end]},
                "to": {"start": names[move.to_start], "end": names[move.to_end]},
                "reason": move.reason,
            }
            for move in schedule.moves
        ],
        "broken": [{"kind": b.kind, "text": b.text} for b in schedule.broken],
        "why": list(schedule.why),
    }


def _schedule_table(schedule: Any, names: list[str], scenario_name: str) -> str:
    verdict = "every constraint met" if schedule.feasible else "no placement meets every constraint"
    lines = [
        f"Scenario {scenario_name!r}: {verdict} ({schedule.solver} solver); "
        f"weighted lateness {schedule.weighted_lateness}, "
        f"{plural(schedule.same_period, 'dependency', 'dependencies')} ending in the "
        "period needed.",
    ]
    for why in schedule.why:
        lines.append(f"  why: {why}")
    for broken in schedule.broken:
        lines.append(f"  broken ({broken.kind}): {broken.text}")
    if not schedule.moves:
        lines.append("Nothing moves.")
    else:
        lines.append(f"Moves ({len(schedule.moves)})")
        for move in schedule.moves:
            lines.append(
                f"  {move.key:<12} {_span(names, move.start, move.end)} -> "
                f"{_span(names, move.to_start, move.to_end)}"
            )
            if move.reason:
                lines.append(f"      {move.reason}")
    return "\n".join(lines)

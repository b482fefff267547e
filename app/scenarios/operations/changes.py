"""Recording a scenario's changes (fields of items and of dependencies, new
items, capacity cells), each with its base: the live value when first changed."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import select

from app.clock import utcnow
from app.extensions import db
from app.fields import PERSON_WEEKS_MAX, is_person_weeks
from app.models import (
    Dependency,
    Item,
    Period,
    Scenario,
    ScenarioChange,
    Team,
    TeamCapacity,
)
from app.models.scenario import LABEL_MAX
from app.planning.dependency_operations import ANSWERS
from app.planning.operations import (
    PlanningError,
    _check_item,
    item_values,
)

from .errors import ScenarioError
from .lifecycle import _by_target, _saving

# The fields ``set_item_fields`` takes, and the fields a new item has.
ITEM_INPUTS = ("start_period_id", "end_period_id", "team_id", "priority", "estimate", "status")
NEW_ITEM_INPUTS = ("title", *ITEM_INPUTS)
DEPENDENCY_INPUTS = ("needed_by_period_id", "commitment")
# How an item change is stored: "periods" is [start period id, end period id] (both
# None: the backlog), moved together so that a start never passes its end.
ITEM_CHANGE_FIELDS = ("periods", "team_id", "priority", "estimate", "status")
FIELD_WORDS = {
    "periods": "periods",
    "team_id": "team",
    "priority": "priority",
    "estimate": "estimate",
    "status": "status",
    "needed_by": "needed by",
    "commitment": "commitment",
    "capacity": "capacity",
    "new": "new item",
}


# -- The changes -------------------------------------------------------------------------


def item_target(item_id: int, field: str) -> str:
    return f"item:{item_id}:{field}"


def dependency_target(dependent_id: int, dependency_id: int, field: str) -> str:
    return f"dependency:{dependent_id}:{dependency_id}:{field}"


def capacity_target(team_id: int, period_id: int) -> str:
    return f"capacity:{team_id}:{period_id}"


def _label(text: str) -> str:
    return text[:LABEL_MAX]


def _record(
    scenario: Scenario,
    known: dict[str, ScenarioChange],
    target: str,
    value: Any,
    live: Any,
    make: Callable[[], ScenarioChange],
    reason: str | None = None,
    added: list[ScenarioChange] | None = None,
) -> None:
    """Set the change ``target`` to ``value``: removed when that is the live value,
    else kept with its base (the live value when first changed), or made (and
    put in ``added``, when given, for the caller to insert in bulk)."""
    change = known.get(target)
    if _same(value, live):
        if change is not None:
            db.session.delete(change)
            del known[target]
        return
    if change is None:
        change = make()
        change.scenario_id, change.target, change.base = scenario.id, target, live
        if added is None:
            db.session.add(change)
        else:
            added.append(change)
        known[target] = change
    change.value = value
    change.reason = reason


def _same(a: Any, b: Any) -> bool:
    """Equal as stored: through JSON, where 4 and 4.0 and tuples and lists agree."""
    return json.loads(json.dumps(a)) == json.loads(json.dumps(b))


def _int(value: Any, field: str, what: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        value = getattr(value, "id", value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ScenarioError(f"The {what} must be given by its id.", field)
    return value


def _all_periods() -> dict[int, Period]:
    return {period.id: period for period in db.session.scalars(select(Period))}


def _check_fields(values: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    if not isinstance(values, Mapping):
        raise ScenarioError("The changes must be given as field names and values.")
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise ScenarioError(f"A scenario cannot change an item's {', '.join(map(str, unknown))}.")


def _checked_item(
    item: Item | None, wanted: Mapping[str, Any], periods: Mapping[int, Period]
) -> dict[str, Any]:
    """``wanted`` (the item's values as the scenario would have them, ids for periods
    and team) checked as the planning operations check an item; ScenarioError with
    the field otherwise. Returns them cleaned (estimate as a float, title stripped).
    ``periods``: every period, by id."""
    start_id = _int(wanted["start_period_id"], "start", "start period")
    end_id = _int(wanted["end_period_id"], "end", "end period")
    for field, period_id in (("start", start_id), ("end", end_id)):
        if period_id is not None and period_id not in periods:
            raise ScenarioError(f"There is no period with id {period_id}.", field)
    team_id = _int(wanted["team_id"], "team", "team")
    if team_id is None or db.session.get(Team, team_id) is None:
        raise ScenarioError(f"There is no team with id {team_id}.", "team")
    estimate = wanted["estimate"]
    if isinstance(estimate, bool) or not (estimate is None or isinstance(estimate, int | float)):
        raise ScenarioError("The estimate is a number of person-weeks, or empty.", "estimate")
    priority = wanted["priority"]
    if isinstance(priority, bool):
        priority = None
    current = item_values(item) if item is not None else {
        "title": "", "description": "", "health": "on_track", "owner": None,
    }  # fmt: skip
    title = wanted.get("title", current["title"])
    if not isinstance(title, str | None):
        raise ScenarioError("An item needs a title.", "title")
    try:
        checked = _check_item(
            {
                **current,
                "title": title,
                "priority": priority,
                "start": periods.get(start_id),
                "end": periods.get(end_id),
                "estimate": estimate,
                "status": wanted["status"],
            }
        )
    except PlanningError as error:
        raise ScenarioError(str(error), error.field) from None
    if "\x00" in checked["title"]:
        raise ScenarioError("A title cannot contain a NUL character.", "title")
    return {
        "title": checked["title"],
        "start_period_id": start_id,
        "end_period_id": end_id,
        "team_id": team_id,
        "priority": priority,
        "estimate": None if estimate is None else float(estimate),
        "status": wanted["status"],
    }


def _span(
    wanted: dict[str, Any], values: Mapping[str, Any], periods: Mapping[int, Period]
) -> dict[str, Any]:
    """``wanted`` with a start or end given alone (in ``values``) completed: the
    other one stays unless the span would then be half in the backlog or backwards,
    when the item takes the one period given (None: both to the backlog)."""
    starts, ends = "start_period_id" in values, "end_period_id" in values
    if starts == ends:
        return wanted
    given = values["start_period_id" if starts else "end_period_id"]
    start, end = wanted["start_period_id"], wanted["end_period_id"]
    if given is None or start is None or end is None:
        return {**wanted, "start_period_id": given, "end_period_id": given}
    first, last = periods.get(start), periods.get(end)
    if first is not None and last is not None and last.start_date < first.start_date:
        return {**wanted, "start_period_id": given, "end_period_id": given}
    return wanted


def _live_item(item: Item) -> dict[str, Any]:
    """An item's live values as changes store them (ITEM_CHANGE_FIELDS)."""
    return {
        "periods": [item.start_period_id, item.end_period_id],
        "team_id": item.team_id,
        "priority": item.priority,
        "estimate": item.estimate,
        "status": item.status,
    }


def _as_inputs(stored: Mapping[str, Any]) -> dict[str, Any]:
    start, end = stored["periods"]
    return {
        "start_period_id": start,
        "end_period_id": end,
        **{k: stored[k] for k in ("team_id", "priority", "estimate", "status")},
    }


def _as_stored(inputs: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "periods": [inputs["start_period_id"], inputs["end_period_id"]],
        **{k: inputs[k] for k in ("team_id", "priority", "estimate", "status")},
    }


def set_item_fields(
    scenario: Scenario,
    item: Item,
    values: Mapping[str, Any],
    *,
    expected_version: int | None = None,
) -> None:
    """Change fields of a live item in the scenario: any of ITEM_INPUTS (period and
    team ids; a start or end given alone keeps the scenario's other one). A value
    equal to the live one removes that change. Checked as the planning operations
    check an item (ScenarioError with the field)."""
    _check_fields(values, ITEM_INPUTS)
    known = _by_target(scenario)
    periods = _all_periods()
    with _saving(scenario, expected_version):
        _set_item(scenario, known, item, values, periods)


def _set_item(
    scenario: Scenario,
    known: dict[str, ScenarioChange],
    item: Item,
    values: Mapping[str, Any],
    periods: Mapping[int, Period],
    reason: str | None = None,
    added: list[ScenarioChange] | None = None,
) -> None:
    live = _live_item(item)
    now = {
        name: known[item_target(item.id, name)].value
        if item_target(item.id, name) in known
        else live[name]
        for name in ITEM_CHANGE_FIELDS
    }
    wanted = _span({**_as_inputs(now), **values}, values, periods)
    stored = _as_stored(_checked_item(item, wanted, periods))
    touched = {"periods"} if {"start_period_id", "end_period_id"} & set(values) else set()
    touched |= {name for name in ("team_id", "priority", "estimate", "status") if name in values}
    for name in ITEM_CHANGE_FIELDS:
        if name not in touched:
            continue
        _record(
            scenario,
            known,
            item_target(item.id, name),
            stored[name],
            live[name],
            lambda name=name: ScenarioChange(
                kind="item", item_id=item.id, field=name, label=_label(item.key)
            ),
            reason if name == "periods" else None,
            added,
        )


def _new_changes(known: Mapping[str, ScenarioChange]) -> dict[str, ScenarioChange]:
    """The scenario's new items by their scenario key."""
    return {c.value["key"]: c for c in known.values() if c.kind == "new"}


def add_item(
    scenario: Scenario,
    team: Team,
    values: Mapping[str, Any],
    *,
    expected_version: int | None = None,
) -> str:
    """A new item of ``team`` in the scenario (title, priority and any of
    ITEM_INPUTS but team_id); returns its key in the scenario, e.g. ``PAY-new1``.
    At apply it is created with the team's next real key."""
    _check_fields(values, tuple(n for n in NEW_ITEM_INPUTS if n != "team_id"))
    known = _by_target(scenario)
    wanted = {
        "title": values.get("title"),
        "start_period_id": values.get("start_period_id"),
        "end_period_id": values.get("end_period_id", values.get("start_period_id")),
        "team_id": team.id,
        "priority": values.get("priority"),
        "estimate": values.get("estimate"),
        "status": values.get("status", "proposed"),
    }
    checked = _checked_item(None, wanted, _all_periods())
    numbers = [int(t.split(":")[1]) for t, c in known.items() if c.kind == "new"]
    number = max(numbers, default=0) + 1
    key = f"{team.key_prefix}-new{number}"
    with _saving(scenario, expected_version):
        db.session.add(
            ScenarioChange(
                scenario_id=scenario.id,
                target=f"new:{number}",
                kind="new",
                item_id=-number,
                team_id=team.id,
                field="new",
                label=_label(key),
                value={**checked, "key": key, "created_at": utcnow().isoformat()},
                base=None,
            )
        )
    return key


def new_item(scenario: Scenario, key: str) -> dict[str, Any] | None:
    """The values of the scenario's new item ``key`` (``PAY-new1``), or None."""
    change = _new_changes(_by_target(scenario)).get(key)
    return None if change is None else dict(change.value)


def update_new_item(
    scenario: Scenario,
    key: str,
    values: Mapping[str, Any],
    *,
    expected_version: int | None = None,
    reason: str | None = None,
) -> None:
    """Change fields of one of the scenario's new items (NEW_ITEM_INPUTS)."""
    _check_fields(values, NEW_ITEM_INPUTS)
    change = _new_changes(_by_target(scenario)).get(key)
    if change is None:
        raise ScenarioError(f"Scenario {scenario.name!r} has no new item {key}.", "key")
    periods = _all_periods()
    checked = _checked_item(None, _span({**change.value, **values}, values, periods), periods)
    with _saving(scenario, expected_version):
        change.value = {**change.value, **checked}
        change.team_id = checked["team_id"]
        if reason is not None or {"start_period_id", "end_period_id"} & set(values):
            change.reason = reason


def remove_new_item(scenario: Scenario, key: str, *, expected_version: int | None = None) -> None:
    change = _new_changes(_by_target(scenario)).get(key)
    if change is None:
        raise ScenarioError(f"Scenario {scenario.name!r} has no new item {key}.", "key")
    with _saving(scenario, expected_version):
        db.session.delete(change)


def set_dependency_fields(
    scenario: Scenario,
    dep: Dependency,
    values: Mapping[str, Any],
    *,
    expected_version: int | None = None,
) -> None:
    """Change a live dependency in the scenario: ``needed_by_period_id`` (None: the
    dependent's start) and ``commitment`` (committed or declined, as the providing
    team answers a request; the live value removes the change)."""
    _check_fields(values, DEPENDENCY_INPUTS)
    known = _by_target(scenario)
    label = _label(f"{dep.dependent.key} needs {dep.dependency.key}")
    wanted: dict[str, Any] = {}
    if "needed_by_period_id" in values:
        period_id = _int(values["needed_by_period_id"], "needed_by", "needed-by period")
        if period_id is not None and db.session.get(Period, period_id) is None:
            raise ScenarioError(f"There is no period with id {period_id}.", "needed_by")
        wanted["needed_by"] = (period_id, dep.needed_by_period_id)
    if "commitment" in values:
        commitment = values["commitment"]
        if commitment != dep.commitment and commitment not in ANSWERS:
            raise ScenarioError("The commitment is committed or declined.", "commitment")
        wanted["commitment"] = (commitment, dep.commitment)
    with _saving(scenario, expected_version):
        for name, (value, live) in wanted.items():
            _record(
                scenario,
                known,
                dependency_target(dep.dependent_id, dep.dependency_id, name),
                value,
                live,
                lambda name=name: ScenarioChange(
                    kind="dependency",
                    dependent_id=dep.dependent_id,
                    dependency_id=dep.dependency_id,
                    field=name,
                    label=label,
                ),
            )


def _override(team_id: int, period_id: int) -> float | None:
    return db.session.scalar(
        select(TeamCapacity.person_weeks).where(
            TeamCapacity.team_id == team_id, TeamCapacity.period_id == period_id
        )
    )


def set_capacity(
    scenario: Scenario,
    team: Team,
    period: Period,
    value: float | None,
    *,
    expected_version: int | None = None,
) -> None:
    """The team's capacity in the period in the scenario: person-weeks, or None for
    the team's default. The live override's value removes the change."""
    if isinstance(value, bool) or not (value is None or isinstance(value, int | float)):
        raise ScenarioError("Capacity is a number of person-weeks, or empty.", "capacity")
    if not is_person_weeks(value):
        raise ScenarioError(
            f"{team.name} in {period.name}: capacity is a number of person-weeks "
            f"from 0 to {PERSON_WEEKS_MAX:,}, or empty.",
            "capacity",
        )
    value = None if value is None else float(value)
    known = _by_target(scenario)
    with _saving(scenario, expected_version):
        _record(
            scenario,
            known,
            capacity_target(team.id, period.id),
            value,
            _override(team.id, period.id),
            lambda: ScenarioChange(
                kind="capacity",
                team_id=team.id,
                period_id=period.id,
                field="capacity",
                label=_label(f"{team.name} in {period.name}"),
            ),
        )


def remove_change(scenario: Scenario, target: str, *, expected_version: int | None = None) -> None:
    """Stop changing ``target``: the scenario reads it live again."""
    change = _by_target(scenario).get(target)
    if change is None:
        raise ScenarioError(f"Scenario {scenario.name!r} does not change {target}.", "target")
    with _saving(scenario, expected_version):
        db.session.delete(change)

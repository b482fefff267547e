"""Making, copying, renaming and deleting scenarios, and reading their changes."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app.clock import utcnow
from app.extensions import db
from app.models import (
    Scenario,
    ScenarioChange,
    User,
)
from app.models.scenario import SCENARIO_NAME_MAX

from .errors import ScenarioBusy, ScenarioError, ScenarioStale

# The name by which the command line and the compare page mean the live plan.
LIVE = "live"


# -- Scenarios ---------------------------------------------------------------------------


def _check_name(name: Any, *, renaming: Scenario | None = None) -> str:
    if not isinstance(name, str):
        raise ScenarioError("A scenario needs a name.", "name")
    name = name.strip()
    if not name:
        raise ScenarioError("A scenario needs a name.", "name")
    if "\x00" in name:
        raise ScenarioError("A scenario's name cannot contain a NUL character.", "name")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        raise ScenarioError("A scenario's name cannot contain control characters.", "name")
    if len(name) > SCENARIO_NAME_MAX:
        raise ScenarioError(
            f"A scenario's name has at most {SCENARIO_NAME_MAX} characters "
            f"(this one has {len(name)}).",
            "name",
        )
    if name.lower() == LIVE:
        raise ScenarioError(f'"{LIVE}" is the live plan: choose another name.', "name")
    found = scenario_by_name(name)
    if found is not None and found is not renaming:
        raise _taken(name)
    return name


def scenario_by_name(name: str) -> Scenario | None:
    if not isinstance(name, str) or "\x00" in name:
        return None
    return db.session.scalar(select(Scenario).where(Scenario.name == name.strip()))


def list_scenarios() -> list[tuple[Scenario, int]]:
    """Every scenario, by name, with how many changes it makes."""
    counts = dict(
        db.session.execute(
            select(ScenarioChange.scenario_id, func.count()).group_by(ScenarioChange.scenario_id)
        ).all()
    )
    scenarios = db.session.scalars(select(Scenario).order_by(Scenario.name)).all()
    return [(scenario, counts.get(scenario.id, 0)) for scenario in scenarios]


@contextlib.contextmanager
def _saving(scenario: Scenario, expected_version: int | None) -> Iterator[None]:
    """Change the scenario inside the block and flush, bumping its version; only if
    it is still at ``expected_version`` (None: as loaded). A newer version, seen now
    or by the flush, raises ScenarioStale and leaves everything as it was."""
    if expected_version is not None and expected_version != scenario.version:
        raise _stale(scenario)
    savepoint = db.session.begin_nested()
    try:
        yield
        scenario.updated_at = utcnow()
        db.session.flush()
    except StaleDataError:
        savepoint.rollback()
        raise _stale(scenario) from None
    except BaseException:
        savepoint.rollback()
        raise
    savepoint.commit()


def _stale(scenario: Scenario) -> ScenarioStale:
    return ScenarioStale(
        f"Scenario {scenario.name!r} was changed by someone else after you opened it. "
        "Nothing was saved: look at it again and redo your change."
    )


def create_scenario(
    name: str, *, source: Scenario | None = None, actor: User | None = None
) -> Scenario:
    """A new scenario, empty (over the live plan) or with a copy of ``source``'s changes."""
    name = _check_name(name)
    changes = scenario_changes(source) if source is not None else []
    savepoint = db.session.begin_nested()
    try:
        scenario = Scenario(name=name, created_by_id=actor.id if actor else None)
        db.session.add(scenario)
        scenario.changes.extend(_copy(change) for change in changes)
        db.session.flush()
    except IntegrityError:  # the same name, saved by someone else a moment ago
        savepoint.rollback()
        raise _taken(name) from None
    except BaseException:
        savepoint.rollback()
        raise
    savepoint.commit()
    return scenario


def _taken(name: str) -> ScenarioError:
    return ScenarioError(f'There is already a scenario named "{name}".', "name")


def _copy(change: ScenarioChange) -> ScenarioChange:
    return ScenarioChange(
        target=change.target,
        kind=change.kind,
        item_id=change.item_id,
        dependent_id=change.dependent_id,
        dependency_id=change.dependency_id,
        team_id=change.team_id,
        period_id=change.period_id,
        field=change.field,
        label=change.label,
        value=change.value,
        base=change.base,
        reason=change.reason,
    )


def copy_scenario(scenario: Scenario, name: str, actor: User | None = None) -> Scenario:
    return create_scenario(name, source=scenario, actor=actor)


def rename_scenario(scenario: Scenario, name: str, *, expected_version: int | None = None) -> None:
    name = _check_name(name, renaming=scenario)
    try:
        with _saving(scenario, expected_version):
            scenario.name = name
    except IntegrityError:
        raise _taken(name) from None


def refuse_while_scheduled(scenario: Scenario, doing: str) -> None:
    """ScenarioBusy while the scenario has an auto-scheduling run queued or running:
    the run would record its moves in a scenario that is gone, or applied without
    them. ``doing``: what was asked, as in "cannot be applied"."""
    from app.models.autoschedule_run import ACTIVE_STATES, AutoscheduleRun

    run = db.session.scalar(
        select(AutoscheduleRun).where(
            AutoscheduleRun.scenario_id == scenario.id,
            AutoscheduleRun.state.in_(ACTIVE_STATES),
        )
    )
    if run is not None:
        raise ScenarioBusy(
            f"Scenario {scenario.name!r} cannot be {doing} while it is being auto-scheduled "
            f"(a run {run.state} since {run.created_at:%H:%M} UTC): wait for the run to "
            "finish, then try again. Nothing was written."
        )


def delete_scenario(scenario: Scenario, *, expected_version: int | None = None) -> None:
    """Delete the scenario and its changes (the live plan is untouched). Raises
    ScenarioStale, or ScenarioBusy while it is being auto-scheduled."""
    if expected_version is not None and expected_version != scenario.version:
        raise _stale(scenario)
    refuse_while_scheduled(scenario, "deleted")
    savepoint = db.session.begin_nested()
    try:
        db.session.delete(scenario)
        db.session.flush()
    except StaleDataError:
        savepoint.rollback()
        raise _stale(scenario) from None
    except BaseException:
        savepoint.rollback()
        raise
    savepoint.commit()


def scenario_changes(scenario: Scenario) -> list[ScenarioChange]:
    """The scenario's change rows, oldest first."""
    return list(
        db.session.scalars(
            select(ScenarioChange)
            .where(ScenarioChange.scenario_id == scenario.id)
            .order_by(ScenarioChange.id)
        )
    )


def _by_target(scenario: Scenario) -> dict[str, ScenarioChange]:
    return {change.target: change for change in scenario_changes(scenario)}

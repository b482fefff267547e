"""A scenario in snapshot terms, its analysis, and its comparison with another plan."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import select

from app.alignment import Analysis
from app.alignment import Item as SnapshotItem
from app.alignment.compare import PlanComparison, compare_plans
from app.alignment.overlay import Overlay, overlaid
from app.alignment.snapshot import PlanSnapshot
from app.extensions import db
from app.models import (
    Period,
    Scenario,
    ScenarioChange,
)
from app.plan_store import analyze_plan
from app.scenarios.store import scenario_cache

# -- Analysis ----------------------------------------------------------------------------


class _Row(NamedTuple):
    """A change as the analysis reads it: plain values, no ORM object."""

    target: str
    kind: str
    item_id: int | None
    dependent_id: int | None
    dependency_id: int | None
    team_id: int | None
    period_id: int | None
    field: str | None
    value: Any
    reason: str | None


def _rows(scenario: Scenario) -> list[_Row]:
    """The scenario's changes in one select of plain rows (a scenario that
    auto-scheduling filled may hold thousands, read with every page)."""
    columns = [getattr(ScenarioChange, name) for name in _Row._fields]
    return [
        _Row(*row)
        for row in db.session.execute(
            select(*columns)
            .where(ScenarioChange.scenario_id == scenario.id)
            .order_by(ScenarioChange.id)
        )
    ]


def _period_ids() -> list[int]:
    """Period ids in the snapshot's order (its periods are ordered by start date)."""
    return list(db.session.scalars(select(Period.id).order_by(Period.start_date)))


def _overlay(changes: list[_Row], period_ids: list[int]) -> Overlay:
    index = {period_id: n for n, period_id in enumerate(period_ids)}
    items: dict[int, dict[str, Any]] = {}
    new_items: list[SnapshotItem] = []
    dependencies: dict[tuple[int, int], dict[str, Any]] = {}
    capacities: dict[tuple[int, int], float | None] = {}
    reasons: dict[int, str] = {}

    def period(period_id: int | None) -> int | None:
        return None if period_id is None else index[period_id]

    for change in changes:
        value = change.value
        try:
            if change.kind == "item":
                fields = items.setdefault(change.item_id, {})
                if change.field == "periods":
                    fields["start"], fields["end"] = period(value[0]), period(value[1])
                    if change.reason:
                        reasons[change.item_id] = change.reason
                else:
                    fields[change.field] = value
            elif change.kind == "new":
                new_items.append(
                    SnapshotItem(
                        id=change.item_id,
                        key=value["key"],
                        team_id=value["team_id"],
                        title=value["title"],
                        priority=value["priority"],
                        start=period(value["start_period_id"]),
                        end=period(value["end_period_id"]),
                        estimate=value["estimate"],
                        status=value["status"],
                        health="on_track",
                        created_at=datetime.fromisoformat(value["created_at"]),
                    )
                )
                if change.reason:
                    reasons[change.item_id] = change.reason
            elif change.kind == "dependency":
                pair = (change.dependent_id, change.dependency_id)
                shown = period(value) if change.field == "needed_by" else value
                dependencies.setdefault(pair, {})[change.field] = shown
            elif change.kind == "capacity":
                capacities[(change.team_id, index[change.period_id])] = value
        except KeyError:
            continue  # a period that is gone: the change no longer applies
    return Overlay(
        items={k: v for k, v in items.items() if v},
        new_items=tuple(new_items),
        dependencies=dependencies,
        capacities=capacities,
        reasons=reasons,
    )


def scenario_overlay(scenario: Scenario, snapshot: PlanSnapshot | None = None) -> Overlay:
    """The scenario's changes in snapshot terms (period indices of the live plan's
    periods, which ``snapshot``, when given, must have)."""
    period_ids = _period_ids()
    if snapshot is not None and len(snapshot.periods) != len(period_ids):
        raise ValueError("the snapshot is not of the plan's current periods")
    return _overlay(_rows(scenario), period_ids)


def _fingerprint(changes: list[_Row], period_ids: list[int]) -> tuple:
    return (
        tuple(period_ids),
        tuple((c.target, json.dumps(c.value, sort_keys=True), c.reason or "") for c in changes),
    )


def scenario_analysis(scenario: Scenario, now: datetime | None = None) -> Analysis:
    """The live analysis (``analyze_plan()``) with the scenario's changes made.
    Of the present, it is kept per process and reused while the scenario, its
    changes and the live analysis stay the same (see app.scenarios.store); ``now``
    analyses the plan as of then, afresh."""
    live = analyze_plan(now)
    changes, period_ids = _rows(scenario), _period_ids()
    if now is not None:
        return overlaid(live, _overlay(changes, period_ids))
    key = (scenario.id, scenario.version, _fingerprint(changes, period_ids))
    return scenario_cache().get(key, live, lambda: overlaid(live, _overlay(changes, period_ids)))


def scenario_reasons(scenario: Scenario) -> dict[int, str]:
    """Item id (negative: a new item) -> why the scenario moved it."""
    return dict(_overlay(_rows(scenario), _period_ids()).reasons)


def compare_scenario(scenario: Scenario, against: Scenario | None = None) -> PlanComparison:
    """The scenario against the live plan, or against another scenario."""
    base = analyze_plan() if against is None else scenario_analysis(against)
    return compare_plans(base, scenario_analysis(scenario), scenario_reasons(scenario))

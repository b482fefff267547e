"""Applying many item edits at once (one flush): the same history as the same
edits made one by one, an item saved meanwhile stops it all, and a scenario being
auto-scheduled is neither applied nor deleted."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.audit import acting_as
from app.clock import utcnow
from app.models import AuditEvent, Item, PlanChange, Scenario
from app.models.autoschedule_run import AutoscheduleRun
from app.plan_store import current_revision
from app.planning.operations import update_item
from app.scenarios import operations as ops
from app.scenarios.operations import ScenarioBusy, ScenarioError


@pytest.fixture
def many(db, plan, make_item):
    """Six more Payments items in Q1, each with no dependencies."""
    return [make_item(plan.pay, start=plan.q[0], estimate=1, priority=3) for _ in range(6)]


def _edits(plan, many):
    """{item: update_item changes}: moves, and a priority with a move."""
    edits = {
        item: {"start": plan.q[n % 3 + 1], "end": plan.q[n % 3 + 1]} for n, item in enumerate(many)
    }
    edits[many[0]] = {**edits[many[0]], "priority": 1}
    return edits


def _scenario(plan, edits):
    scenario = ops.create_scenario("Bulk")
    for item, changes in edits.items():
        values = {"start_period_id": changes["start"].id, "end_period_id": changes["end"].id}
        if "priority" in changes:
            values["priority"] = changes["priority"]
        ops.set_item_fields(scenario, item, values)
    return scenario


def _history(db, audit_after: int, revision_after: int):
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.id > audit_after).order_by(AuditEvent.id)
    ).all()
    entries = db.session.scalars(
        select(PlanChange).where(PlanChange.id > revision_after).order_by(PlanChange.id)
    ).all()
    return (
        [(e.entity, e.entity_id, e.action, e.changes, e.actor_id, e.actor) for e in events],
        [(c.kind, c.item_id, c.dependency_id, c.team_id, c.fingerprint) for c in entries],
    )


def test_a_bulk_apply_writes_the_history_of_the_same_edits_one_by_one(db, plan, many, make_user):
    planner = make_user("planner")
    edits = _edits(plan, many)
    ids = {item.id: changes for item, changes in edits.items()}
    scenario = _scenario(plan, edits)
    audit_after = db.session.scalar(select(func.max(AuditEvent.id))) or 0
    revision_after = current_revision() or 0

    trial = db.session.begin_nested()
    assert ops.apply_scenario(scenario, planner) == len(edits) + 1  # + the priority
    bulk = _history(db, audit_after, revision_after)
    moved = {item_id: db.session.get(Item, item_id).start_period_id for item_id in ids}
    trial.rollback()

    with acting_as(planner.id, planner.email):
        for item_id, changes in sorted(ids.items()):
            item = db.session.get(Item, item_id)
            update_item(item, changes, expected_version=item.version)
    one_by_one = _history(db, audit_after, revision_after)

    assert bulk == one_by_one
    assert len(bulk[0]) == len(edits)  # one event per item changed
    assert bulk[0][0][3]["priority"] == [3, 1]
    assert {e[5] for e in bulk[0]} == {planner.email}
    assert moved == {item_id: c["start"].id for item_id, c in ids.items()}


def test_an_item_saved_meanwhile_stops_the_whole_apply(db, plan, many):
    scenario = _scenario(plan, _edits(plan, many))
    stale = many[3]
    # Someone else saves one item (its row, not this session's copy) after the
    # apply has read it: the one flush of every edit finds it.
    db.session.execute(
        Item.__table__.update().where(Item.id == stale.id).values(version=Item.version + 1)
    )
    audits, before = db.session.scalar(select(func.count(AuditEvent.id))), current_revision()

    with pytest.raises(ScenarioError, match=f"was not applied: {stale.key} was changed by"):
        ops.apply_scenario(scenario)

    assert db.session.scalar(select(func.count(AuditEvent.id))) == audits
    assert current_revision() == before
    assert {db.session.get(Item, item.id).start_period_id for item in many} == {plan.q[0].id}
    assert ops.scenario_by_name("Bulk") is not None


@pytest.mark.parametrize("state", ["queued", "running"])
def test_a_scenario_being_auto_scheduled_is_neither_applied_nor_deleted(db, plan, state):
    scenario = ops.create_scenario("Busy")
    ops.set_item_fields(scenario, plan.pay1, {"priority": 0})
    now = utcnow()
    db.session.add(
        AutoscheduleRun(
            scenario_id=scenario.id,
            state=state,
            pin="in_progress",
            scenario_version=scenario.version,
            created_at=now,
            next_attempt_at=now,
        )
    )
    db.session.flush()
    before = current_revision()

    with pytest.raises(ScenarioBusy, match="cannot be applied while it is being auto-sched"):
        ops.apply_scenario(scenario)
    with pytest.raises(ScenarioBusy, match="cannot be deleted while it is being auto-sched"):
        ops.delete_scenario(scenario)

    assert current_revision() == before
    assert db.session.get(Item, plan.pay1.id).priority == 2
    assert db.session.get(Scenario, scenario.id) is scenario


def test_a_finished_run_does_not_stop_the_apply(db, plan):
    scenario = ops.create_scenario("Done")
    ops.set_item_fields(scenario, plan.pay1, {"priority": 0})
    now = utcnow()
    db.session.add(
        AutoscheduleRun(
            scenario_id=scenario.id,
            state="done",
            pin="in_progress",
            scenario_version=scenario.version,
            created_at=now,
        )
    )
    db.session.flush()
    assert ops.apply_scenario(scenario) == 1

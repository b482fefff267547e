"""Auto-scheduling a scenario: the moves become its changes, with their reasons."""

from __future__ import annotations

import json

from app.planning.operations import update_item
from app.scenarios import operations as ops


def late_plan(plan):
    """PAY-1 in Q3, after CHK-1's needed-by Q2: a schedule violation live."""
    update_item(
        plan.pay1, {"start": plan.q[2], "end": plan.q[2]}, expected_version=plan.pay1.version
    )
    return plan


def test_the_moves_are_recorded_with_their_reasons(db, plan):
    late_plan(plan)
    scenario = ops.create_scenario("Auto")
    before = ops.scenario_analysis(scenario)
    assert before.select(type="schedule_violation")

    schedule = ops.autoschedule_scenario(scenario)

    assert schedule.feasible and schedule.moves
    changes = {c.target: c for c in ops.scenario_changes(scenario)}
    for move in schedule.moves:
        change = changes[f"item:{move.item_id}:periods"]
        assert change.reason == move.reason and move.reason
    after = ops.scenario_analysis(scenario)
    assert not after.select(type="schedule_violation")
    assert ops.scenario_reasons(scenario) == {m.item_id: m.reason for m in schedule.moves}
    comparison = ops.compare_scenario(scenario)
    assert {m.key: m.reason for m in comparison.moved} == {m.key: m.reason for m in schedule.moves}
    # The live plan is untouched.
    assert db.session.get(type(plan.pay1), plan.pay1.id).start_period_id == plan.q[2].id


def test_pinned_items_stay(db, plan):
    late_plan(plan)
    update_item(plan.pay1, {"status": "in_progress"}, expected_version=plan.pay1.version)
    scenario = ops.create_scenario("Pinned")
    schedule = ops.autoschedule_scenario(scenario, pin="in_progress")
    assert plan.pay1.id not in {m.item_id for m in schedule.moves}


def test_the_command(cli, plan):
    late_plan(plan)
    cli("scenario", "create", "Auto")
    table = cli("scenario", "autoschedule", "Auto")
    assert table.exit_code == 0, table.output
    assert "every constraint met" in table.output and "Moves (" in table.output
    again = json.loads(cli("scenario", "autoschedule", "Auto", "--format", "json").output)
    assert again["feasible"] and again["moves"] == []  # already placed
    diff = json.loads(cli("scenario", "diff", "Auto", "--format", "json").output)
    assert all(move["reason"] for move in diff["moved"])
    assert cli("scenario", "autoschedule", "Auto", "--horizon", "2027 Q4").exit_code == 0
    assert cli("scenario", "autoschedule", "Auto", "--pin", "none", "--horizon", "4").exit_code == 0

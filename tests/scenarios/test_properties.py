"""A scenario's report equals the report of the live plan with the same changes
made live, and the live plan's report once the scenario is applied (random changes
of a small plan, each example rolled back)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.models import TeamCapacity
from app.plan_store import analyze_plan
from app.planning.dependency_operations import ANSWERS
from app.scenarios import operations as ops

examples = settings(
    max_examples=40,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def observed(analysis):
    return (
        [c.to_dict() for c in analysis.conflicts],
        [(c.team_id, c.period, c.capacity, round(c.demand, 9)) for c in analysis.ledger],
        dict(sorted(analysis.effective_priority.items())),
    )


def _item_values(data, plan):
    q = [p.id for p in plan.q]
    values = {}
    if data.draw(st.booleans()):
        start = data.draw(st.none() | st.integers(0, 3))
        end = None if start is None else data.draw(st.integers(start, 3))
        values["start_period_id"] = None if start is None else q[start]
        values["end_period_id"] = None if end is None else q[end]
    if data.draw(st.booleans()):
        values["priority"] = data.draw(st.integers(0, 3))
    if data.draw(st.booleans()):
        values["estimate"] = data.draw(st.none() | st.integers(0, 24).map(float))
    if data.draw(st.booleans()):
        values["status"] = data.draw(
            st.sampled_from(["proposed", "committed", "in_progress", "done", "cancelled"])
        )
    if data.draw(st.booleans()):
        values["team_id"] = data.draw(st.sampled_from([plan.pay.id, plan.chk.id]))
    return values


def _make_live(db, item, values):
    for name, value in values.items():
        setattr(item, name, value)


def _draw_scenario(data, plan):
    """A scenario with random changes of items, dependencies and capacity cells;
    with the changes, to make them again."""
    scenario = ops.create_scenario("Property")
    items = [plan.pay1, plan.pay2, plan.chk1, plan.chk2]
    item_edits = []
    for item in data.draw(st.lists(st.sampled_from(items), max_size=4, unique=True)):
        values = _item_values(data, plan)
        ops.set_item_fields(scenario, item, values)
        item_edits.append((item, values))
    dep_edits = []
    for dep in data.draw(st.lists(st.sampled_from([plan.need1, plan.need2]), unique=True)):
        values = {}
        if data.draw(st.booleans()):
            values["needed_by_period_id"] = data.draw(
                st.none() | st.sampled_from([p.id for p in plan.q])
            )
        if data.draw(st.booleans()):
            values["commitment"] = data.draw(st.sampled_from(ANSWERS))
        ops.set_dependency_fields(scenario, dep, values)
        dep_edits.append((dep, values))
    cells = data.draw(
        st.dictionaries(
            st.tuples(st.sampled_from([plan.pay, plan.chk]), st.sampled_from(plan.q)),
            st.none() | st.integers(0, 20).map(float),
            max_size=3,
        )
    )
    for (team, period), value in cells.items():
        ops.set_capacity(scenario, team, period, value)
    return scenario, item_edits, dep_edits, cells


@examples
@given(data=st.data())
def test_a_scenarios_report_is_the_live_report_with_the_changes_made(db, plan, data):
    savepoint = db.session.begin_nested()
    try:
        scenario, item_edits, dep_edits, cells = _draw_scenario(data, plan)
        expected = observed(ops.scenario_analysis(scenario))

        # The same changes, made live directly on the rows.
        for item, values in item_edits:
            _make_live(db, item, values)
        for dep, values in dep_edits:
            _make_live(db, dep, values)
        for (team, period), value in cells.items():
            row = db.session.scalar(
                select(TeamCapacity).where(
                    TeamCapacity.team_id == team.id, TeamCapacity.period_id == period.id
                )
            )
            if value is None and row is not None:
                db.session.delete(row)
            elif value is not None and row is None:
                db.session.add(
                    TeamCapacity(team_id=team.id, period_id=period.id, person_weeks=value)
                )
            elif value is not None:
                row.person_weeks = value
        db.session.flush()
        assert observed(analyze_plan()) == expected
    finally:
        savepoint.rollback()


@examples
@given(data=st.data())
def test_applied_the_live_plan_is_the_scenario(db, plan, data):
    savepoint = db.session.begin_nested()
    try:
        scenario, *_changes = _draw_scenario(data, plan)
        expected = observed(ops.scenario_analysis(scenario))
        ops.apply_scenario(scenario)
        assert observed(analyze_plan()) == expected
    finally:
        savepoint.rollback()

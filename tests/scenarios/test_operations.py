"""Scenario operations: storage, the overlay's semantics, validation and apply."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.alignment import analyze
from app.models import AuditEvent, Item, Scenario, ScenarioChange, TeamCapacity
from app.plan_store import analyze_plan, current_revision, load_snapshot
from app.planning.operations import update_item
from app.scenarios import operations as ops
from app.scenarios.operations import ScenarioClash, ScenarioError, ScenarioStale
from app.scenarios.store import scenario_cache


def report(analysis):
    return [c.to_dict() for c in analysis.conflicts]


def changes_of(scenario):
    return {c.target: (c.value, c.base) for c in ops.scenario_changes(scenario)}


def scenario_count(db):
    return db.session.scalar(select(func.count(Scenario.id)))


# -- Names -------------------------------------------------------------------------------


def test_create_rename_copy_delete(db, plan):
    first = ops.create_scenario("  Slip PAY-1  ")
    assert first.name == "Slip PAY-1" and first.version == 1
    ops.set_item_fields(first, plan.pay1, {"priority": 0})
    copy = ops.copy_scenario(first, "Copy")
    assert changes_of(copy) == changes_of(first) == {f"item:{plan.pay1.id}:priority": (0, 2)}
    ops.rename_scenario(copy, "Renamed")
    assert ops.scenario_by_name("Renamed") is copy and ops.scenario_by_name("Copy") is None
    assert [(s.name, n) for s, n in ops.list_scenarios()] == [("Renamed", 1), ("Slip PAY-1", 1)]
    ops.delete_scenario(copy)
    assert ops.scenario_by_name("Renamed") is None
    assert db.session.scalar(select(func.count(ScenarioChange.id))) == 1


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("", "needs a name"),
        ("   ", "needs a name"),
        (None, "needs a name"),
        ("x" * 81, "at most 80 characters"),
        ("bad\x00name", "NUL"),
        ("tab\tname", "control characters"),
        ("live", "live plan"),
        ("LIVE", "live plan"),
        ("Taken", 'already a scenario named "Taken"'),
    ],
)
def test_names_are_checked_and_nothing_is_written(db, plan, name, words):
    ops.create_scenario("Taken")
    with pytest.raises(ScenarioError, match=words) as refused:
        ops.create_scenario(name)
    assert refused.value.field == "name"
    assert scenario_count(db) == 1


def test_a_name_of_80_characters_is_fine_and_rename_to_itself_too(db, plan):
    scenario = ops.create_scenario("x" * 80)
    ops.rename_scenario(scenario, "x" * 80)
    other = ops.create_scenario("other")
    with pytest.raises(ScenarioError, match="already"):
        ops.rename_scenario(other, "x" * 80)
    assert other.name == "other"


def test_scenario_writes_do_not_move_the_plan_revision(db, plan):
    before = current_revision()
    scenario = ops.create_scenario("What if")
    ops.set_item_fields(scenario, plan.pay1, {"priority": 0, "estimate": 12})
    ops.set_capacity(scenario, plan.pay, plan.q[0], 20)
    ops.set_dependency_fields(scenario, plan.need2, {"commitment": "committed"})
    ops.add_item(scenario, plan.pay, {"title": "New work", "priority": 1})
    ops.rename_scenario(scenario, "Renamed")
    ops.delete_scenario(scenario)
    assert current_revision() == before
    assert (
        db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.entity.like("scenario%"))
        )
        == 0
    )


# -- Changes -----------------------------------------------------------------------------


def test_a_change_keeps_its_base_and_the_live_value_removes_it(db, plan):
    scenario = ops.create_scenario("Move")
    q = [p.id for p in plan.q]
    ops.set_item_fields(scenario, plan.pay1, {"start_period_id": q[1], "end_period_id": q[2]})
    target = f"item:{plan.pay1.id}:periods"
    assert changes_of(scenario) == {target: ([q[1], q[2]], [q[0], q[0]])}
    ops.set_item_fields(scenario, plan.pay1, {"start_period_id": q[2], "end_period_id": q[2]})
    assert changes_of(scenario) == {target: ([q[2], q[2]], [q[0], q[0]])}
    ops.set_item_fields(scenario, plan.pay1, {"start_period_id": q[0], "end_period_id": q[0]})
    assert changes_of(scenario) == {}
    assert scenario.version == 4


def test_a_start_or_end_alone(db, plan):
    scenario = ops.create_scenario("Span")
    q = [p.id for p in plan.q]
    ops.set_item_fields(scenario, plan.pay1, {"end_period_id": q[2]})  # Q1-Q3
    ops.set_item_fields(scenario, plan.chk1, {"start_period_id": q[3]})  # Q2 -> Q4 alone
    ops.set_item_fields(scenario, plan.chk2, {"start_period_id": None})  # to the backlog
    assert changes_of(scenario) == {
        f"item:{plan.pay1.id}:periods": ([q[0], q[2]], [q[0], q[0]]),
        f"item:{plan.chk1.id}:periods": ([q[3], q[3]], [q[1], q[1]]),
        f"item:{plan.chk2.id}:periods": ([None, None], [q[2], q[2]]),
    }


def test_the_scenario_sees_live_changes_but_its_own(db, plan):
    scenario = ops.create_scenario("Mine")
    ops.set_item_fields(scenario, plan.pay1, {"priority": 0})
    update_item(plan.pay1, {"priority": 3, "estimate": 6}, expected_version=plan.pay1.version)
    seen = ops.scenario_analysis(scenario).item(plan.pay1.id)
    assert (seen.priority, seen.estimate) == (0, 6)


@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({"priority": 7}, "priority", "P0"),
        ({"priority": True}, "priority", "P0"),
        ({"priority": "P1"}, "priority", "P0"),
        ({"estimate": -1}, "estimate", "person-weeks"),
        ({"estimate": float("nan")}, "estimate", "person-weeks"),
        ({"estimate": "lots"}, "estimate", "person-weeks"),
        ({"status": "bogus"}, "status", "status is one of"),
        ({"status": "done\x00"}, "status", "status is one of"),
        ({"start_period_id": 999_999, "end_period_id": 999_999}, "start", "no period"),
        ({"start_period_id": "Q1", "end_period_id": "Q1"}, "start", "by its id"),
        ({"team_id": 999_999}, "team", "no team"),
        ({"title": "x"}, None, "cannot change an item's title"),
    ],
)
def test_bad_item_values_are_refused_with_their_field(db, plan, values, field, words):
    scenario = ops.create_scenario("Bad")
    with pytest.raises(ScenarioError, match=words) as refused:
        ops.set_item_fields(scenario, plan.pay1, values)
    assert refused.value.field == field
    assert changes_of(scenario) == {} and scenario.version == 1


def test_an_end_before_the_start_is_refused(db, plan):
    scenario = ops.create_scenario("Backwards")
    with pytest.raises(ScenarioError, match="comes before the start") as refused:
        ops.set_item_fields(
            scenario, plan.pay1, {"start_period_id": plan.q[2].id, "end_period_id": plan.q[0].id}
        )
    assert refused.value.field == "end"


def test_bad_new_items_dependencies_and_capacities(db, plan):
    scenario = ops.create_scenario("Bad")
    with pytest.raises(ScenarioError, match="needs a title") as refused:
        ops.add_item(scenario, plan.pay, {"title": "  ", "priority": 1})
    assert refused.value.field == "title"
    with pytest.raises(ScenarioError, match="NUL") as refused:
        ops.add_item(scenario, plan.pay, {"title": "a\x00b", "priority": 1})
    with pytest.raises(ScenarioError, match="at most 200"):
        ops.add_item(scenario, plan.pay, {"title": "t" * 201, "priority": 1})
    with pytest.raises(ScenarioError, match="committed or declined") as refused:
        ops.set_dependency_fields(scenario, plan.need1, {"commitment": "requested"})
    assert refused.value.field == "commitment"
    with pytest.raises(ScenarioError, match="no period"):
        ops.set_dependency_fields(scenario, plan.need1, {"needed_by_period_id": 999_999})
    for value in (-1, 100_001, float("inf"), "ten", True):
        with pytest.raises(ScenarioError, match="person-weeks") as refused:
            ops.set_capacity(scenario, plan.pay, plan.q[0], value)
        assert refused.value.field == "capacity"
    assert changes_of(scenario) == {} and scenario.version == 1


def test_a_stale_version_is_refused(db, plan):
    scenario = ops.create_scenario("Shared")
    loaded = scenario.version
    ops.set_item_fields(scenario, plan.pay1, {"priority": 1}, expected_version=loaded)
    with pytest.raises(ScenarioStale, match="changed by someone else"):
        ops.set_item_fields(scenario, plan.pay1, {"priority": 0}, expected_version=loaded)
    assert changes_of(scenario)[f"item:{plan.pay1.id}:priority"] == (1, 2)


def test_two_saves_at_once_cannot_both_win(db, plan):
    """The second writer's UPDATE of the scenario row finds a version that is no
    longer there (as another transaction's commit leaves it)."""
    scenario = ops.create_scenario("Race")
    db.session.execute(
        Scenario.__table__.update().where(Scenario.id == scenario.id).values(version=5)
    )
    with pytest.raises(ScenarioStale):
        ops.set_item_fields(scenario, plan.pay1, {"priority": 0})
    db.session.refresh(scenario)
    assert changes_of(scenario) == {} and scenario.version == 5


# -- The analysis ------------------------------------------------------------------------


def test_an_empty_scenario_is_the_live_plan(db, plan):
    scenario = ops.create_scenario("Empty")
    assert report(ops.scenario_analysis(scenario)) == report(analyze_plan())


def test_new_items_dependencies_and_capacity_in_the_analysis(db, plan):
    scenario = ops.create_scenario("All kinds")
    key = ops.add_item(
        scenario,
        plan.pay,
        {"title": "Tokenise", "priority": 1, "start_period_id": plan.q[0].id, "estimate": 6},
    )
    assert key == "PAY-new1"
    ops.set_capacity(scenario, plan.pay, plan.q[0], 12)
    ops.set_dependency_fields(scenario, plan.need1, {"needed_by_period_id": plan.q[0].id})
    analysis = ops.scenario_analysis(scenario)
    new = next(item for item in analysis.snapshot.items if item.key == "PAY-new1")
    assert new.id == -1 and (new.start, new.end, new.estimate) == (0, 0, 6)
    cell = analysis.ledger.cell(plan.pay.id, 0)
    assert (cell.capacity, cell.demand) == (12, 14)
    assert any(
        c.type == "same_period_risk" or c.type == "schedule_violation"
        for c in analysis.select(item_id=plan.chk1.id)
    )
    assert ops.new_item(scenario, "PAY-new1")["title"] == "Tokenise"
    ops.update_new_item(scenario, "PAY-new1", {"start_period_id": plan.q[1].id})
    assert ops.new_item(scenario, "PAY-new1")["end_period_id"] == plan.q[1].id
    ops.remove_new_item(scenario, "PAY-new1")
    assert ops.new_item(scenario, "PAY-new1") is None


def test_the_analysis_is_kept_while_nothing_changes(db, plan, monkeypatch):
    live = analyze_plan()
    monkeypatch.setattr(ops.reading, "analyze_plan", lambda now=None: live)
    scenario_cache().clear()
    scenario = ops.create_scenario("Cached")
    ops.set_item_fields(scenario, plan.pay1, {"priority": 0})
    first = ops.scenario_analysis(scenario)
    assert ops.scenario_analysis(scenario) is first
    assert scenario_cache().hits == 1
    ops.set_item_fields(scenario, plan.pay1, {"priority": 1})
    assert ops.scenario_analysis(scenario).item(plan.pay1.id).priority == 1


def test_a_change_whose_period_is_gone_is_left_out(db, plan, make_period):
    extra = make_period(year=2028, quarter=1)
    scenario = ops.create_scenario("Later")
    ops.set_item_fields(
        scenario, plan.pay1, {"start_period_id": extra.id, "end_period_id": extra.id}
    )
    db.session.delete(extra)
    db.session.flush()
    assert ops.scenario_analysis(scenario).item(plan.pay1.id).start == 0
    clashes = ops.scenario_clashes(scenario)
    assert [(c.what, c.field, c.live, c.scenario) for c in clashes] == [
        ("PAY-1", "periods", "2027 Q1", "(gone)")
    ]


# -- Apply -------------------------------------------------------------------------------


def test_apply_then_live_equals_the_scenario(db, plan, make_user):
    planner = make_user("planner")
    scenario = ops.create_scenario("Fix")
    q = [p.id for p in plan.q]
    ops.set_item_fields(scenario, plan.chk1, {"start_period_id": q[2], "end_period_id": q[2]})
    ops.set_item_fields(scenario, plan.pay1, {"priority": 0, "estimate": 6})
    ops.set_item_fields(scenario, plan.pay2, {"team_id": plan.chk.id})
    ops.set_dependency_fields(scenario, plan.need2, {"commitment": "committed"})
    ops.set_dependency_fields(scenario, plan.need1, {"needed_by_period_id": plan.q[2].id})
    ops.set_capacity(scenario, plan.pay, plan.q[1], 3)
    ops.add_item(
        scenario,
        plan.pay,
        {"title": "Tokenise", "priority": 1, "estimate": 2, "start_period_id": q[3]},
    )
    expected = ops.scenario_analysis(scenario)
    scenario_id = scenario.id

    written = ops.apply_scenario(scenario, planner)

    assert written == 8
    assert db.session.get(Scenario, scenario_id) is None
    assert db.session.scalar(select(func.count(ScenarioChange.id))) == 0
    live = analyze_plan()
    new = db.session.scalar(select(Item).where(Item.title == "Tokenise"))
    assert new.key == "PAY-3"
    renamed = {c["fingerprint"]: c for c in report(expected)}
    assert len(renamed) == len(report(live))
    assert [(c["type"], c["items"]) for c in report(live)] == [
        (c["type"], [k.replace("PAY-new1", "PAY-3") for k in c["items"]]) for c in report(expected)
    ]
    assert [(c.team_id, c.period, c.capacity, c.demand) for c in live.ledger] == [
        (c.team_id, c.period, c.capacity, c.demand) for c in expected.ledger
    ]
    assert (
        db.session.scalar(
            select(TeamCapacity.person_weeks).where(TeamCapacity.team_id == plan.pay.id)
        )
        == 3
    )
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.entity == "item", AuditEvent.entity_id == plan.pay1.id)
    ).all()
    assert events[-1].changes == {"priority": [2, 0], "estimate": [8.0, 6.0]}
    assert events[-1].actor == planner.email


def test_apply_refuses_every_clash_and_writes_nothing(db, plan):
    scenario = ops.create_scenario("Clashing")
    q = [p.id for p in plan.q]
    ops.set_item_fields(
        scenario, plan.pay1, {"start_period_id": q[1], "end_period_id": q[1], "priority": 1}
    )
    ops.set_item_fields(scenario, plan.pay2, {"team_id": plan.chk.id})
    ops.set_capacity(scenario, plan.pay, plan.q[0], 20)
    ops.set_dependency_fields(scenario, plan.need1, {"needed_by_period_id": q[2]})
    ops.set_dependency_fields(scenario, plan.need2, {"commitment": "committed"})
    # Meanwhile, live:
    update_item(
        plan.pay1, {"start": plan.q[2], "end": plan.q[3]}, expected_version=plan.pay1.version
    )
    update_item(plan.chk2, {"priority": 3}, expected_version=plan.chk2.version)
    db.session.add(TeamCapacity(team_id=plan.pay.id, period_id=q[0], person_weeks=5))
    db.session.delete(plan.pay2)
    db.session.flush()
    before = current_revision()

    with pytest.raises(ScenarioClash) as refused:
        ops.apply_scenario(scenario)

    clashes = {(c.what, c.field, c.live, c.scenario) for c in refused.value.clashes}
    assert clashes == {
        ("PAY-1", "periods", "2027 Q3–Q4", "2027 Q2"),
        ("PAY-2", "team", "gone", "Checkout"),
        ("Payments in 2027 Q1", "capacity", "5 person-weeks", "20 person-weeks"),
        ("CHK-2 needs PAY-2", "commitment", "gone", "committed"),
    }
    assert "Nothing was written" in str(refused.value)
    assert current_revision() == before
    assert ops.scenario_by_name("Clashing") is scenario
    assert db.session.get(Item, plan.pay1.id).priority == 2  # not a clash, not applied either


def test_a_live_change_to_the_scenarios_own_value_is_no_clash(db, plan):
    scenario = ops.create_scenario("Same")
    ops.set_item_fields(scenario, plan.pay1, {"priority": 0})
    update_item(plan.pay1, {"priority": 0}, expected_version=plan.pay1.version)
    assert ops.scenario_clashes(scenario) == []
    assert ops.apply_scenario(scenario) == 0


def test_resolve_a_clash(db, plan):
    scenario = ops.create_scenario("Resolve")
    ops.set_item_fields(scenario, plan.pay1, {"priority": 0, "estimate": 2})
    update_item(plan.pay1, {"priority": 3, "estimate": 3}, expected_version=plan.pay1.version)
    clashes = ops.scenario_clashes(scenario)
    assert {c.field for c in clashes} == {"priority", "estimate"}
    ops.resolve_clash(scenario, f"item:{plan.pay1.id}:priority", "scenario")
    ops.resolve_clash(scenario, f"item:{plan.pay1.id}:estimate", "live")
    assert ops.scenario_clashes(scenario) == []
    ops.apply_scenario(scenario)
    item = db.session.get(Item, plan.pay1.id)
    assert (item.priority, item.estimate) == (0, 3)


def test_an_empty_scenario_applies_to_nothing(db, plan):
    scenario = ops.create_scenario("Empty")
    before = report(analyze_plan())
    assert ops.apply_scenario(scenario) == 0
    assert report(analyze_plan()) == before


def test_the_overlay_matches_a_full_analysis(db, plan):
    scenario = ops.create_scenario("Full")
    ops.set_item_fields(scenario, plan.pay1, {"priority": 1, "start_period_id": plan.q[1].id})
    expected = ops.scenario_analysis(scenario)
    snapshot = load_snapshot().apply(
        __import__("app.alignment.overlay", fromlist=["overlay_delta"]).overlay_delta(
            load_snapshot(), ops.scenario_overlay(scenario)
        )
    )
    assert report(analyze(snapshot, expected.now, expected.settings)) == report(expected)


def test_a_row_saved_meanwhile_stops_the_apply_and_nothing_is_written(db, plan):
    scenario = ops.create_scenario("Raced")
    ops.add_item(scenario, plan.pay, {"title": "First written", "priority": 1})
    ops.set_item_fields(scenario, plan.chk2, {"priority": 0})
    ops.set_item_fields(scenario, plan.pay1, {"priority": 0})
    # Someone saves PAY-1 after the apply loaded it (its row, not this session's copy).
    db.session.execute(
        Item.__table__.update().where(Item.id == plan.pay1.id).values(version=Item.version + 1)
    )
    items, before = db.session.scalar(select(func.count(Item.id))), current_revision()

    with pytest.raises(ScenarioError, match="was not applied: PAY-1 was changed by"):
        ops.apply_scenario(scenario)

    assert db.session.scalar(select(func.count(Item.id))) == items
    assert current_revision() == before
    assert db.session.get(Item, plan.chk2.id).priority == 1
    assert ops.scenario_by_name("Raced") is not None

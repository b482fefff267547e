"""Edits whose effect reaches conflicts the edit does not name: the cases that
random plans found only at scale, kept as plain regression tests."""

import dataclasses

from alignment_plans import NOW, PlanBuilder

from app.alignment import PlanDelta, analyze
from app.alignment.equality import equal_analyses, observe


def check_live(snapshot, delta):
    """``updated`` equals a full analysis of the edited plan, and the analysis it
    started from still reads as the plan before the edit (texts read late)."""
    before = analyze(snapshot, NOW)
    live = before.updated(delta)
    assert equal_analyses(live, analyze(snapshot.apply(delta), NOW)) == []
    assert equal_analyses(before, analyze(snapshot, NOW)) == []
    return before, live


def suggestions(analysis, kind):
    return [s for c in analysis.conflicts if c.type == kind for s in c.suggestions]


def test_removing_one_need_rewrites_the_move_suggested_for_the_others():
    b = PlanBuilder()
    b.item("PAY-1", "pay", start=2)
    b.item("PAY-2", "pay", start=1)
    b.item("CHK-1", "chk", priority=0, start=0)
    b.need("CHK-1", "PAY-1")
    b.need("CHK-1", "PAY-2")
    snapshot = b.build()
    first = snapshot.dependencies[0]
    delta = PlanDelta(removed_dependencies=frozenset({(first.dependent_id, first.dependency_id)}))
    before, live = check_live(snapshot, delta)
    assert any("Move CHK-1 to 2027 Q4" in s for s in suggestions(before, "schedule_violation"))
    assert any("Move CHK-1 to 2027 Q3" in s for s in suggestions(live, "schedule_violation"))


def test_filling_a_later_period_rewrites_the_room_an_earlier_over_full_one_suggests():
    b = PlanBuilder()
    b.team("pay", capacity=10)
    b.item("PAY-1", "pay", priority=3, start=0, estimate=8)
    b.item("PAY-2", "pay", priority=1, start=0, estimate=8)
    b.item("PAY-3", "pay", priority=2, start=3, estimate=2)
    snapshot = b.build()
    filler = dataclasses.replace(b.items["PAY-3"], start=1, end=1, estimate=10)
    before, live = check_live(snapshot, PlanDelta(items=(filler,)))
    assert suggestions(before, "over_capacity") != suggestions(live, "over_capacity")


def test_an_empty_edit_changes_nothing():
    b = PlanBuilder()
    b.item("PAY-1", "pay", start=0)
    snapshot = b.build()
    before = analyze(snapshot, NOW)
    assert observe(before.updated(PlanDelta())) == observe(before)


def test_demand_does_not_depend_on_the_order_the_plan_s_rows_came_in():
    # (0.1 + 0.2) + 0.3 != 0.1 + (0.2 + 0.3) in floating point: a worker whose rows
    # were reordered by its edits must still equal a fresh load of the same plan.
    b = PlanBuilder()
    b.team("pay", capacity=0.6)
    for n, estimate in enumerate((0.1, 0.2, 0.3), start=1):
        b.item(f"PAY-{n}", "pay", start=0, estimate=estimate)
    snapshot = b.build()
    reordered = dataclasses.replace(snapshot, items=snapshot.items[::-1])
    assert equal_analyses(analyze(snapshot, NOW), analyze(reordered, NOW)) == []


def test_radius_counts_asked_again_after_an_edit_are_of_the_edited_plan():
    b = PlanBuilder()
    b.item("PAY-1", "pay", start=0, health="at_risk")
    b.item("CHK-1", "chk", priority=0, start=1)
    b.item("CHK-2", "chk", priority=1, start=1)
    b.need("CHK-1", "PAY-1")
    snapshot = b.build()
    before = analyze(snapshot, NOW)
    pay1 = b.items["PAY-1"].id
    assert before.blast_radius_counts([pay1]) == {pay1: (1, 0, 0, 0)}
    chk2 = b.items["CHK-2"]
    delta = PlanDelta(
        dependencies=(dataclasses.replace(snapshot.dependencies[0], dependent_id=chk2.id),)
    )
    live = before.updated(delta)
    assert live.blast_radius_counts([pay1]) == {pay1: (1, 1, 0, 0)}
    assert before.blast_radius_counts([pay1]) == {pay1: (1, 0, 0, 0)}


def _radii_plan():
    b = PlanBuilder()
    b.item("CHK-1", "chk", priority=2, start=1)
    b.item("CHK-2", "chk", priority=3, start=1)
    b.item("PAY-1", "pay", priority=3, start=0)
    b.item("INFRA-1", "infra", priority=3, start=0)
    b.item("DATA-1", "data", priority=3, start=0)
    b.need("CHK-1", "PAY-1")
    b.need("PAY-1", "INFRA-1")
    b.need("CHK-2", "DATA-1")
    return b


def check_live_after_reading(snapshot, delta):
    """As ``check_live``, with every blast radius and its counts read before the
    edit, so that the live analysis starts from what it may carry forward."""
    before = analyze(snapshot, NOW)
    observe(before)
    live = before.updated(delta)
    assert equal_analyses(live, analyze(snapshot.apply(delta), NOW)) == []
    return live


def test_a_priority_change_recounts_the_radii_of_what_the_item_needs():
    b = _radii_plan()
    urgent = dataclasses.replace(b.items["CHK-1"], priority=0)
    live = check_live_after_reading(b.build(), PlanDelta(items=(urgent,)))
    pay, infra = b.items["PAY-1"].id, b.items["INFRA-1"].id
    assert live.blast_radius_counts([pay, infra]) == {pay: (1, 0, 0, 0), infra: (1, 0, 0, 1)}


def test_a_new_need_recounts_the_radii_below_it_and_keeps_the_others():
    b = _radii_plan()
    snapshot = b.build()
    need = dataclasses.replace(snapshot.dependencies[0], dependent_id=b.items["CHK-2"].id)
    live = check_live_after_reading(snapshot, PlanDelta(dependencies=(need,)))
    data, infra = b.items["DATA-1"].id, b.items["INFRA-1"].id
    assert live.blast_radius_counts([data, infra]) == {data: (0, 0, 0, 1), infra: (0, 0, 1, 2)}


def test_finishing_an_item_takes_it_out_of_the_radii_below_it():
    b = _radii_plan()
    done = dataclasses.replace(b.items["PAY-1"], status="done")
    live = check_live_after_reading(b.build(), PlanDelta(items=(done,)))
    infra = b.items["INFRA-1"].id
    assert live.blast_radius_counts([infra]) == {infra: (0, 0, 0, 0)}

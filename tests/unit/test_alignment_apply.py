"""PlanSnapshot.apply: the plan after a PlanDelta."""

import dataclasses

from alignment_plans import NOW, PlanBuilder

from app.alignment import Decision, Dependency, PlanDelta


def _plan():
    b = PlanBuilder()
    b.team("pay", capacity=40)
    b.team("chk", kind="product")
    for n in range(1, 5):
        b.item(f"PAY-{n}", "pay", start=0)
    b.item("CHK-1", "chk", start=1)
    b.need("CHK-1", "PAY-1")
    b.need("CHK-1", "PAY-2")
    b.need("PAY-2", "PAY-3")
    b.need("PAY-4", "PAY-1")
    return b, b.build()


def _keys(snapshot):
    return [item.key for item in snapshot.items]


def _pairs(snapshot, b):
    key = {item.id: item.key for item in snapshot.items}
    return [(key[d.dependent_id], key[d.dependency_id]) for d in snapshot.dependencies]


def test_an_empty_delta_gives_the_same_snapshot():
    _, snapshot = _plan()
    assert snapshot.apply(PlanDelta()) is snapshot


def test_changed_rows_replace_in_place_and_new_rows_go_last():
    b, snapshot = _plan()
    moved = dataclasses.replace(b.items["PAY-2"], start=3, end=3)
    new = dataclasses.replace(b.items["PAY-1"], id=77, key="PAY-9")
    edited = Dependency(b.items["CHK-1"].id, b.items["PAY-2"].id, 2, "declined")
    added = Dependency(77, b.items["PAY-3"].id)
    after = snapshot.apply(PlanDelta(items=(moved, new), dependencies=(edited, added)))
    assert _keys(after) == ["PAY-1", "PAY-2", "PAY-3", "PAY-4", "CHK-1", "PAY-9"]
    assert after.items[1] == moved
    assert after.dependencies[1] == edited
    assert after.dependencies[-1] == added
    assert len(after.dependencies) == 5
    # The old snapshot is untouched.
    assert snapshot.items[1] == b.items["PAY-2"]
    assert len(snapshot.dependencies) == 4


def test_a_removed_item_takes_its_dependencies_and_the_last_row_takes_its_place():
    b, snapshot = _plan()
    after = snapshot.apply(PlanDelta(removed_items=frozenset({b.items["PAY-1"].id})))
    assert _keys(after) == ["CHK-1", "PAY-2", "PAY-3", "PAY-4"]
    # CHK-1 -> PAY-1 (place 0) and PAY-4 -> PAY-1 (place 3) go; PAY-2 -> PAY-3 fills place 0.
    assert _pairs(after, b) == [("PAY-2", "PAY-3"), ("CHK-1", "PAY-2")]


def test_removals_come_before_the_rows_of_the_same_delta():
    b, snapshot = _plan()
    pair = (b.items["CHK-1"].id, b.items["PAY-1"].id)
    again = Dependency(*pair, needed_by=3)
    after = snapshot.apply(PlanDelta(dependencies=(again,), removed_dependencies=frozenset({pair})))
    assert after.dependencies[-1] == again
    assert len(after.dependencies) == 4


def test_teams_decisions_and_periods():
    b, snapshot = _plan()
    pay = dataclasses.replace(b.teams["pay"], default_capacity=10, capacities={2: 5})
    seen = Decision("abc", "acknowledged", "ok", "ana", NOW)
    shorter = snapshot.periods[:4]
    after = snapshot.apply(PlanDelta(teams=(pay,), decisions=(seen,), periods=shorter))
    assert after.teams[0] == pay
    assert after.decisions == {"abc": seen}
    assert after.periods == shorter
    gone = after.apply(PlanDelta(removed_decisions=frozenset({"abc"})))
    assert gone.decisions == {}
    assert after.decisions == {"abc": seen}


def test_removing_rows_fills_each_hole_once_even_when_the_last_row_moves_twice():
    from app.alignment.snapshot import _swap_remove

    rows, filled = list("abcd"), set()
    _swap_remove(rows, [0, 2], filled)
    assert rows == ["d", "b"] and filled == {0}

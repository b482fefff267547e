"""Effective priority, priority chains, priority_inversion, blast radius and cycles."""

import pytest
from alignment_plans import NOW, PlanBuilder

from app.alignment import analyze
from app.alignment.graph import strongly_connected


def chain_plan(middle_status="committed"):
    """CHK-3 (P0) needs ID-4 (P2), which needs PAY-1 (P3)."""
    b = PlanBuilder()
    b.item("CHK-3", "chk", priority=0, start=3)
    b.item("ID-4", "id", priority=2, start=2, status=middle_status)
    b.item("PAY-1", "pay", priority=3, start=1)
    b.need("CHK-3", "ID-4")
    b.need("ID-4", "PAY-1")
    return b


def by_key(b, analysis, mapping):
    return {key: mapping[item.id] for key, item in b.items.items()}


def test_effective_priority_flows_down_a_chain_of_three():
    b = chain_plan()
    a = analyze(b.build(), NOW)
    assert by_key(b, a, a.effective_priority) == {"CHK-3": 0, "ID-4": 0, "PAY-1": 0}
    ids = {key: item.id for key, item in b.items.items()}
    assert a.priority_chain(ids["PAY-1"]) == [ids["PAY-1"], ids["ID-4"], ids["CHK-3"]]
    assert a.priority_chain(ids["CHK-3"]) == [ids["CHK-3"]]


def test_priority_inversion_names_the_chain_and_the_priority_to_raise_to():
    b = chain_plan()
    inversions = {
        c.items[0]: c for c in analyze(b.build(), NOW).conflicts if c.type == "priority_inversion"
    }
    assert set(inversions) == {"ID-4", "PAY-1"}
    pay = inversions["PAY-1"]
    assert pay.items == ["PAY-1", "ID-4", "CHK-3"]
    assert pay.severity == "critical"
    assert "is P3, but Chk's CHK-3 (P0) needs it through ID-4" in pay.message
    assert "its effective priority is P0" in pay.message
    assert pay.suggestions == ["Raise PAY-1 to P0 (CHK-3 needs ID-4 needs PAY-1)"]
    assert inversions["ID-4"].severity == "critical"
    assert "needs it directly" in inversions["ID-4"].message


@pytest.mark.parametrize(
    ("needer", "needed", "severity"),
    [(0, 3, "critical"), (0, 2, "critical"), (0, 1, "high"), (1, 3, "high"), (2, 3, "low")],
)
def test_inversion_severity_grows_with_priority_and_gap(needer, needed, severity):
    b = PlanBuilder()
    b.item("CHK-1", "chk", priority=needer, start=2)
    b.item("PAY-1", "pay", priority=needed, start=1)
    b.need("CHK-1", "PAY-1")
    [c] = analyze(b.build(), NOW).conflicts
    assert (c.type, c.severity) == ("priority_inversion", severity)


def test_chains_pass_only_through_active_items():
    b = chain_plan(middle_status="done")
    a = analyze(b.build(), NOW)
    assert by_key(b, a, a.effective_priority) == {"CHK-3": 0, "ID-4": 0, "PAY-1": 3}
    assert a.conflicts == []


def test_needs_of_inactive_items_are_ignored():
    b = chain_plan()
    b.item("CHK-3", "chk", priority=0, start=3, status="cancelled")
    a = analyze(b.build(), NOW)
    assert by_key(b, a, a.effective_priority) == {"CHK-3": 0, "ID-4": 2, "PAY-1": 2}


def test_diamond_takes_the_best_priority_and_breaks_ties_by_key():
    b = PlanBuilder()
    b.item("APP-1", "app", priority=0, start=3)
    b.item("WEB-1", "web", priority=1, start=3)
    b.item("ID-2", "id", priority=3, start=2)
    b.item("ID-1", "id", priority=3, start=2)
    b.item("PAY-1", "pay", priority=3, start=1)
    for needer in ("APP-1", "WEB-1"):
        for middle in ("ID-1", "ID-2"):
            b.need(needer, middle)
    b.need("ID-1", "PAY-1")
    b.need("ID-2", "PAY-1")
    a = analyze(b.build(), NOW)
    ids = {key: item.id for key, item in b.items.items()}
    assert a.effective_priority[ids["PAY-1"]] == 0
    assert a.priority_chain(ids["PAY-1"]) == [ids["PAY-1"], ids["ID-1"], ids["APP-1"]]


def test_blast_radius_lists_active_needers_best_priority_first():
    b = chain_plan()
    b.item("MOB-1", "mob", priority=1, start=3)
    b.item("OLD-1", "mob", priority=0, start=3, status="done")
    b.need("MOB-1", "PAY-1")
    b.need("OLD-1", "PAY-1")
    a = analyze(b.build(), NOW)
    ids = {key: item.id for key, item in b.items.items()}
    assert a.blast_radius(ids["PAY-1"]) == [(ids["CHK-3"], 0), (ids["MOB-1"], 1), (ids["ID-4"], 2)]
    assert a.blast_radius(ids["CHK-3"]) == []
    with pytest.raises(KeyError):
        a.blast_radius(-1)


def test_reach_follows_what_active_items_need_and_stops_at_finished_ones():
    b = chain_plan(middle_status="done")
    b.item("MOB-1", "mob", priority=1, start=3)
    b.need("MOB-1", "CHK-3")
    a = analyze(b.build(), NOW)
    ids = {key: item.id for key, item in b.items.items()}
    # MOB-1 needs CHK-3, which needs ID-4; ID-4 is done, so it needs PAY-1 no more
    assert a.reach(ids["MOB-1"]) == {ids["MOB-1"], ids["CHK-3"], ids["ID-4"]}
    assert a.reach(ids["PAY-1"]) == {ids["PAY-1"]}
    with pytest.raises(KeyError):
        a.reach(-1)


def cycle_plan(done=None):
    """A (P0) needs B needs C needs A; X (P1) needs A; C also needs D."""
    b = PlanBuilder()
    for key, priority in (("A-1", 0), ("B-1", 3), ("C-1", 3), ("D-1", 3), ("X-1", 1)):
        b.item(
            key,
            key[0].lower(),
            priority=priority,
            start=None,
            status="done" if key == done else "committed",
        )
    for dependent, dependency in (
        ("A-1", "B-1"),
        ("B-1", "C-1"),
        ("C-1", "A-1"),
        ("X-1", "A-1"),
        ("C-1", "D-1"),
    ):
        b.need(dependent, dependency)
    return b


def test_a_cycle_is_one_node_for_priorities_and_one_conflict():
    b = cycle_plan()
    a = analyze(b.build(), NOW)
    assert by_key(b, a, a.effective_priority) == {"A-1": 0, "B-1": 0, "C-1": 0, "D-1": 0, "X-1": 1}
    [cycle] = [c for c in a.conflicts if c.type == "dependency_cycle"]
    assert cycle.items == ["A-1", "B-1", "C-1"]
    assert cycle.severity == "critical"
    assert "A-1 -> B-1 -> C-1 -> A-1" in cycle.message
    assert cycle.suggestions == [
        "Remove one of these dependencies: A-1 needs B-1; B-1 needs C-1; C-1 needs A-1"
    ]
    ids = {key: item.id for key, item in b.items.items()}
    chain = a.priority_chain(ids["D-1"])
    assert chain[0] == ids["D-1"] and chain[-1] == ids["A-1"]
    assert {i for i, _ in a.blast_radius(ids["A-1"])} == {ids["B-1"], ids["C-1"], ids["X-1"]}


def test_a_loop_through_a_done_item_is_no_cycle():
    a = analyze(cycle_plan(done="B-1").build(), NOW)
    assert [c for c in a.conflicts if c.type == "dependency_cycle"] == []


def test_self_dependency_is_a_cycle():
    b = PlanBuilder()
    b.item("A-1", "a", start=1)
    b.need("A-1", "A-1")
    [c] = analyze(b.build(), NOW).conflicts
    assert c.type == "dependency_cycle"
    assert "A-1 -> A-1" in c.message


def test_strongly_connected_handles_long_paths_without_recursion():
    n = 30_000
    ring = [[(v + 1) % n] for v in range(n)]
    [component] = strongly_connected(range(n), ring)
    assert sorted(component) == list(range(n))
    path = [[v + 1] if v + 1 < n else [] for v in range(n)]
    components = strongly_connected(range(n), path)
    assert [c[0] for c in components] == list(reversed(range(n)))

"""Fingerprints, decisions, ordering, counts, the JSON contract and find_cycle."""

import dataclasses
import json

from alignment_plans import NOW, PlanBuilder

from app.alignment import Dependency, PlanSnapshot, analyze, find_cycle, format_cycle

CONTRACT_KEYS = [
    "type",
    "severity",
    "items",
    "teams",
    "period",
    "message",
    "suggestions",
    "fingerprint",
    "state",
]


def busy_plan():
    b = PlanBuilder()
    b.team("pay", capacity=20, name="Payments Platform")
    b.item("PAY-1", "pay", priority=3, start=3, estimate=12, health="at_risk")
    b.item("PAY-2", "pay", priority=2, start=3, estimate=12)
    b.item("ID-4", "id", priority=2, start=1, estimate=None)
    b.item("CHK-3", "chk", priority=0, start=1)
    b.item("MOB-1", "mob", priority=1, start=3, status="in_progress", last_update=None)
    b.need("CHK-3", "PAY-1")
    b.need("CHK-3", "ID-4", commitment="requested")
    b.need("MOB-1", "PAY-2")
    return b


def dicts(snapshot):
    return [c.to_dict() for c in analyze(snapshot, NOW).conflicts]


def renumbered(snapshot: PlanSnapshot, offset: int) -> PlanSnapshot:
    items = tuple(dataclasses.replace(i, id=i.id + offset) for i in reversed(snapshot.items))
    deps = tuple(
        dataclasses.replace(
            d, dependent_id=d.dependent_id + offset, dependency_id=d.dependency_id + offset
        )
        for d in reversed(snapshot.dependencies)
    )
    return dataclasses.replace(
        snapshot, items=items, dependencies=deps, teams=tuple(reversed(snapshot.teams))
    )


def test_every_conflict_follows_the_json_contract():
    conflicts = dicts(busy_plan().build())
    assert {c["type"] for c in conflicts} >= {
        "schedule_violation",
        "priority_inversion",
        "over_capacity",
        "uncommitted_dependency",
        "at_risk_dependency",
        "stale_status",
        "unestimated",
    }
    for conflict in conflicts:
        assert list(conflict) == CONTRACT_KEYS
        assert conflict["state"] == "open"
        assert conflict["suggestions"]
    json.dumps(conflicts)


def test_conflicts_are_sorted_by_severity_type_and_first_item():
    conflicts = analyze(busy_plan().build(), NOW).conflicts
    ranks = {"critical": 0, "high": 1, "medium": 2, "low": 3}
    keys = [(ranks[c.severity], c.type, c.items[0]) for c in conflicts]
    assert keys == sorted(keys)


def test_fingerprints_ignore_input_order_and_ids():
    snapshot = busy_plan().build()
    assert dicts(renumbered(snapshot, 5000)) == dicts(snapshot)


def test_fingerprints_survive_unrelated_edits():
    before = {c["fingerprint"] for c in dicts(busy_plan().build())}
    b = busy_plan()
    b.item("WEB-1", "web", start=2)
    b.item("CHK-3", "chk", priority=0, start=1, title="Renamed", estimate=9)
    b.team("pay", capacity=21, name="Payments")
    assert {c["fingerprint"] for c in dicts(b.build())} == before


def only(snapshot, kind, first):
    [conflict] = [
        c for c in analyze(snapshot, NOW).conflicts if c.type == kind and c.items[0] == first
    ]
    return conflict.fingerprint


def test_fingerprints_change_with_the_cause():
    b = busy_plan()
    violation = only(b.build(), "schedule_violation", "CHK-3")
    inversion = only(b.build(), "priority_inversion", "PAY-1")
    overload = only(b.build(), "over_capacity", "PAY-1")
    b.item("PAY-1", "pay", priority=2, start=2, estimate=12, health="at_risk")
    assert only(b.build(), "schedule_violation", "CHK-3") != violation
    assert only(b.build(), "priority_inversion", "PAY-1") == inversion
    b.item("CHK-3", "chk", priority=1, start=1)
    assert only(b.build(), "priority_inversion", "PAY-1") != inversion
    b = busy_plan()
    b.item("PAY-2", "pay", priority=2, start=3, estimate=12.5)
    assert only(b.build(), "over_capacity", "PAY-1") == overload
    b.item("PAY-2", "pay", priority=2, start=3, estimate=30)
    assert only(b.build(), "over_capacity", "PAY-1") != overload


def test_decisions_set_the_state_until_the_cause_changes():
    b = busy_plan()
    inversion = only(b.build(), "priority_inversion", "PAY-1")
    overload = only(b.build(), "over_capacity", "PAY-1")
    b.decide(inversion, "acknowledged", note="raising next week")
    b.decide(overload, "accepted", note="contractors")
    a = analyze(b.build(), NOW)
    states = {c.fingerprint: c for c in a.conflicts}
    assert states[inversion].state == "acknowledged"
    assert states[inversion].decision.note == "raising next week"
    data = states[overload].to_dict()
    assert data["state"] == "accepted"
    assert data["decision_note"] == "contractors"
    assert data["decision_by"] == "ana"
    counts = a.counts()
    assert counts.total == len(a.conflicts)
    assert (counts.open, counts.acknowledged, counts.accepted) == (counts.total - 1, 1, 1)
    assert sum(counts.by_severity.values()) == counts.open
    assert "over_capacity" not in counts.by_type
    b.item("CHK-3", "chk", priority=1, start=1)
    changed = only(b.build(), "priority_inversion", "PAY-1")
    assert {c.fingerprint: c for c in analyze(b.build(), NOW).conflicts}[changed].state == "open"


def test_open_critical_counts_ignore_only_accepted_risks():
    b = busy_plan()
    a = analyze(b.build(), NOW)
    assert a.counts().by_severity["critical"]
    for conflict in a.conflicts:
        if conflict.severity == "critical":
            b.decide(conflict.fingerprint, "accepted")
    assert not analyze(b.build(), NOW).counts().by_severity["critical"]


def test_select_filters_by_team_period_severity_and_item():
    b = busy_plan()
    a = analyze(b.build(), NOW)
    assert {c.type for c in a.select(team="mob")} == {
        "stale_status",
        "priority_inversion",
        "platform_contention",
        "same_period_risk",
    }
    assert all(c.period == "2027 Q4" for c in a.select(period="2027 Q4"))
    assert {c.severity for c in a.select(severity="high")} <= {"critical", "high"}
    chk = b.items["CHK-3"].id
    assert all(chk in c.item_ids for c in a.select(item_id=chk))


def test_find_cycle_returns_the_path_that_would_close():
    adjacency = {3: [1], 1: [4]}
    assert find_cycle(adjacency, 4, 3) == [4, 3, 1, 4]
    assert find_cycle(adjacency, 3, 4) is None
    assert find_cycle(adjacency, 7, 7) == [7, 7]
    assert find_cycle([(3, 1), (1, 4)], 4, 3) == [4, 3, 1, 4]
    assert find_cycle([Dependency(3, 1), Dependency(1, 4)], 4, 3) == [4, 3, 1, 4]
    keys = {3: "CHK-3", 1: "PAY-1", 4: "ID-4"}
    assert format_cycle([3, 1, 4, 3], keys) == "CHK-3 -> PAY-1 -> ID-4 -> CHK-3"
    assert format_cycle(["A-1", "B-1", "A-1"]) == "A-1 -> B-1 -> A-1"


def test_find_cycle_takes_the_shortest_path():
    adjacency = {1: [2, 5], 2: [3], 3: [4], 5: [4]}
    assert find_cycle(adjacency, 4, 1) == [4, 1, 5, 4]


def test_an_empty_plan_has_no_conflicts():
    a = analyze(PlanSnapshot((), (), (), ()), NOW)
    assert a.conflicts == []
    assert a.counts().total == 0
    assert list(a.ledger) == []

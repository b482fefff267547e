"""The per-item rules: stale_status, at_risk_dependency and unestimated."""

from datetime import timedelta

import pytest
from alignment_plans import NOW, PlanBuilder

from app.alignment import Settings, analyze


def of_type(builder, kind, settings=None):
    return [c for c in analyze(builder.build(), NOW, settings).conflicts if c.type == kind]


def silent(days):
    return NOW - timedelta(days=days)


@pytest.mark.parametrize(
    ("status", "start", "days", "stale"),
    [
        ("in_progress", None, 8, True),
        ("in_progress", 3, 8, True),
        ("in_progress", 0, 7, False),
        ("committed", 0, 8, True),
        ("committed", 1, 30, False),
        ("committed", None, 30, False),
        ("proposed", 0, 30, False),
        ("done", 0, 30, False),
    ],
)
def test_stale_when_in_progress_or_committed_and_started(status, start, days, stale):
    b = PlanBuilder()
    b.item("PAY-1", "pay", start=start, status=status, last_update=silent(days))
    assert bool(of_type(b, "stale_status")) is stale


def test_stale_without_updates_counts_from_creation_and_says_how_long():
    b = PlanBuilder()
    b.team("pay", name="Payments Platform")
    b.item("PAY-1", "pay", priority=3, status="in_progress", last_update=None, created=silent(12))
    [c] = of_type(b, "stale_status")
    assert c.severity == "low"
    assert "has had no status update for 12 days (the cadence is 7 days)" in c.message
    assert c.suggestions == [
        "Ask Payments Platform for a status update on PAY-1: "
        "there has been none since it was created 12 days ago"
    ]


def test_stale_escalates_when_needed_by_important_work_and_when_long_silent():
    b = PlanBuilder()
    b.item("PAY-1", "pay", priority=3, start=0, status="in_progress", last_update=silent(9))
    b.item("ID-1", "id", priority=3, start=1)
    b.item("CHK-1", "chk", priority=0, start=2)
    b.need("ID-1", "PAY-1")
    b.need("CHK-1", "ID-1")
    [c] = of_type(b, "stale_status")
    assert c.severity == "high"
    assert c.message.endswith("CHK-1 (P0) needs it.")
    b.item("PAY-1", "pay", priority=3, start=0, status="in_progress", last_update=silent(28))
    [c] = of_type(b, "stale_status")
    assert c.severity == "critical"
    assert of_type(b, "stale_status", Settings(cadence_days=30)) == []


def test_stale_fingerprint_follows_the_last_update():
    b = PlanBuilder()
    b.item("PAY-1", "pay", status="in_progress", last_update=silent(9))
    first = of_type(b, "stale_status")[0].fingerprint
    assert of_type(b, "stale_status")[0].fingerprint == first
    b.item("PAY-1", "pay", status="in_progress", last_update=silent(8))
    assert of_type(b, "stale_status")[0].fingerprint != first


def at_risk_plan(health="off_track"):
    b = PlanBuilder()
    b.team("pay", name="Payments Platform")
    b.item("PAY-1", "pay", priority=1, start=0, health=health)
    b.item("ID-4", "id", priority=2, start=1)
    b.item("CHK-3", "chk", priority=0, start=2)
    b.item("MOB-2", "mob", priority=1, start=2)
    b.item("OLD-1", "old", priority=0, start=2, status="done")
    b.need("ID-4", "PAY-1")
    b.need("CHK-3", "ID-4")
    b.need("MOB-2", "PAY-1")
    b.need("OLD-1", "PAY-1")
    return b


def test_at_risk_dependency_lists_its_blast_radius():
    [c] = of_type(at_risk_plan(), "at_risk_dependency")
    assert c.severity == "critical"
    assert c.items == ["PAY-1", "CHK-3", "MOB-2", "ID-4"]
    assert c.teams == ["pay", "chk", "mob", "id"]
    assert "is off track, and 3 active items need it directly or through a chain: " in c.message
    assert c.message.endswith("CHK-3 (P0), MOB-2 (P1) and ID-4 (P2).")
    assert c.suggestions == [
        "Agree a recovery plan for PAY-1 with Payments Platform before it holds up CHK-3 (P0)",
        "Warn Chk, Mob and Id that PAY-1 is off track",
    ]


def test_at_risk_list_is_capped_and_at_risk_is_milder_than_off_track():
    [c] = of_type(at_risk_plan("at_risk"), "at_risk_dependency", Settings(list_limit=1))
    assert c.severity == "high"
    assert c.message.endswith("chain: CHK-3 (P0) and 2 more.")
    assert c.fingerprint != of_type(at_risk_plan(), "at_risk_dependency")[0].fingerprint


def test_unneeded_or_inactive_items_at_risk_raise_nothing():
    b = PlanBuilder()
    b.item("PAY-1", "pay", health="off_track", start=0)
    b.item("OLD-1", "old", start=2, status="done")
    b.need("OLD-1", "PAY-1")
    assert of_type(b, "at_risk_dependency") == []
    b.item("PAY-1", "pay", health="off_track", start=0, status="done")
    b.item("CHK-1", "chk", start=2)
    b.need("CHK-1", "PAY-1")
    assert of_type(b, "at_risk_dependency") == []


def test_unestimated_scheduled_active_items():
    b = PlanBuilder()
    b.team("pay", capacity=30, name="Payments Platform")
    b.item("PAY-1", "pay", priority=3, start=1, end=2, estimate=None)
    b.item("PAY-2", "pay", priority=1, start=1, estimate=None)
    b.item("PAY-3", "pay", start=None, estimate=None)
    b.item("PAY-4", "pay", start=1, estimate=None, status="done")
    b.item("PAY-5", "pay", start=1, estimate=12)
    found = {c.items[0]: c for c in of_type(b, "unestimated")}
    assert set(found) == {"PAY-1", "PAY-2"}
    assert found["PAY-1"].severity == "low"
    assert found["PAY-2"].severity == "medium"
    assert found["PAY-1"].period == "2027 Q2"
    assert "is scheduled for 2027 Q2–Q3 but has no estimate" in found["PAY-1"].message
    assert found["PAY-1"].suggestions == [
        "Add an estimate in person-weeks to PAY-1 (Payments Platform has 18 person-weeks free "
        "in 2027 Q2)"
    ]

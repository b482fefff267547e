"""The dashboard's sections, built from hand-made plans (no database)."""

from datetime import timedelta

import pytest
from alignment_plans import NOW, PlanBuilder

from app.alignment import analyze
from app.dashboard.sections import (
    Plan,
    at_risk_platform_work,
    band,
    build_dashboard,
    contended,
    heat_map,
    inversions,
    tiles,
    weighted_blast_radius,
)

Q1, Q2, Q3 = range(3)


@pytest.mark.parametrize(
    ("capacity", "demand", "expected"),
    [
        (None, 5, 0),
        (10, 0, 1),
        (10, 4.9, 1),
        (10, 5, 2),
        (10, 9.5, 3),
        (10, 10, 3),
        (10, 10.5, 4),
        (10, 11, 5),
        (10, 12.5, 6),
        (10, 15, 7),
        (10, 40, 7),
        (0, 0, 1),
        (0, 3, 7),
    ],
)
def test_utilisation_bands(capacity, demand, expected):
    assert band(capacity, demand) == expected


def test_a_blast_radius_weighs_each_item_by_its_own_priority():
    assert weighted_blast_radius((1, 2, 0, 1)) == 8 + 4 + 4 + 1
    assert weighted_blast_radius((0, 0, 0, 0)) == 0


def contention_plan() -> PlanBuilder:
    """docs/conflicts.md: Data Platform (10) in Q1 has DATA-1 (8), needed by CHK-1
    (P0) and, through GW-1, by MOB-1 (P1), and DATA-2 (6), needed by ONB-1 (P2)."""
    b = PlanBuilder()
    b.team("data", capacity=10, name="Data Platform")
    b.team("chk", kind="product", name="Checkout")
    b.team("mob", kind="product", name="Mobile App")
    b.team("onb", kind="product", name="Onboarding")
    b.item("CHK-1", "chk", priority=0, start=Q3)
    b.item("MOB-1", "mob", priority=1, start=Q3)
    b.item("ONB-1", "onb", priority=2, start=Q3)
    b.item("GW-1", "gw", priority=1, start=Q2)
    b.item("DATA-1", "data", priority=0, start=Q1, estimate=8)
    b.item("DATA-2", "data", priority=2, start=Q1, estimate=6)
    b.need("CHK-1", "DATA-1")
    b.need("MOB-1", "GW-1")
    b.need("GW-1", "DATA-1")
    b.need("ONB-1", "DATA-2")
    return b


def test_contended_platform_teams_list_competitors_by_priority_with_their_needs():
    plan = Plan(analyze(contention_plan().build(), NOW))
    listed = contended(plan)
    assert listed.total == 1
    (found,) = listed.rows
    assert (found.team.slug, found.period, found.capacity, found.demand) == (
        "data",
        "2027 Q1",
        10,
        14,
    )
    assert found.excess == 4
    assert [(c.team.slug, c.priority, c.person_weeks) for c in found.competitors] == [
        ("chk", 0, 8),
        ("mob", 1, 8),
        ("onb", 2, 6),
    ]
    assert [[(i.key, pw) for i, pw in c.needs] for c in found.competitors] == [
        [("DATA-1", 8)],
        [("DATA-1", 8)],
        [("DATA-2", 6)],
    ]
    assert found.move is not None and "DATA-2" in found.move


def test_contended_keeps_the_worst_first_and_counts_the_rest():
    b = contention_plan()
    b.team("pay", capacity=4, name="Payments")
    b.item("PAY-1", "pay", priority=3, start=Q1, estimate=5)
    b.need("ONB-1", "PAY-1")
    b.item("MOB-2", "mob", priority=3, start=Q3)
    b.need("MOB-2", "PAY-1")
    listed = contended(Plan(analyze(b.build(), NOW)), limit=1)
    assert listed.total == 2
    assert [c.team.slug for c in listed.rows] == ["data"]


def test_at_risk_platform_work_is_ranked_by_weighted_blast_radius():
    b = PlanBuilder()
    b.team("chk", kind="product")
    b.item("PAY-1", "pay", health="at_risk", start=Q1)
    b.item("ID-1", "id", health="off_track", start=Q1)
    b.item("CHK-9", "chk", health="at_risk", start=Q1)
    b.item("CHK-1", "chk", priority=0, start=Q2)
    for n in range(2, 6):
        b.item(f"CHK-{n}", "chk", priority=3, start=Q2)
        b.need(f"CHK-{n}", "ID-1")
    b.need("CHK-1", "PAY-1")
    b.need("CHK-2", "CHK-9")
    listed = at_risk_platform_work(Plan(analyze(b.build(), NOW)))
    assert listed.total == 2
    assert [(r.item.key, r.weight, r.needed_by) for r in listed.rows] == [
        ("PAY-1", 8, 1),
        ("ID-1", 4, 4),
    ]
    assert listed.rows[1].priority_mix == "4 P3"


def test_inversions_carry_the_inherited_priority_and_the_chain():
    b = PlanBuilder()
    b.item("CHK-3", "chk", priority=0, start=Q3)
    b.item("ID-4", "id", priority=2, start=Q2)
    b.item("PAY-1", "pay", priority=3, start=Q1)
    b.need("CHK-3", "ID-4")
    b.need("ID-4", "PAY-1")
    listed = inversions(Plan(analyze(b.build(), NOW)))
    assert listed.total == 2
    by_key = {inv.item.key: inv for inv in listed.rows}
    assert by_key["PAY-1"].effective == 0
    assert [i.key for i in by_key["PAY-1"].chain] == ["PAY-1", "ID-4", "CHK-3"]
    assert [i.key for i in by_key["ID-4"].chain] == ["ID-4", "CHK-3"]


def test_tiles_count_as_the_analysis_does():
    b = contention_plan()
    b.item("DATA-9", "data", status="in_progress", start=Q1, estimate=0, last_update=None)
    analysis = analyze(b.build(), NOW)
    found = tiles(Plan(analysis), Q1)
    assert found.counts == analysis.counts()
    assert found.period == "2027 Q1"
    assert [t.slug for t in found.over_capacity] == ["data"]
    assert found.stale == 1


def test_the_heat_map_lists_platform_teams_first_from_the_given_period():
    b = contention_plan()
    b.team("api", capacity=20, name="Zeta API")
    heat = heat_map(Plan(analyze(b.build(), NOW)), Q2, count=3)
    assert heat.periods == ["2027 Q2", "2027 Q3", "2027 Q4"]
    assert [team.slug for team, _ in heat.rows] == ["data", "gw", "api", "chk", "mob", "onb"]
    data_cells = heat.rows[0][1]
    assert [(c.period, c.band) for c in data_cells] == [
        ("2027 Q2", 1),
        ("2027 Q3", 1),
        ("2027 Q4", 1),
    ]
    assert heat_map(Plan(analyze(b.build(), NOW)), None).rows == []


def test_the_current_period_else_the_next_one_to_start():
    analysis = analyze(contention_plan().build(), NOW)
    assert analysis.first_open_period == Q1
    between = analyze(contention_plan().build(), NOW.replace(year=2020))
    assert between.first_open_period == 0
    late = analyze(contention_plan().build(), NOW.replace(year=2040))
    assert late.first_open_period is None


def test_accepted_risks_are_listed_latest_first():
    b = contention_plan()
    analysis = analyze(b.build(), NOW)
    fingerprints = [c.fingerprint for c in analysis.conflicts[:2]]
    b.decide(fingerprints[0], "accepted", "old news")
    b.decide(fingerprints[1], "acknowledged", "on it")
    board = build_dashboard(analyze(b.build(), NOW + timedelta(days=1)))
    assert board.accepted.total == 1
    assert board.accepted.rows[0].decision.note == "old news"
    assert board.tiles.counts.accepted == 1

"""The capacity ledger, over_capacity and platform_contention."""

import pytest
from alignment_plans import NOW, PlanBuilder

from app.alignment import Settings, analyze

Q1, Q2, Q3, Q4 = range(4)


def of_type(analysis, kind):
    return [c for c in analysis.conflicts if c.type == kind]


def payments(capacity=40, overrides=None):
    """Payments Platform in 2027 Q2: 52 of 40 person-weeks planned."""
    b = PlanBuilder()
    b.team("pay", capacity=capacity, overrides=overrides, name="Payments Platform")
    b.item("PAY-1", "pay", priority=0, start=Q2, estimate=20)
    b.item("PAY-5", "pay", priority=2, start=Q2, estimate=18)
    b.item("PAY-7", "pay", priority=3, start=Q2, estimate=8)
    b.item("PAY-9", "pay", priority=3, start=Q2, estimate=6)
    return b


def test_ledger_spreads_estimates_and_counts_done_but_not_cancelled_work():
    b = PlanBuilder()
    b.team("pay", capacity=30, overrides={Q3: 10})
    b.team("web", kind="product")
    b.item("PAY-1", "pay", start=Q1, end=Q3, estimate=15)
    b.item("PAY-2", "pay", start=Q2, estimate=4, status="done")
    b.item("PAY-3", "pay", start=Q2, estimate=50, status="cancelled")
    b.item("PAY-4", "pay", start=Q2, estimate=None)
    b.item("WEB-1", "web", start=Q1, estimate=100)
    ledger = analyze(b.build(), NOW).ledger
    pay, web = b.teams["pay"].id, b.teams["web"].id
    cells = ledger.team(pay)
    assert [c.demand for c in cells[:4]] == [5, 9, 5, 0]
    assert [c.capacity for c in cells[:4]] == [30, 30, 10, 30]
    assert cells[Q3].utilisation == 0.5
    assert cells[Q2].by_item == {
        b.items["PAY-1"].id: 5,
        b.items["PAY-2"].id: 4,
        b.items["PAY-4"].id: 0,
    }
    unchecked = ledger.cell(web, Q1)
    assert (unchecked.capacity, unchecked.demand, unchecked.utilisation) == (None, 100, None)
    assert not unchecked.over
    with pytest.raises(IndexError):
        ledger.cell(web, 99)


def test_attribution_counts_an_item_for_every_requesting_product_team():
    b = PlanBuilder()
    b.team("data", capacity=40)
    b.item("CHK-1", "chk", priority=0, start=Q3)
    b.item("MOB-1", "mob", priority=1, start=Q3)
    b.item("GW-1", "gw", priority=1, start=Q2)
    b.item("DATA-1", "data", start=Q1, estimate=8)
    b.item("DATA-2", "data", start=Q1, estimate=6)
    b.item("OLD-1", "old", start=Q3, status="done")
    b.need("CHK-1", "DATA-1")
    b.need("MOB-1", "GW-1")
    b.need("GW-1", "DATA-1")
    b.need("OLD-1", "DATA-2")
    a = analyze(b.build(), NOW)
    teams = {slug: team.id for slug, team in b.teams.items()}
    cell = a.ledger.cell(teams["data"], Q1)
    assert cell.by_requester == {teams["chk"]: 8, teams["mob"]: 8, None: 6}
    assert a.ledger.cell(teams["chk"], Q3).by_requester == {teams["chk"]: 4}


def test_over_capacity_says_by_how_much_and_what_to_move():
    [c] = of_type(analyze(payments().build(), NOW), "over_capacity")
    assert c.severity == "high"
    assert c.teams == ["pay"]
    assert c.period == "2027 Q2"
    assert c.items == ["PAY-1", "PAY-5", "PAY-7", "PAY-9"]
    assert c.message == (
        "Payments Platform is over capacity in 2027 Q2: 52 person-weeks planned against "
        "a capacity of 40 (130%), 12 over."
    )
    assert c.suggestions == [
        "Move PAY-7 and PAY-9 (P3) out of 2027 Q2 to free 14 person-weeks; "
        "2027 Q3 has 40 person-weeks free",
        "Or raise Payments Platform's capacity in 2027 Q2 to 52 person-weeks",
    ]


def test_relief_prefers_lowest_priority_then_largest_share_and_skips_work_in_progress():
    b = payments()
    b.item("PAY-7", "pay", priority=3, start=Q2, estimate=8, status="in_progress")
    b.item("PAY-8", "pay", priority=3, start=Q2, end=Q3, estimate=9)
    b.team("pay", capacity=46, overrides={Q3: 5, Q4: 4}, name="Payments Platform")
    [c] = of_type(analyze(b.build(), NOW), "over_capacity")
    assert c.suggestions[0] == (
        "Move PAY-9 and PAY-8 (P3) out of 2027 Q2 to free 10.5 person-weeks; "
        "2028 Q1 has 46 person-weeks free"
    )


def test_relief_names_mixed_priorities_and_a_shortfall():
    b = payments(capacity=10)
    b.item("PAY-1", "pay", priority=0, start=Q2, estimate=20, status="in_progress")
    [c] = of_type(analyze(b.build(), NOW), "over_capacity")
    assert c.suggestions[0].startswith(
        "Move PAY-7 (P3), PAY-9 (P3) and PAY-5 (P2) out of 2027 Q2 to free 32 person-weeks, "
        "10 short of the 42 needed"
    )


@pytest.mark.parametrize(
    ("capacity", "top_priority", "severity"),
    [(50, 0, "low"), (45, 0, "medium"), (40, 0, "high"), (34, 0, "critical"), (34, 2, "high")],
)
def test_over_capacity_severity_grows_with_ratio_and_priority(capacity, top_priority, severity):
    b = payments(capacity=capacity)
    b.item("PAY-1", "pay", priority=top_priority, start=Q2, estimate=20)
    [c] = of_type(analyze(b.build(), NOW), "over_capacity")
    assert c.severity == severity


def test_thresholds_are_settings():
    settings = Settings(capacity_high_ratio=1.4, capacity_critical_ratio=2.0)
    [c] = of_type(analyze(payments().build(), NOW, settings), "over_capacity")
    assert c.severity == "medium"


def test_team_without_capacity_is_not_checked_and_zero_capacity_is():
    assert of_type(analyze(payments(capacity=None).build(), NOW), "over_capacity") == []
    [c] = of_type(analyze(payments(capacity=None, overrides={Q2: 0}).build(), NOW), "over_capacity")
    assert "against a capacity of 0, 52 over" in c.message
    assert c.severity == "critical"


def contention_plan():
    """Data Platform has 10 person-weeks in 2027 Q1 and three product teams need it."""
    b = PlanBuilder()
    b.team("data", capacity=10, name="Data Platform")
    b.team("chk", kind="product", name="Checkout")
    b.team("mob", kind="product", name="Mobile App")
    b.team("onb", kind="product", name="Onboarding")
    b.item("DATA-1", "data", priority=0, start=Q1, estimate=8)
    b.item("DATA-2", "data", priority=2, start=Q1, estimate=6)
    b.item("CHK-1", "chk", priority=0, start=Q3)
    b.item("MOB-1", "mob", priority=1, start=Q3)
    b.item("GW-1", "gw", priority=1, start=Q2)
    b.item("ONB-1", "onb", priority=2, start=Q3)
    b.need("CHK-1", "DATA-1")
    b.need("MOB-1", "GW-1")
    b.need("GW-1", "DATA-1")
    b.need("ONB-1", "DATA-2")
    return b


def test_platform_contention_lists_competitors_by_priority():
    a = analyze(contention_plan().build(), NOW)
    [c] = of_type(a, "platform_contention")
    assert c.severity == "high"
    assert c.teams == ["data", "chk", "mob", "onb"]
    assert c.items == ["DATA-1", "DATA-2"]
    assert c.message == (
        "Data Platform is at 140% of capacity in 2027 Q1 (14 of 10 person-weeks) and "
        "3 product teams compete for its work there: Checkout (P0), Mobile App (P1) "
        "and Onboarding (P2)."
    )
    assert c.suggestions[0].endswith(
        ": Data Platform can deliver 10 of the 14 person-weeks planned in 2027 Q1"
    )
    assert c.suggestions[1] == (
        "Then move DATA-2 (P2) out of 2027 Q1 to free 6 person-weeks; "
        "2027 Q2 has 10 person-weeks free"
    )
    assert len(of_type(a, "over_capacity")) == 1


def test_one_requesting_team_or_a_product_team_is_no_contention():
    b = contention_plan()
    del b.dependencies[1]
    b.dependencies.pop()
    assert of_type(analyze(b.build(), NOW), "platform_contention") == []
    b = contention_plan()
    b.team("data", kind="product", capacity=10, name="Data Platform")
    assert of_type(analyze(b.build(), NOW), "platform_contention") == []


def test_contention_fingerprint_changes_with_the_competitors():
    before = of_type(analyze(contention_plan().build(), NOW), "platform_contention")[0]
    b = contention_plan()
    b.item("WEB-1", "web", priority=3, start=Q3)
    b.need("WEB-1", "DATA-2")
    after = of_type(analyze(b.build(), NOW), "platform_contention")[0]
    assert "Web (P3)" in after.message
    assert after.fingerprint != before.fingerprint

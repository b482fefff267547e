"""Suggestions and one-click actions name only periods that have not ended, and
"the first period that satisfies its dependencies" is worked out per dependency."""

from datetime import datetime

from alignment_plans import NOW, PlanBuilder, make_random_plan

from app.alignment import analyze

Q1_27, Q2_27, Q3_27, Q4_27, Q1_28, Q2_28 = range(6)
MID_Q4_27 = datetime(2027, 11, 15)
DEPENDENCY_TYPES = {"schedule_violation", "same_period_risk", "unscheduled_dependency"}


def only(builder, kind, now=NOW):
    [conflict] = [c for c in analyze(builder.build(), now).conflicts if c.type == kind]
    return conflict


def product_needs_platform(needed_by=None):
    b = PlanBuilder()
    b.team("plat", capacity=40, name="Platform")
    b.team("prod", kind="product", name="Product")
    b.item("PLAT-1", "plat", priority=0, start=Q2_27, estimate=4)
    b.item("PROD-1", "prod", priority=0, start=Q1_27)
    b.need("PROD-1", "PLAT-1", needed_by=needed_by)
    return b


def test_the_move_skips_the_periods_that_have_ended():
    c = only(product_needs_platform(), "schedule_violation", MID_Q4_27)
    assert c.suggestions[0] == (
        "Move PROD-1 to 2027 Q4 (the first period that has not ended; "
        "the dependencies it needs by its start end before it)"
    )
    [move] = c.actions
    assert (move.item_key, move.start_name, move.end_name) == ("PROD-1", "2027 Q4", "2027 Q4")


def test_the_needed_by_move_skips_the_periods_that_have_ended():
    c = only(product_needs_platform(needed_by=Q1_27), "schedule_violation", MID_Q4_27)
    assert c.suggestions[0] == (
        "Move the needed-by period of PROD-1 for PLAT-1 to 2027 Q4 "
        "(the first period that has not ended; PLAT-1 ends before it)"
    )


def test_when_every_period_has_ended_the_move_says_so():
    b = product_needs_platform()
    b.periods = b.periods[:4]
    c = only(b, "schedule_violation", datetime(2028, 2, 1))
    assert c.suggestions == [
        "Move PROD-1 beyond the last planned period: every period of the plan has ended"
    ]
    assert c.actions == []


def test_the_move_out_of_an_over_full_period_names_an_open_one():
    b = PlanBuilder()
    b.team("plat", capacity=10, name="Platform")
    b.item("PLAT-1", "plat", priority=0, start=Q2_27, estimate=8, status="in_progress")
    b.item("PLAT-2", "plat", priority=3, start=Q2_27, estimate=6)
    c = only(b, "over_capacity", MID_Q4_27)
    assert c.suggestions[0] == (
        "Move PLAT-2 (P3) out of 2027 Q2 to free 6 person-weeks; 2027 Q4 has 10 person-weeks free"
    )


def test_a_dependency_with_its_own_needed_by_period_does_not_hold_back_the_start():
    b = PlanBuilder()
    b.team("plat", capacity=40, name="Platform")
    b.item("PLAT-A", "plat", priority=0, start=Q1_27)
    b.item("PLAT-B", "plat", priority=0, start=Q3_27)
    b.item("PROD-1", "prod", priority=0, start=Q1_27)
    b.need("PROD-1", "PLAT-A")
    b.need("PROD-1", "PLAT-B", needed_by=Q4_27)
    c = only(b, "same_period_risk")
    assert c.suggestions[0] == (
        "Move PROD-1 to 2027 Q2 (the first period after the dependencies it needs by its start end)"
    )
    move = next(a for a in c.actions if a.item_key == "PROD-1")
    assert (move.start_name, move.end_name) == ("2027 Q2", "2027 Q2")


def ended_names(snapshot, now):
    return {p.name for p in snapshot.periods if p.end < now.date()}


def test_on_a_wide_plan_late_in_its_life_nothing_is_suggested_into_the_past():
    snapshot = make_random_plan(3000, seed=11)
    now = datetime(2028, 11, 15)
    ended = ended_names(snapshot, now)
    first_open = min(p for p, period in enumerate(snapshot.periods) if period.end >= now.date())
    checked = 0
    for c in analyze(snapshot, now).conflicts:
        if c.type not in DEPENDENCY_TYPES:
            continue
        checked += 1
        assert not [name for name in ended for s in c.suggestions if name in s], c.suggestions
        assert all(a.start >= first_open for a in c.actions if a.kind == "move")
    assert checked > 100

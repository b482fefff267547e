"""Auto-scheduling: the constraints, the objectives, the reasons and the
explanations, with both solvers (tests/unit/test_autoschedule_solvers.py holds
the properties over generated plans and the solvers against each other)."""

import dataclasses
import subprocess
import sys
from datetime import datetime

import pytest
from alignment_plans import NOW, PlanBuilder
from autoschedule_plans import LATER

from app.alignment import PlanDelta, PlanSnapshot, analyze
from app.alignment.autoschedule import (
    PINS,
    Problem,
    SerialScheduler,
    autoschedule,
    exact_solver,
    unavoidable,
)

SOLVERS = {"heuristic": SerialScheduler, "exact": lambda: exact_solver(5.0)}


@pytest.fixture(params=sorted(SOLVERS))
def solver(request):
    return SOLVERS[request.param]()


def schedule(builder, solver, now=NOW, **options):
    return autoschedule(analyze(builder.build(), now), solver=solver, **options)


def moves(result):
    return {m.key: (m.to_start, m.to_end) for m in result.moves}


def test_an_empty_plan_gets_an_empty_schedule(solver):
    result = schedule(PlanBuilder(), solver)
    assert result.moves == () and result.broken == () and result.why == ()
    assert result.feasible and result.weighted_lateness == 0 and result.same_period == 0
    assert result.solver == solver.name


def test_a_plan_without_periods_gets_an_empty_schedule(solver):
    result = autoschedule(analyze(PlanSnapshot((), (), (), ()), NOW), solver=solver)
    assert result.moves == () and result.feasible


def test_once_every_period_has_ended_nothing_moves_and_each_item_is_listed(solver):
    b = PlanBuilder(periods=2)
    b.team("pay", capacity=10)
    b.item("PAY-1", "pay", start=1, estimate=4)
    b.item("PAY-2", "pay", start=0, estimate=4, status="in_progress")
    result = schedule(b, solver, now=datetime(2027, 7, 1))
    assert result.moves == () and not result.feasible
    assert [(x.kind, x.text) for x in result.broken] == [
        ("horizon", "PAY-1 stays in 2027 Q2: every period of the plan has ended")
    ]


def test_a_plan_that_meets_everything_is_left_as_it_is(solver):
    b = PlanBuilder(periods=4)
    b.team("pay", capacity=10, name="Payments")
    b.team("chk", kind="product", capacity=10, name="Checkout")
    b.item("PAY-1", "pay", start=0, estimate=8)
    b.item("PAY-2", "pay", start=1, end=2, estimate=6)
    b.item("CHK-1", "chk", start=1, estimate=4)
    b.item("CHK-2", "chk", start=3, estimate=4)
    b.need("CHK-1", "PAY-1")
    b.need("CHK-2", "PAY-2")
    result = schedule(b, solver)
    assert result.moves == () and result.feasible and result.broken == ()


def test_a_late_dependency_is_pulled_in_rather_than_the_dependent_pushed_out(solver):
    b = PlanBuilder(periods=4)
    b.team("pay", capacity=10, name="Payments")
    b.team("chk", kind="product", capacity=10, name="Checkout")
    b.item("PAY-1", "pay", priority=2, start=2, estimate=5)
    b.item("CHK-1", "chk", priority=0, start=1, estimate=4)
    b.need("CHK-1", "PAY-1")
    result = schedule(b, solver)
    assert moves(result) == {"PAY-1": (0, 0)}
    assert result.feasible and result.weighted_lateness == 0 and result.same_period == 0
    (move,) = result.moves
    assert (move.start, move.end, move.item_id) == (2, 2, b.items["PAY-1"].id)
    assert move.reason == ("Moved to 2027 Q1: CHK-1 needs PAY-1 by 2027 Q2 (CHK-1's start)")


def test_a_same_period_risk_is_removed(solver):
    b = PlanBuilder(periods=4)
    b.team("pay", capacity=10, overrides={0: 0})
    b.item("PAY-1", "pay", start=1, estimate=5)
    b.item("CHK-1", "chk", priority=0, start=1, estimate=4)
    b.need("CHK-1", "PAY-1")
    result = schedule(b, solver)
    # PAY-1 cannot be earlier (no room in 2027 Q1): CHK-1 starts after it instead
    assert moves(result) == {"CHK-1": (2, 2)}
    assert result.same_period == 0 and result.weighted_lateness == 8
    assert result.moves[0].reason == (
        "Moved to 2027 Q3: CHK-1 needs PAY-1 by its start, and PAY-1 ends in 2027 Q2, "
        "the period CHK-1 started in (a same-period risk)"
    )


def test_capacity_decides_by_effective_priority(solver):
    """PAY-1 is P3 but a P0 item needs it (by a period far off, so nothing is
    pushed): it keeps its place and the P1 item, worth less, moves."""
    b = PlanBuilder(periods=4)
    b.team("pay", capacity=8, name="Payments")
    b.item("PAY-1", "pay", priority=3, start=0, estimate=8)
    b.item("PAY-2", "pay", priority=1, start=0, estimate=8)
    b.item("CHK-1", "chk", priority=0, start=3, estimate=1)
    b.need("CHK-1", "PAY-1", needed_by=3)
    result = schedule(b, solver)
    assert moves(result) == {"PAY-2": (1, 1)}
    assert result.weighted_lateness == 4
    assert result.moves[0].reason == (
        "Moved to 2027 Q2: Payments has no room for its 8 person-weeks in 2027 Q1: "
        "8 of 8 are taken by PAY-1 (P0)"
    )


def test_each_item_keeps_its_span_length(solver):
    b = PlanBuilder(periods=6)
    b.team("pay", capacity=10)
    b.item("PAY-1", "pay", start=3, end=5, estimate=9)
    b.item("CHK-1", "chk", priority=0, start=3, estimate=1)
    b.need("CHK-1", "PAY-1")
    result = schedule(b, solver)
    assert moves(result) == {"PAY-1": (0, 2)}
    assert result.moves[0].reason == (
        "Moved to 2027 Q1–Q3: CHK-1 needs PAY-1 by 2027 Q4 (CHK-1's start)"
    )


def test_pinned_items_never_move(solver):
    b = PlanBuilder(periods=4)
    b.team("pay", capacity=10)
    b.item("PAY-1", "pay", start=1, estimate=5, status="in_progress")
    b.item("PAY-2", "pay", start=1, estimate=5, status="committed")
    b.item("CHK-1", "chk", priority=0, start=1, estimate=4, status="committed")
    b.need("CHK-1", "PAY-1")
    b.need("CHK-1", "PAY-2")
    # work in progress pinned: CHK-1 goes after PAY-1 (and so after PAY-2 too)
    assert moves(schedule(b, solver)) == {"CHK-1": (2, 2)}
    # committed work pinned too: nothing may move, the risks stay
    pinned = schedule(b, solver, pin="committed")
    assert pinned.moves == () and pinned.same_period == 2 and pinned.feasible
    # nothing pinned: the work in progress may move as well, and both moves cost
    # no lateness where moving CHK-1 did
    free = schedule(b, solver, pin="none")
    assert moves(free) == {"PAY-1": (0, 0), "PAY-2": (0, 0)}
    assert free.same_period == 0 and free.weighted_lateness == 0


def test_nothing_starts_in_a_period_that_has_ended(solver):
    b = PlanBuilder(periods=4)
    b.team("pay", capacity=10)
    b.item("PAY-1", "pay", start=0, estimate=5, status="committed")
    b.item("PAY-2", "pay", start=0, estimate=5, status="in_progress")
    result = schedule(b, solver, now=LATER)
    assert moves(result) == {"PAY-1": (1, 1)}
    assert result.moves[0].reason == "Moved to 2027 Q2: it started in 2027 Q1, which has ended"
    assert result.feasible


def test_nothing_goes_past_the_horizon(solver):
    b = PlanBuilder(periods=6)
    b.team("pay", capacity=10)
    b.item("PAY-1", "pay", start=4, end=5, estimate=4)
    b.item("PAY-2", "pay", start=1, estimate=4)
    result = schedule(b, solver, horizon=3)
    assert moves(result) == {"PAY-1": (2, 3)}
    assert result.moves[0].reason == (
        "Moved to 2027 Q3–Q4: in 2028 Q1–Q2 it ended after the horizon, 2027 Q4"
    )


def test_work_that_is_not_placed_counts_as_fixed():
    """Done and unestimated work stays where it is; its demand takes room."""
    b = PlanBuilder(periods=3)
    b.team("pay", capacity=10, name="Payments")
    b.item("PAY-1", "pay", start=0, estimate=8, status="done")
    b.item("PAY-2", "pay", start=1, estimate=None)
    b.item("PAY-3", "pay", start=0, estimate=5)
    b.item("CHK-1", "chk", start=1, estimate=1)
    b.need("CHK-1", "PAY-2")
    problem = Problem(analyze(b.build(), NOW))
    assert problem.keys == ["CHK-1", "PAY-3"]
    pay = next(t for t, name in enumerate(problem.team_names) if name == "Payments")
    assert problem.fixed[pay * 3] == 8.0 and problem.fixed[pay * 3 + 1] == 0.0
    # CHK-1 needs the unestimated PAY-2, which ends in 2027 Q2: a constant end
    assert (problem.e_b, problem.e_end) == ([-1], [1])
    result = autoschedule(analyze(b.build(), NOW))
    assert moves(result) == {"PAY-3": (1, 1), "CHK-1": (2, 2)}
    assert result.solver == "exact" and result.feasible


def test_a_short_team_is_named_with_its_periods_and_person_weeks(solver):
    b = PlanBuilder(periods=2)
    b.team("pay", capacity=10, name="Payments")
    b.item("PAY-1", "pay", priority=0, start=0, estimate=8)
    b.item("PAY-2", "pay", priority=1, start=0, estimate=8)
    b.item("PAY-3", "pay", priority=3, start=1, estimate=8)
    result = schedule(b, solver)
    assert not result.feasible
    # one period is 6 over whatever moves: none does
    assert result.moves == ()
    assert [(x.kind, x.text) for x in result.broken] == [
        (
            "capacity",
            "Payments has 16 person-weeks of work in 2027 Q1 against a capacity of 10, 6 over",
        )
    ]
    assert result.why == (
        "Payments is short in 2027 Q1 by 6 person-weeks (16 of work, capacity 10)",
    )


def test_an_item_that_cannot_fit_by_the_horizon_is_listed(solver):
    """Three items of 8 person-weeks cannot all end by 2027 Q2 in a team of 10:
    one goes past the horizon rather than 6 person-weeks over capacity."""
    b = PlanBuilder(periods=4)
    b.team("pay", capacity=10, name="Payments")
    b.item("PAY-1", "pay", priority=0, start=0, estimate=8)
    b.item("PAY-2", "pay", priority=1, start=0, estimate=8)
    b.item("PAY-3", "pay", priority=3, start=1, estimate=8)
    result = schedule(b, solver, horizon=1)
    assert moves(result) == {"PAY-2": (1, 1), "PAY-3": (2, 2)}
    assert [(x.kind, x.text) for x in result.broken] == [
        ("horizon", "PAY-3 ends in 2027 Q3, after the horizon, 2027 Q2")
    ]
    assert result.why == (
        "PAY-3 cannot end by the horizon, 2027 Q2: Payments has only 2 in 2027 Q1 and 2 in "
        "2027 Q2 person-weeks free with the rest of its work placed, and PAY-3 needs 8 in "
        "each of its 1 period",
    )


def test_pinned_items_that_make_a_dependency_impossible_are_named(solver):
    b = PlanBuilder(periods=4)
    b.team("pay", capacity=10)
    b.item("PAY-1", "pay", start=1, estimate=4, status="in_progress")
    b.item("CHK-1", "chk", start=0, estimate=4, status="in_progress")
    b.item("PAY-2", "pay", start=2, end=3, estimate=4)
    b.item("CHK-2", "chk", start=1, estimate=4, status="in_progress")
    b.need("CHK-1", "PAY-1")
    b.need("CHK-2", "PAY-2")
    result = schedule(b, solver)
    assert not result.feasible
    assert [(x.kind, x.text) for x in result.broken] == [
        ("schedule_violation", "CHK-1 needs PAY-1 by 2027 Q1, but PAY-1 ends in 2027 Q2")
    ]
    assert result.why == (
        "CHK-1 needs PAY-1 by 2027 Q1 at the latest (CHK-1 is pinned (in progress) and "
        "starts in 2027 Q1), but PAY-1 cannot end before 2027 Q2 (PAY-1 is pinned "
        "(in progress) and ends in 2027 Q2)",
    )
    # PAY-2 (two periods) can just end by CHK-2's start
    assert moves(result) == {"PAY-2": (0, 1)} and result.same_period == 1
    ids = {key: item.id for key, item in b.items.items()}
    problem = Problem(analyze(b.build(), NOW))
    assert unavoidable(problem) == {(ids["CHK-1"], ids["PAY-1"])}


def test_a_chain_to_a_pin_is_named_when_it_makes_a_dependency_impossible(solver):
    b = PlanBuilder(periods=4)
    b.team("pay", capacity=10)
    b.item("PAY-1", "pay", start=0, end=1, estimate=4, status="in_progress")
    b.item("PAY-2", "pay", start=2, estimate=4)
    b.item("CHK-1", "chk", start=3, estimate=4)
    b.need("PAY-2", "PAY-1")
    b.need("CHK-1", "PAY-2", needed_by=0)
    result = schedule(b, solver)
    assert result.why == (
        "CHK-1 needs PAY-2 by 2027 Q1 at the latest (its needed-by period), but PAY-2 "
        "cannot end before 2027 Q2 (it comes after PAY-1; PAY-1 is pinned (in progress) "
        "and ends in 2027 Q2)",
    )


def test_an_item_too_long_for_the_open_periods_stays_and_is_listed():
    b = PlanBuilder(periods=3)
    b.team("pay", capacity=10)
    b.item("PAY-1", "pay", start=0, end=2, estimate=6)
    result = autoschedule(analyze(b.build(), LATER))
    assert result.moves == () and not result.feasible
    assert [(x.kind, x.text) for x in result.broken] == [
        (
            "horizon",
            "PAY-1 stays in 2027 Q1–Q3: its 3 periods do not fit between 2027 Q2, the first "
            "period that has not ended, and 2027 Q3, the last period of the plan",
        )
    ]


def test_pin_and_horizon_are_checked():
    analysis = analyze(PlanBuilder(periods=3).build(), NOW)
    with pytest.raises(ValueError, match="pin must be one of"):
        autoschedule(analysis, pin="everything")
    with pytest.raises(ValueError, match="horizon"):
        autoschedule(analysis, horizon=3)
    assert PINS == ("in_progress", "committed", "none")


def test_the_default_solver_is_exact_for_small_plans_and_the_heuristic_beyond():
    b = PlanBuilder(periods=3)
    b.team("pay", capacity=1000)
    for n in range(41):
        b.item(f"PAY-{n}", "pay", start=n % 3, estimate=1)
    assert autoschedule(analyze(b.build(), NOW)).solver == "heuristic"
    del b.items["PAY-40"]
    assert autoschedule(analyze(b.build(), NOW)).solver == "exact"


def test_progress_is_reported_up_to_the_total(solver):
    b = PlanBuilder(periods=3)
    b.team("pay", capacity=4)
    for n in range(6):
        b.item(f"PAY-{n}", "pay", start=0, estimate=2)
    calls = []
    schedule(b, solver, progress=lambda done, total: calls.append((done, total)))
    assert calls and calls[-1][0] == calls[-1][1]
    assert all(0 <= done <= total for done, total in calls)


def test_the_exact_solver_gives_the_same_schedule_each_time():
    b = PlanBuilder(periods=4)
    b.team("pay", capacity=6)
    for n in range(8):
        b.item(f"PAY-{n}", "pay", priority=n % 4, start=n % 2, estimate=3)
    first = schedule(b, exact_solver())
    assert all(schedule(b, exact_solver()) == first for _ in range(3))


def test_the_package_imports_neither_flask_nor_sqlalchemy_nor_ortools():
    code = (
        "import sys, app.alignment; before = set(sys.modules); "
        "import app.alignment.autoschedule; "
        "print(sorted({m.split('.')[0] for m in set(sys.modules) - before} "
        "& {'flask', 'sqlalchemy', 'ortools'}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_an_analysis_brought_up_to_date_schedules_as_a_full_one():
    b = PlanBuilder(periods=4)
    b.team("pay", capacity=8, name="Payments")
    b.item("PAY-1", "pay", start=1, estimate=5)
    b.item("PAY-2", "pay", start=1, estimate=5)
    b.item("CHK-1", "chk", priority=0, start=2, estimate=4)
    b.need("CHK-1", "PAY-1")
    live = analyze(b.build(), NOW)
    moved = dataclasses.replace(b.items["CHK-1"], start=1, end=1)
    updated = live.updated(PlanDelta(items=(moved,)))
    full = analyze(updated.snapshot, NOW)
    assert autoschedule(updated) == autoschedule(full)
    assert autoschedule(updated).moves

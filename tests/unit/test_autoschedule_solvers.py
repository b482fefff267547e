"""Properties of both solvers over generated plans, checked against a fresh
analysis of the plan with the moves made, and the heuristic against the exact
optimum."""

import dataclasses
import statistics

from alignment_plans import NOW
from autoschedule_plans import feasible_plans, plans
from hypothesis import given, settings
from hypothesis import strategies as st

from app.alignment import analyze
from app.alignment.autoschedule import (
    PINS,
    Problem,
    SerialScheduler,
    autoschedule,
    exact_solver,
)
from app.alignment.autoschedule.outcome import evaluate
from bench.autoschedule import random_plan

many = settings(max_examples=150, deadline=None, database=None, derandomize=True)
# CP-SAT takes some milliseconds a plan: fewer examples
some = settings(max_examples=40, deadline=None, database=None, derandomize=True)
PINNED = {"in_progress": {"in_progress"}, "committed": {"in_progress", "committed"}, "none": set()}


def moved(snapshot, result):
    """The snapshot with the schedule's moves made."""
    to = {m.item_id: m for m in result.moves}
    items = tuple(
        dataclasses.replace(i, start=to[i.id].to_start, end=to[i.id].to_end) if i.id in to else i
        for i in snapshot.items
    )
    return dataclasses.replace(snapshot, items=items)


def check(snapshot, now, solver, pin, horizon_back):
    analysis = analyze(snapshot, now)
    last = len(snapshot.periods) - 1
    horizon = max(0, last - horizon_back)
    result = autoschedule(analysis, pin=pin, horizon=horizon, solver=solver)
    first = analysis.first_open_period
    items = {i.id: i for i in snapshot.items}
    past = {b.text.split(" ", 1)[0] for b in result.broken if b.kind == "horizon"}
    for m in result.moves:
        item = items[m.item_id]
        assert item.status not in PINNED[pin], "a pinned item moved"
        assert (m.start, m.end) == (item.start, item.end) and m.key == item.key
        assert m.to_end - m.to_start == m.end - m.start
        assert first is not None and m.to_start >= first, "moved into an ended period"
        assert m.to_end <= horizon or m.key in past, "past the horizon, unlisted"
        assert m.reason.startswith("Moved to ")
    assert [m.key for m in result.moves] == sorted(m.key for m in result.moves)
    assert result.feasible == (not result.broken) and bool(result.why) == (not result.feasible)

    # The schedule's account agrees with the analysis of the plan with its moves made.
    after = analyze(moved(snapshot, result), now)
    placed = set(Problem(analysis, pin, horizon).ids)

    def touching(kind):
        return [c for c in after.select(type=kind) if placed & set(c.item_ids)]

    broken = [b.kind for b in result.broken]
    assert len(touching("schedule_violation")) == broken.count("schedule_violation")
    assert len(touching("same_period_risk")) == result.same_period
    open_over = [
        c
        for c in after.select(type="over_capacity")
        if first is not None and c.period_index >= first
    ]
    assert len(open_over) == broken.count("capacity")
    return result


@many
@given(plans(), st.sampled_from(PINS), st.integers(0, 2))
def test_the_heuristic_keeps_the_rules_on_any_plan(plan, pin, horizon_back):
    snapshot, now = plan
    check(snapshot, now, SerialScheduler(), pin, horizon_back)


@some
@given(plans(), st.sampled_from(PINS), st.integers(0, 2))
def test_the_exact_solver_keeps_the_rules_on_any_plan(plan, pin, horizon_back):
    snapshot, now = plan
    check(snapshot, now, exact_solver(5.0), pin, horizon_back)


@many
@given(feasible_plans(scrambled=False))
def test_a_plan_that_meets_everything_is_left_alone_by_the_heuristic(snapshot):
    result = autoschedule(analyze(snapshot, NOW), solver=SerialScheduler())
    assert result.moves == () and result.feasible


@some
@given(feasible_plans(scrambled=False))
def test_a_plan_that_meets_everything_is_left_alone_by_the_exact_solver(snapshot):
    result = autoschedule(analyze(snapshot, NOW), solver=exact_solver(5.0))
    assert result.moves == () and result.feasible


@many
@given(feasible_plans())
def test_the_heuristic_breaks_nothing_on_a_plan_built_to_be_feasible(snapshot):
    result = check(snapshot, NOW, SerialScheduler(), "in_progress", 0)
    assert result.feasible, result.broken


@some
@given(feasible_plans())
def test_the_exact_solver_breaks_nothing_on_a_plan_built_to_be_feasible(snapshot):
    result = check(snapshot, NOW, exact_solver(5.0), "in_progress", 0)
    assert result.feasible, result.broken


def test_the_heuristic_comes_close_to_the_exact_optimum():
    """On random 30-item plans (bench/autoschedule.py measures 50 of them): the
    heuristic's weighted lateness is within 10% of the optimum on average, it
    meets every constraint whenever the exact solver does, and it never breaks
    more of them."""
    ratios = []
    for seed in range(12):
        problem = Problem(analyze(random_plan(seed), NOW))
        fast = evaluate(problem, SerialScheduler().solve(problem))
        best = evaluate(problem, exact_solver(10.0).solve(problem))
        assert best.score <= fast.score, "the exact solver lost to the heuristic"
        assert fast.broken <= best.broken
        if not best.broken:
            assert not fast.broken
        ratios.append(fast.lateness / best.lateness if best.lateness else 1.0)
    assert statistics.fmean(ratios) <= 1.10

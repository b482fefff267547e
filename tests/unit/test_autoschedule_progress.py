"""The heuristic's progress over the whole solve: ``total`` fixed at the start,
``done`` going only forward, through the re-placement rounds and the pairs as
well as the serial passes, reaching ``total`` once, in the last of a bounded
number of calls."""

import pytest
from alignment_plans import NOW
from autoschedule_plans import plans
from hypothesis import given, settings
from hypothesis import strategies as st

from app.alignment import analyze
from app.alignment.autoschedule import PINS, Problem, SerialScheduler, heuristic
from bench.autoschedule import feasible_plan, random_plan


def honest(calls):
    """The calls as the scheduler must make them, whatever the plan."""
    assert calls, "no progress reported"
    totals = {total for _done, total in calls}
    assert len(totals) == 1, "the total changed"
    (total,) = totals
    dones = [done for done, _total in calls]
    assert dones[-1] == total and dones.count(total) == 1, "total reached other than at the end"
    assert all(a < b for a, b in zip(dones, dones[1:], strict=False)), "done went back"
    assert dones[0] >= 0
    assert len(calls) <= heuristic.CALLS + 1
    return total


@pytest.mark.parametrize(
    "snapshot",
    [random_plan(3, n_items=5000, n_periods=12), feasible_plan(5000, seed=2)],
    ids=["random", "feasible"],
)
def test_progress_is_monotone_bounded_and_reported_through_the_later_rounds(snapshot, monkeypatch):
    problem = Problem(analyze(snapshot, NOW))
    assert len(problem.movable) > heuristic.SMALL
    plain = SerialScheduler().solve(problem)

    # which pass is running when each call comes
    calls, passes, running = [], [], ["setup"]
    for name in ("_serial", "_replace", "_pairs"):
        method = getattr(heuristic._Serial, name)

        def tracked(self, *args, _method=method, _name=name):
            running.append(_name)
            try:
                return _method(self, *args)
            finally:
                running.pop()

        monkeypatch.setattr(heuristic._Serial, name, tracked)

    def progress(done, total):
        calls.append((done, total))
        passes.append(running[-1])

    assert SerialScheduler().solve(problem, progress) == plain, "progress changed the placement"
    honest(calls)
    # a call on about every hundredth of the total, in the rounds as in the serial passes
    assert len(calls) >= heuristic.CALLS // 2
    assert {"_serial", "_replace"} <= set(passes)
    assert passes.count("_replace") >= heuristic.CALLS // 5


@settings(max_examples=120, deadline=None, database=None, derandomize=True)
@given(plans(max_items=12), st.sampled_from(PINS))
def test_progress_is_honest_on_any_small_plan(plan, pin):
    snapshot, now = plan
    problem = Problem(analyze(snapshot, now), pin)
    calls = []
    found = SerialScheduler().solve(problem, lambda done, total: calls.append((done, total)))
    honest(calls)
    assert found == SerialScheduler().solve(problem)


def test_an_empty_plan_reports_once_at_its_end():
    calls = []
    problem = Problem(analyze(random_plan(0, n_items=0), NOW))
    SerialScheduler().solve(problem, lambda done, total: calls.append((done, total)))
    assert calls == [(0, 0)]

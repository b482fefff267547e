"""``autoschedule``: a placement of the plan's movable items, the constraints it
breaks, and each move with the reason that decided it, in a planner's words."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from .heuristic import SerialScheduler
from .outcome import evaluate
from .problem import Problem

if TYPE_CHECKING:
    from ..analysis import Analysis

from .results import Schedule
from .windows import Windows
from .words import Words

# The default solver is exact up to this many movable items, the heuristic beyond.
EXACT_LIMIT = 40


class Solver(Protocol):
    """Places a problem's movable items: a start for every item (fixed ones at
    their own), calling ``progress(done, total)`` now and then when given."""

    name: str

    def solve(
        self, problem: Problem, progress: Callable[[int, int], None] | None = None
    ) -> list[int]: ...


def default_solver(problem: Problem) -> Solver:
    if len(problem.movable) <= EXACT_LIMIT:
        from .exact import CpSatSolver

        return CpSatSolver()
    return SerialScheduler()


def autoschedule(
    analysis: Analysis,
    *,
    pin: str = "in_progress",
    horizon: int | None = None,
    solver: Solver | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Schedule:
    """Place every active, estimated, scheduled item of the analysed plan (see the
    package docstring for the constraints and the order of the objectives)."""
    problem = Problem(analysis, pin, horizon)
    chosen = solver or default_solver(problem)
    starts = chosen.solve(problem, progress)
    outcome = evaluate(problem, starts)
    words = Words(problem, outcome)
    return Schedule(
        moves=tuple(words.move(k) for k in outcome.moved),
        feasible=not outcome.broken,
        broken=tuple(words.broken()),
        why=tuple(words.why()) if outcome.broken else (),
        weighted_lateness=outcome.lateness,
        same_period=len(outcome.same_period),
        solver=chosen.name,
    )


def unavoidable(problem: Problem) -> set[tuple[int, int]]:
    """``{(dependent id, dependency id)}``: the dependencies on a chain that no
    placement can meet whole, whatever the capacity: from a pinned item, the
    first period that has not ended or the plan's end to a pinned item, an
    explicit needed-by period or the horizon, through dependencies needed by
    their dependent's start. A placement breaks at least one dependency of each
    such chain; which one is the solver's choice."""
    windows = Windows(problem)
    ids = problem.ix.ids
    return {
        (ids[problem.e_src[e]], ids[problem.e_dst[e]])
        for e in range(len(problem.e_d))
        if windows.earliest_end(e)[0] > windows.latest_need(e)[0]
    }

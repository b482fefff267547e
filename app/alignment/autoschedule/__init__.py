"""Auto-scheduling: place every active, estimated, scheduled item of a plan into
periods, keeping each item's span length, so that

1. no dependency ends after its needed-by period (its explicit one, else the
   dependent's start: no ``schedule_violation``), and as few as possible end in
   it (``same_period_risk``);
2. no team's demand exceeds its capacity in any period that has not ended;
3. pinned items keep their periods, nothing starts in a period that has ended,
   and nothing ends after the horizon (default: the plan's last period);
4. among those, the priority-weighted lateness is smallest: each item's end
   past its current end, weighted 8/4/2/1 by its effective priority; then the
   fewest items move (then the shortest distance, so that a move goes to the
   nearest good place).

The objectives are lexicographic, in this order: first the number of broken
constraints of 1-3 (each dependency, each team and period, each item past the
horizon counts one; zero when the plan can meet them all), then the
person-weeks over capacity (so that, when some team must go over, the
placement does not pile more onto it than it must), then the number of
same-period risks, then the weighted lateness, then the moves. So a
same-period risk is removed even at the cost of lateness, as list item 1 asks,
and lateness is traded only for fewer moves among placements equally good
before it. Pinned items are fixed: they never move, and a pin that makes a
dependency impossible breaks the dependency, never the pin.

Only the active, estimated, scheduled items are placed; the rest (done,
cancelled, unestimated, in the backlog) stay where they are, their demand part
of each cell's fixed demand and their periods constants in the dependencies.

``problem`` turns an ``Analysis`` into dense lists, ``exact`` solves it with
OR-Tools CP-SAT (imported only there, when used), ``heuristic`` with a
priority-rule serial schedule, ``outcome`` judges a placement, ``windows`` finds
what the dependencies and pins alone allow each item, ``words`` puts a placement
in a planner's words and ``schedule`` ties them together into a ``Schedule``
(``results``). Plain Python: no Flask, no SQLAlchemy.
"""

from .heuristic import SerialScheduler
from .problem import PINS, WEIGHTS, Problem
from .results import Broken, Move, Schedule
from .schedule import EXACT_LIMIT, Solver, autoschedule, default_solver, unavoidable


def exact_solver(time_limit: float = 10.0, seed: int = 0) -> Solver:
    """The CP-SAT solver (``exact.CpSatSolver``), without importing OR-Tools yet."""
    from .exact import CpSatSolver

    return CpSatSolver(time_limit, seed)


__all__ = [
    "EXACT_LIMIT",
    "PINS",
    "WEIGHTS",
    "Broken",
    "Move",
    "Problem",
    "Schedule",
    "SerialScheduler",
    "Solver",
    "autoschedule",
    "default_solver",
    "exact_solver",
    "unavoidable",
]

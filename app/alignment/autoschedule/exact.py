"""The exact solver: OR-Tools CP-SAT over the start of every movable item.

Each movable item has one boolean per start it may take (first open period to
the last start on the plan), exactly one of them true, so that its end, its
lateness, whether and how far it moves and the cells it takes are all linear in
them. The constraints 1-3 are soft (a boolean per dependency edge and per
capacity cell, with the thousandths of a person-week the cell is over; the
horizon per item) so that a plan with no placement meeting them still gets the
one breaking the fewest. The objectives are solved in turn,
each held at its optimum for the next (see the package docstring for their
order), with the heuristic's placement as a hint. One worker and a fixed seed
make the result the same run after run, unless the time limit stops a stage.

OR-Tools is imported when a problem is solved, never at import time.
"""

from __future__ import annotations

from collections.abc import Callable
from math import floor

from .heuristic import SerialScheduler
from .problem import Problem

# Person-weeks are whole thousandths in the model; outcome.evaluate checks in floats.
SCALE = 1000


class CpSatSolver:
    """``Solver`` by CP-SAT: optimal within ``time_limit`` seconds in all."""

    name = "exact"

    def __init__(self, time_limit: float = 10.0, seed: int = 0) -> None:
        self.time_limit = time_limit
        self.seed = seed

    def solve(
        self, problem: Problem, progress: Callable[[int, int], None] | None = None
    ) -> list[int]:
        from ortools.sat.python import cp_model

        hint = SerialScheduler().solve(problem)
        model = cp_model.CpModel()
        choice = _starts(model, problem)
        objectives = _objectives(model, problem, choice)
        for k, options in choice.items():
            for v, var in options.items():
                model.add_hint(var, v == hint[k])
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = self.seed
        starts = list(problem.start)
        found = False
        for stage, objective in enumerate(objectives):
            solver.parameters.max_time_in_seconds = self.time_limit / len(objectives)
            model.minimize(objective)
            status = solver.solve(model)
            if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                break
            found = True
            best = round(solver.objective_value)
            for k, options in choice.items():
                starts[k] = next(v for v, var in options.items() if solver.boolean_value(var))
            model.add(objective <= best)
            model.clear_hints()
            for k, options in choice.items():
                for v, var in options.items():
                    model.add_hint(var, v == starts[k])
            if progress is not None:
                progress(stage + 1, len(objectives))
        return starts if found else hint


def _starts(model, problem: Problem) -> dict[int, dict[int, object]]:
    choice = {}
    for k in problem.movable:
        options = {
            v: model.new_bool_var(f"s{k}_{v}") for v in range(problem.lo[k], problem.top[k] + 1)
        }
        model.add_exactly_one(options.values())
        choice[k] = options
    return choice


def _objectives(model, problem: Problem, choice: dict[int, dict[int, object]]) -> list:
    """``[broken, person-weeks over, same-period risks, weighted lateness, moves
    then distance]``."""
    broken, same = [], []
    length = problem.length

    def end_terms(k: int) -> list:
        return [(v + length[k] - 1, var) for v, var in choice[k].items()]

    for e in range(len(problem.e_d)):
        d, b, need = problem.e_d[e], problem.e_b[e], problem.e_need[e]
        d_var = need < 0 and d in choice
        b_var = b in choice
        if not (d_var or b_var):
            continue
        if need < 0 and not d_var:
            need = problem.e_start[e] if d < 0 else problem.start[d]
        if not d_var:
            # a constant needed-by period: the dependency's options say it all
            for finish, var in end_terms(b):
                if finish > need:
                    broken.append(var)
                elif finish == need:
                    same.append(var)
            continue
        start = sum(v * var for v, var in choice[d].items())
        if b_var:
            finish = sum(f * var for f, var in end_terms(b))
        else:
            finish = problem.e_end[e] if b < 0 else problem.start[b] + length[b] - 1
        late = model.new_bool_var(f"late{e}")
        risk = model.new_bool_var(f"same{e}")
        model.add(finish <= start).only_enforce_if(~late)
        model.add(finish <= start - 1).only_enforce_if([~risk, ~late])
        broken.append(late)
        same.append(risk)

    for k, options in choice.items():
        broken.extend(var for v, var in options.items() if v > problem.hi[k])
    over, excess = _capacity(model, problem, choice)
    broken.extend(over)

    lateness, moves, distance = [], [], []
    for k, options in choice.items():
        current, weight = problem.start[k], problem.weight[k]
        for v, var in options.items():
            if v > current:
                lateness.append(weight * (v - current) * var)
            if v != current:
                moves.append(var)
                distance.append(abs(v - current) * var)
    reach = 1 + sum(
        max(abs(v - problem.start[k]) for v in options) for k, options in choice.items()
    )
    moving = reach * sum(moves) + sum(distance)
    return [sum(broken), sum(excess), sum(same), sum(lateness), moving]


def _capacity(model, problem: Problem, choice: dict[int, dict[int, object]]) -> tuple[list, list]:
    """Per cell that the movable items could take over capacity: a boolean, true
    when it is over (none where the work that stays put takes it over already:
    that cell is broken whatever the placement), and the thousandths of a
    person-week it is over by."""
    n_periods = problem.n_periods
    by_team: dict[int, list[int]] = {}
    for k in choice:
        if problem.share[k] > 0:
            by_team.setdefault(problem.team[k], []).append(k)
    broken, excess = [], []
    for team, items in by_team.items():
        for p in range(problem.first_open, n_periods):
            slot = team * n_periods + p
            cap = problem.cap[slot]
            if cap is None:
                continue
            present = []
            for k in items:
                share = round(problem.share[k] * SCALE)
                present.extend(
                    (share, var) for v, var in choice[k].items() if v <= p < v + problem.length[k]
                )
            if not present:
                continue
            room = floor((cap - problem.fixed[slot]) * SCALE + 1e-6)
            most = sum(share for share, _var in present)
            if most <= room:
                continue
            load = sum(share * var for share, var in present)
            over = model.new_int_var(0, most - min(room, 0), f"excess{slot}")
            model.add(over >= load - room)
            excess.append(over)
            if room >= 0:
                late = model.new_bool_var(f"over{slot}")
                model.add(load <= room).only_enforce_if(~late)
                broken.append(late)
    return broken, excess

"""Auto-scheduling figures:

- autoschedule_s: ``autoschedule`` (the heuristic, as the default picks at this
  size) on the plan of ``flask seed scale`` at each size, the analysis given;
  with what it leaves (broken constraints, schedule violations before and after,
  and how many of those left lie on a chain of dependencies that no placement can
  meet whole, so that one of it must break);
- feasible_autoschedule_s: the same on ``feasible_plan`` (built to have a
  placement that breaks nothing, with a third of its items moved away from it),
  and how many constraints the schedule breaks there (none, when it finds one);
- lateness_ratio: the heuristic's weighted lateness over the exact optimum on
  random 30-item plans (``random_plan``), summed over the plans
  (lateness_ratio_mean: the mean of the per-plan ratios, a plan both solve with
  no lateness counting 1; lateness_ratio_like_for_like: that mean over the plans
  where the heuristic breaks as many constraints, as many person-weeks over
  capacity and leaves as many same-period risks as the optimum, which weighs
  those before lateness), and how often the heuristic broke more constraints
  than the exact solver (heuristic_breaks_more), other ones (heuristic_worse),
  or any where the exact solver met them all;
- autoschedule_progress_*: the progress calls of the last run at each size, the
  longest stretch between two (and how far the bar stood then), and the
  stretches before the first and after the last (outside the solver).

    python -m bench.autoschedule [--sizes 5000,50000] [--plans 50] [--runs 1]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from app.alignment import Analysis, Dependency, Item, Period, PlanSnapshot, Team, analyze
from bench.harness import ROOT, bench_app, flask, median_time

RESULTS = ROOT / "bench" / "results" / "autoschedule.json"
RANDOM_ITEMS = 30
RANDOM_PERIODS = 8
NOW = datetime(2027, 2, 15, 12, 0)


def _quarters(count: int) -> tuple[Period, ...]:
    periods = []
    for n in range(count):
        year, quarter = 2027 + n // 4, n % 4 + 1
        start = date(year, 3 * quarter - 2, 1)
        end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
        periods.append(Period(f"{year} Q{quarter}", start, end - timedelta(days=1)))
    return tuple(periods)


def random_plan(
    seed: int, n_items: int = RANDOM_ITEMS, n_periods: int = RANDOM_PERIODS
) -> PlanSnapshot:
    """A small plan with work to do: three teams whose items crowd the first
    periods, about one dependency per item (some late, some with an explicit
    needed-by period, the dependent's end), some work in progress in the first period (pinned by
    default) and capacity about twice the average demand per period (at least
    the largest share of one item in one period)."""
    rng = random.Random(seed)
    teams = [("pay", "Payments", "platform"), ("id", "Identity", "platform")]
    teams.append(("chk", "Checkout", "product"))
    items, load = [], [0.0] * len(teams)
    for i in range(n_items):
        t = rng.randrange(len(teams))
        length = rng.choices((1, 2, 3), (70, 25, 5))[0]
        start = min(n_periods - length, int(rng.triangular(0, n_periods, 1)))
        estimate = float(rng.choice((1, 2, 3, 5, 8)))
        status = rng.choices(("proposed", "committed", "in_progress"), (40, 45, 15))[0]
        if status == "in_progress":
            # under way in the first period, at most two per team
            if sum(item.status == "in_progress" and item.team_id == t + 1 for item in items) < 2:
                start = 0
            else:
                status = "committed"
        load[t] += estimate
        items.append(
            Item(
                id=i + 1,
                key=f"{teams[t][0].upper()}-{i + 1}",
                team_id=t + 1,
                title=f"Work {i + 1}",
                priority=rng.choices((0, 1, 2, 3), (15, 30, 35, 20))[0],
                start=start,
                end=start + length - 1,
                estimate=estimate,
                status=status,
                health="on_track",
                created_at=NOW - timedelta(days=90),
                last_update_at=NOW - timedelta(days=2),
            )
        )
    largest = [
        max((i.estimate / (i.end - i.start + 1) for i in items if i.team_id == t + 1), default=0)
        for t in range(len(teams))
    ]
    team_rows = tuple(
        Team(
            t + 1,
            slug,
            name,
            kind,
            float(max(largest[t], round(load[t] / n_periods * rng.uniform(1.6, 2.4)))),
        )
        for t, (slug, name, kind) in enumerate(teams)
    )
    dependencies = {}
    for i in range(1, n_items):
        for _ in range(rng.choices((0, 1, 2), (35, 45, 20))[0]):
            j = rng.randrange(max(0, i - 10), i)
            if items[i].status == "in_progress" and items[j].status != "in_progress":
                continue  # work in progress has what it needs by its start
            explicit = rng.random() < 0.15
            needed_by = items[i].end if explicit else None
            dependencies[(i + 1, j + 1)] = Dependency(i + 1, j + 1, needed_by, "committed")
    return PlanSnapshot(_quarters(n_periods), team_rows, tuple(items), tuple(dependencies.values()))


def feasible_plan(
    n_items: int, seed: int = 1, n_periods: int = 12, slack: float = 1.0
) -> PlanSnapshot:
    """A large plan built to have a placement that meets every constraint, with a
    third of its items moved away from it: the placement is drawn first (three
    dependencies per item on average, each ending before its dependent starts,
    a tenth of them with an explicit needed-by period; each team's capacity its
    peak demand there, times ``slack``), then items are put elsewhere; work in
    progress (some of the first period's) stays."""
    rng = random.Random(seed)
    n_teams = max(4, n_items // 250)
    items, where = [], []
    for i in range(n_items):
        length = rng.choices((1, 2, 3), (70, 25, 5))[0]
        place = rng.randrange(n_periods - length + 1)
        status = "in_progress" if place == 0 and rng.random() < 0.3 else "committed"
        start = place
        if status != "in_progress" and rng.random() < 1 / 3:
            start = rng.randrange(n_periods - length + 1)
        where.append(place)
        items.append(
            Item(
                id=i + 1,
                key=f"T{i % n_teams:03d}-{i + 1}",
                team_id=i % n_teams + 1,
                title=f"Work {i + 1}",
                priority=rng.choices((0, 1, 2, 3), (10, 30, 40, 20))[0],
                start=start,
                end=start + length - 1,
                estimate=float(rng.choice((1, 2, 3, 5, 8, 13))),
                status=status,
                health="on_track",
                created_at=NOW - timedelta(days=90),
                last_update_at=NOW - timedelta(days=2),
            )
        )
    load = [[0.0] * n_periods for _ in range(n_teams)]
    for item, place in zip(items, where, strict=True):
        length = item.end - item.start + 1
        for p in range(place, place + length):
            load[item.team_id - 1][p] += item.estimate / length
    teams = tuple(
        Team(t + 1, f"t{t:03d}", f"Team {t}", "platform", max(load[t]) * slack)
        for t in range(n_teams)
    )
    ends = [place + item.end - item.start for item, place in zip(items, where, strict=True)]
    by_end: list[list[int]] = [[] for _ in range(n_periods)]
    for i, end in enumerate(ends):
        by_end[end].append(i)
    dependencies = {}
    for d in range(n_items):
        if where[d] == 0:
            continue
        for _ in range(rng.choice((1, 2, 3, 4, 5))):
            b = rng.choice(by_end[rng.randrange(max(0, where[d] - 3), where[d])] or [d])
            if b != d:
                explicit = rng.random() < 0.1
                needed_by = rng.randrange(ends[b] + 1, n_periods) if explicit else None
                dependencies[(d + 1, b + 1)] = Dependency(d + 1, b + 1, needed_by, "committed")
    return PlanSnapshot(_quarters(n_periods), teams, tuple(items), tuple(dependencies.values()))


def lateness_figures(plans: int, time_limit: float = 10.0) -> dict:
    """The heuristic against the exact solver on ``plans`` random plans."""
    from app.alignment.autoschedule import Problem, SerialScheduler, exact_solver
    from app.alignment.autoschedule.outcome import evaluate

    ratios, like, worse, more, exact_s, heuristic_s = [], [], 0, 0, [], []
    heuristic_total = exact_total = feasible = both = 0
    for seed in range(plans):
        problem = Problem(analyze(random_plan(seed), NOW))
        started = time.perf_counter()
        fast = evaluate(problem, SerialScheduler().solve(problem))
        heuristic_s.append(time.perf_counter() - started)
        started = time.perf_counter()
        best = evaluate(problem, exact_solver(time_limit).solve(problem))
        exact_s.append(time.perf_counter() - started)
        feasible += not best.broken
        both += not best.broken and not fast.broken
        if not fast.broken_set(problem) <= best.broken_set(problem):
            worse += 1
        more += fast.broken > best.broken
        heuristic_total += fast.lateness
        exact_total += best.lateness
        if best.lateness:
            ratio = fast.lateness / best.lateness
        else:
            ratio = 1.0 if not fast.lateness else float("inf")
        ratios.append(ratio)
        if fast.score[:3] == best.score[:3]:
            like.append(ratio)
    return {
        "plans": plans,
        "lateness_ratio": round(heuristic_total / exact_total, 4) if exact_total else 1.0,
        "lateness_ratio_mean": round(statistics.fmean(ratios), 4),
        "heuristic_lateness": heuristic_total,
        "exact_lateness": exact_total,
        "lateness_ratio_like_for_like": round(statistics.fmean(like), 4) if like else None,
        "like_for_like_plans": len(like),
        "heuristic_worse": worse,
        "heuristic_breaks_more": more,
        "exact_feasible": feasible,
        "heuristic_feasible_when_exact_is": both,
        "exact_s_median": round(statistics.median(exact_s), 4),
        "exact_s_max": round(max(exact_s), 4),
        "heuristic_s_median": round(statistics.median(heuristic_s), 5),
    }


def autoschedule_figures(analysis: Analysis, runs: int = 1) -> dict:
    """``autoschedule`` on an analysed plan with the default solver: median seconds
    and what the schedule leaves."""
    from app.alignment.autoschedule import autoschedule

    ticks: list[tuple[float, int, int]] = []

    def run():
        ticks.clear()
        ticks.append((time.perf_counter(), 0, 0))  # the start, to measure the first stretch
        found = autoschedule(
            analysis,
            progress=lambda done, total: ticks.append((time.perf_counter(), done, total)),
        )
        ticks.append((time.perf_counter(), -1, -1))  # the end
        return found

    seconds, schedule = median_time(run, runs)
    calls = ticks[1:-1]
    # in the last run: the longest stretch between two calls and where the bar stood
    # then; the stretches before the first (the problem built) and after the last
    # (the schedule put in words), outside the solver
    gap, at = max(
        (
            (b[0] - a[0], a[1] / a[2] if a[2] else 0.0)
            for a, b in zip(calls, calls[1:], strict=False)
        ),
        default=(0.0, 0.0),
    )
    head = calls[0][0] - ticks[0][0] if calls else 0.0
    tail = ticks[-1][0] - calls[-1][0] if calls else 0.0
    before = len(analysis.select(type="schedule_violation"))
    kinds: dict[str, int] = {}
    for broken in schedule.broken:
        kinds[broken.kind] = kinds.get(broken.kind, 0) + 1
    return {
        "autoschedule_s": round(seconds, 3),
        "autoschedule_solver": schedule.solver,
        "autoschedule_moves": len(schedule.moves),
        "autoschedule_broken": kinds,
        "schedule_violations_before": before,
        "schedule_violations_after": kinds.get("schedule_violation", 0),
        "schedule_violations_impossible": _forced(analysis, schedule),
        "autoschedule_feasible": schedule.feasible,
        "autoschedule_progress_calls": len(calls),
        "autoschedule_progress_monotone": all(
            a[1] <= b[1] for a, b in zip(calls, calls[1:], strict=False)
        ),
        "autoschedule_progress_longest_still_s": round(gap, 3),
        "autoschedule_progress_still_at": round(at, 3),
        "autoschedule_before_first_call_s": round(head, 3),
        "autoschedule_after_last_call_s": round(tail, 3),
    }


def _forced(analysis: Analysis, schedule) -> int:
    """How many of the schedule's violations lie on a chain of dependencies that
    no placement can meet whole (the pins and the ended periods make it so)."""
    from app.alignment.autoschedule import Problem, unavoidable
    from app.alignment.autoschedule.outcome import evaluate

    problem = Problem(analysis)
    to = {m.item_id: m.to_start for m in schedule.moves}
    starts = [to.get(i, s) for i, s in zip(problem.ids, problem.start, strict=True)]
    ids = problem.ix.ids
    left = {
        (ids[problem.e_src[e]], ids[problem.e_dst[e]]) for e in evaluate(problem, starts).violations
    }
    return len(left & unavoidable(problem))


def feasible_figures(items: int) -> dict:
    """``autoschedule`` on ``feasible_plan(items)``: seconds, and what it breaks."""
    from app.alignment.autoschedule import autoschedule

    analysis = analyze(feasible_plan(items), NOW)
    started = time.perf_counter()
    schedule = autoschedule(analysis)
    seconds = time.perf_counter() - started
    return {
        "items": items,
        "dependencies": len(analysis.snapshot.dependencies),
        "feasible_autoschedule_s": round(seconds, 3),
        "schedule_violations_before": len(analysis.select(type="schedule_violation")),
        "over_capacity_before": len(analysis.select(type="over_capacity")),
        "broken": len(schedule.broken),
        "moves": len(schedule.moves),
    }


def measure_seeded(items: int, runs: int, tmp: Path) -> dict:
    """Seed ``items`` with ``flask seed scale`` into SQLite, load and analyse the
    plan, and measure ``autoschedule`` on it."""
    from app.alignment import analyze
    from app.clock import utcnow
    from app.extensions import db
    from app.plan_store import load_snapshot

    url = f"sqlite:///{tmp / f'autoschedule_{items}.db'}"
    print(f"seeding {items} items ...", file=sys.stderr, flush=True)
    flask(url, "db", "upgrade")
    flask(url, "seed", "scale", "--items", str(items), "--seed", "1")
    app = bench_app(url)
    with app.app_context():
        snapshot = load_snapshot()
        db.session.remove()
        db.engine.dispose()
    analysis = analyze(snapshot, utcnow())
    print(f"scheduling {items} items ...", file=sys.stderr, flush=True)
    return {
        "items": len(snapshot.items),
        "dependencies": len(snapshot.dependencies),
        **autoschedule_figures(analysis, runs),
    }


def lines(results: list[dict], ratio: dict, feasible: list[dict] | None = None) -> list[str]:
    """The figures in words, for ``python -m bench`` and ``python -m bench.autoschedule``."""
    found = [
        f"{r.get('db', 'sqlite')}: autoschedule at {r['items']} items, "
        f"{r['dependencies']} dependencies: "
        f"autoschedule_s {r['autoschedule_s']:.2f} ({r['autoschedule_solver']}), "
        f"{r['autoschedule_moves']} moves, schedule violations "
        f"{r['schedule_violations_before']} -> {r['schedule_violations_after']} "
        f"({r['schedule_violations_impossible']} of them on a chain that the pins and ended "
        "periods make impossible), "
        f"broken {r['autoschedule_broken']}; progress: "
        f"{r['autoschedule_progress_calls']} calls, the longest stretch between two "
        f"{r['autoschedule_progress_longest_still_s']:.2f} s "
        f"(at {r['autoschedule_progress_still_at']:.0%}), "
        f"{r['autoschedule_before_first_call_s']:.2f} s before the first, "
        f"{r['autoschedule_after_last_call_s']:.2f} s after the last"
        for r in results
        if "autoschedule_s" in r
    ]
    found += [
        f"autoschedule on a plan built to be feasible, {f['items']} items, "
        f"{f['dependencies']} dependencies ({f['schedule_violations_before']} schedule "
        f"violations, {f['over_capacity_before']} cells over capacity before): "
        f"{f['feasible_autoschedule_s']:.2f} s, {f['moves']} moves, {f['broken']} broken"
        for f in feasible or []
    ]
    if ratio:
        found.append(
            f"heuristic/exact weighted lateness on {ratio['plans']} random "
            f"{RANDOM_ITEMS}-item plans: {ratio['lateness_ratio']:.3f} "
            f"({ratio['heuristic_lateness']} vs {ratio['exact_lateness']}; mean of ratios "
            f"{ratio['lateness_ratio_mean']:.3f}; {ratio['lateness_ratio_like_for_like']} on "
            f"the {ratio['like_for_like_plans']} plans where both break as much and leave as "
            f"many same-period risks)"
        )
        found.append(
            f"exact feasible on {ratio['exact_feasible']} plans, the heuristic on "
            f"{ratio['heuristic_feasible_when_exact_is']} of them; the heuristic broke more "
            f"constraints than the exact solver on {ratio['heuristic_breaks_more']} plans, "
            f"other ones (as many) on {ratio['heuristic_worse']}; exact solve median "
            f"{ratio['exact_s_median']:.3f} s, max {ratio['exact_s_max']:.3f} s"
        )
    return found


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.autoschedule")
    parser.add_argument("--sizes", default="5000,50000")
    parser.add_argument("--plans", type=int, default=50)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for items in sizes:
            results.append(measure_seeded(items, args.runs, Path(tmp)))
    feasible = [feasible_figures(items) for items in sizes]
    ratio = lateness_figures(args.plans) if args.plans else {}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps({"sizes": results, "feasible": feasible, "random": ratio}, indent=2) + "\n"
    )
    print("\n".join(lines(results, ratio, feasible)))
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

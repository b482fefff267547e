"""A dense plan: many items that others need are at risk, and their blast radii are
large and overlap. ``build_dense_plan`` makes it as a ``roadmap-plan/1`` document
(the same for the same arguments); ``dense_seconds`` imports it and measures, as
medians over several runs, the server time of whole requests signed in as a viewer:

- dense_dashboard_s: GET /dashboard, the plan unchanged since the process last
  analysed it, so its analysis is reused (app.plan_store), as dashboard_s in
  bench/dashboard.py; dense_dashboard_cold_s: right after a change to the plan,
  so the request loads and analyses it;
- dense_conflicts_s, dense_conflicts_cold_s: GET /conflicts (the list's first
  page), the same two ways;
- dense_report_s: `flask conflicts --format json` in this process (load, analysis
  and the whole report, every blast radius listed), and dense_report_mb, its size.

This week's snapshot is taken before the timing starts.
"""

from __future__ import annotations

import json
import random
import statistics
import tempfile
import time
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

from bench.harness import flask, get_ok, page_seconds, signed_in_client

DENSE_ITEMS = 20_000
DENSE_DEPENDENCIES = 40_000
AT_RISK_SHARE = 0.28
QUARTERS = 12
TEAMS = 80
WINDOW = 0.15
BENCH_VIEWER = "bench-dense-viewer@example.com"


def build_dense_plan(
    n_items: int = DENSE_ITEMS,
    n_dependencies: int = DENSE_DEPENDENCIES,
    seed: int = 1,
    *,
    today: date,
) -> dict[str, Any]:
    """Items in time order over 12 quarters from ``today``'s; each dependency points
    from an item to one of the items shortly before it (so the graph is acyclic and
    chains are long); a share ``AT_RISK_SHARE`` of the items is at risk or off track."""
    from app.plan_io import FORMAT
    from app.plan_io.exporter import format_datetime
    from app.seed.demo import quarters

    rng = random.Random(seed)
    periods = quarters(today, QUARTERS)
    names = [period["name"] for period in periods]
    created = format_datetime(datetime.combine(today, clock_time()) - timedelta(days=30))
    teams = [
        {
            "slug": f"{'plat' if t < TEAMS * 2 // 5 else 'prod'}-{t:03d}",
            "name": f"{'Platform' if t < TEAMS * 2 // 5 else 'Product'} team {t}",
            "kind": "platform" if t < TEAMS * 2 // 5 else "product",
            "capacity": {"default": rng.choice((40, 60, 80, 120)), "periods": {}},
        }
        for t in range(TEAMS)
    ]
    items = []
    for index in range(n_items):
        team = rng.choice(teams)
        start = min(QUARTERS - 1, QUARTERS * index // n_items)
        end = min(QUARTERS - 1, start + rng.choice((0, 0, 0, 1)))
        roll = rng.random()
        health = "off_track" if roll < 0.08 else "at_risk" if roll < AT_RISK_SHARE else "on_track"
        items.append(
            {
                "key": f"{team['slug'].upper()}-{index}",
                "team": team["slug"],
                "title": f"Dense item {index}",
                "priority": rng.choice(("P0", "P1", "P1", "P2", "P2", "P3")),
                "start": names[start],
                "end": names[end],
                "estimate": rng.choice((1, 2, 3, 5, 8)),
                "status": rng.choice(("proposed", "committed", "committed")),
                "health": health,
                "owner": None,
                "created_at": created,
            }
        )
    reach = max(1, round(n_items * WINDOW))
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < n_dependencies:
        dependent = rng.randrange(1, n_items)
        pairs.add((dependent, rng.randrange(max(0, dependent - reach), dependent)))
    dependencies = [
        {
            "dependent": items[d]["key"],
            "dependency": items[b]["key"],
            "commitment": "committed",
        }
        for d, b in sorted(pairs)
    ]
    return {
        "format": FORMAT,
        "periods": periods,
        "teams": teams,
        "items": items,
        "dependencies": dependencies,
        "status_updates": [],
    }


def _cold_seconds(client, url: str, runs: int) -> float:
    """The median seconds of GET `url` when the plan has just changed."""
    from app.plan_store import reuse

    def once() -> float:
        reuse.clear()  # outside the timing, as in bench/dashboard.py
        started = time.perf_counter()
        get_ok(client, url)
        return time.perf_counter() - started

    return statistics.median(once() for _ in range(runs))


def _report(app) -> tuple[float, int]:
    """`flask conflicts --format json` through the CLI runner: seconds and bytes."""
    from app.plan_store import reuse

    runner = app.test_cli_runner()
    reuse.clear()
    started = time.perf_counter()
    result = runner.invoke(args=["conflicts", "--format", "json"])
    seconds = time.perf_counter() - started
    if result.exit_code not in (0, 3):
        raise RuntimeError(f"flask conflicts exited {result.exit_code}: {result.output[-500:]}")
    return seconds, len(result.output.encode())


def dense_seconds(app, database_url: str, runs: int, items: int = DENSE_ITEMS) -> dict[str, float]:
    """Import the dense plan into the (empty) database and time the pages and report."""
    from app.clock import utcnow

    plan = build_dense_plan(items, 2 * items, today=utcnow().date())
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "dense.json"
        path.write_text(json.dumps(plan))
        flask(database_url, "plan", "import", str(path))
    client = signed_in_client(app, BENCH_VIEWER, "viewer")
    with app.app_context():
        get_ok(client, "/dashboard")  # this week's snapshot, taken once
        dashboard_s = page_seconds(client, "/dashboard", runs)
        conflicts_s = page_seconds(client, "/conflicts", runs)
        dashboard_cold_s = _cold_seconds(client, "/dashboard", runs)
        conflicts_cold_s = _cold_seconds(client, "/conflicts", runs)
        reports = [_report(app) for _ in range(max(1, runs // 2))]
    return {
        "dense_dashboard_s": round(dashboard_s, 4),
        "dense_dashboard_cold_s": round(dashboard_cold_s, 4),
        "dense_conflicts_s": round(conflicts_s, 4),
        "dense_conflicts_cold_s": round(conflicts_cold_s, 4),
        "dense_report_s": round(statistics.median(s for s, _ in reports), 3),
        "dense_report_mb": round(reports[-1][1] / 1e6, 1),
    }

"""Builds plans with `flask seed scale` and measures, as medians over several runs
in one process:

- floor_s: the rows the snapshot needs, read with the database driver alone;
- load_s: app.plan_store building the snapshot;
- analysis_s: the full analysis with every derived view;
- queries: statements the load issues;
- seed_s: how long `flask seed scale` took to write the plan (one run);
- dashboard_s: GET /dashboard as a viewer, this week's snapshot already taken
  (dashboard_cold_s: the same right after a change to the plan);
- item_page_s: GET /items/<key> of the item that most items need;
- roadmap_s, roadmap_bytes: GET /roadmap as a planner, and the worst of every
  filter combination (bench/roadmap.py);
- edit_s: {kind: seconds} from an edit's commit to an up-to-date analysis in the
  same process, for each kind of edit (bench/live_edits.py), and live_equals_full:
  whether the live analysis after those edits equals a full analysis;
- move_request_s, dashboard_after_edit_s, catch_up_s: a whole POST /roadmap/move
  as the roadmap's JavaScript sends it, the first dashboard view after an edit, and
  a second app (another worker) one edit behind catching up (bench/live_requests.py);
- api_critical_conflicts_s, api_patch_item_s: a whole GET
  /api/v1/conflicts?severity=critical with a viewer's token, the analysis warm, and
  a whole PATCH /api/v1/items/<key> with If-Match with a planner's write token, on
  items drawn at random (bench/api.py);
- dense_dashboard_s, dense_conflicts_s: GET /dashboard and GET /conflicts on the
  dense plan of bench/dense.py (20,000 items, 40,000 dependencies, 28% of the
  items at risk, large overlapping blast radii), steady state and (_cold_s)
  right after a change, and dense_report_s: `flask conflicts --format json` on
  it (dense_report_mb: its size);
- autoschedule_s: ``autoschedule`` on the plan, the analysis given (bench/autoschedule.py),
  and autoschedule_random: the heuristic/exact weighted-lateness ratio on 50 random
  30-item plans.

SQLite always; PostgreSQL too when BENCH_DATABASE_URL is set (its tables are
dropped and re-created). Writes bench/results/latest.json.

    python -m bench [--sizes 5000,50000] [--dense-items 20000] [--runs 5]

(``--sizes ""`` measures the dense plan only, ``--dense-items 0`` skips it.)
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.harness import ROOT, bench_app, flask, median_time, reset_postgres

RESULTS = ROOT / "bench" / "results" / "latest.json"


def measure(db_name: str, database_url: str, items: int, runs: int) -> dict:
    from sqlalchemy import event

    from app.alignment import analyze
    from app.extensions import db
    from app.plan_store import load_snapshot
    from bench.api import api_seconds
    from bench.autoschedule import autoschedule_figures
    from bench.dashboard import dashboard_seconds
    from bench.floor import Floor
    from bench.items import item_page_seconds
    from bench.live_edits import edit_seconds
    from bench.live_requests import live_request_seconds
    from bench.roadmap import roadmap_figures

    print(f"[{db_name}] seeding {items} items ...", file=sys.stderr, flush=True)
    flask(database_url, "db", "upgrade")
    started = time.perf_counter()
    flask(database_url, "seed", "scale", "--items", str(items), "--seed", "1")
    seed_s = time.perf_counter() - started

    app = bench_app(database_url)
    with app.app_context():
        floor = Floor(db.engine.url)
        floor_s, _rows = median_time(floor.read, runs)
        floor.close()

        statements = []
        listener = lambda *a, **k: statements.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        load_snapshot()
        db.session.rollback()
        event.remove(db.engine, "before_cursor_execute", listener)

        def load():
            snapshot = load_snapshot()
            db.session.rollback()
            return snapshot

        load_s, snapshot = median_time(load, runs)
        now = datetime.now(UTC).replace(tzinfo=None)
        analysis_s, _analysis = median_time(lambda: analyze(snapshot, now), runs)
        autoschedule = autoschedule_figures(_analysis)
        roadmap = roadmap_figures(app, runs)
        dashboard_s, dashboard_cold_s = dashboard_seconds(app, runs)
        item_page_s = item_page_seconds(app, runs)
        db.session.remove()
    # These edit the plan: after every other measurement.
    print(f"[{db_name}] editing ...", file=sys.stderr, flush=True)
    edit_s, live_equals_full = edit_seconds(app, per_kind=max(20, runs))
    live = live_request_seconds(app, bench_app(database_url), edits=max(20, runs))
    api = api_seconds(app, requests=max(20, runs))
    with app.app_context():
        db.engine.dispose()
    return {
        "db": db_name,
        "items": len(snapshot.items),
        "dependencies": len(snapshot.dependencies),
        "floor_s": round(floor_s, 4),
        "load_s": round(load_s, 4),
        "analysis_s": round(analysis_s, 4),
        "queries": len(statements),
        "seed_s": round(seed_s, 2),
        "dashboard_s": round(dashboard_s, 4),
        "dashboard_cold_s": round(dashboard_cold_s, 4),
        "item_page_s": round(item_page_s, 4),
        **autoschedule,
        **roadmap,
        "edit_s": edit_s,
        "live_equals_full": live_equals_full,
        **live,
        **api,
    }


def measure_dense(db_name: str, database_url: str, items: int, runs: int) -> dict:
    from app.extensions import db
    from bench.dense import DENSE_ITEMS, dense_seconds

    print(f"[{db_name}] importing the dense plan ...", file=sys.stderr, flush=True)
    flask(database_url, "db", "upgrade")

    app = bench_app(database_url)
    figures = dense_seconds(app, database_url, runs, items or DENSE_ITEMS)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return {"db": db_name, "plan": "dense", "items": items, **figures}


def _dense_lines(results: list[dict]) -> list[str]:
    return [
        f"{r['db']}: dense plan ({r['items']} items): dense_dashboard_s "
        f"{r['dense_dashboard_s']:.3f} (plan just changed: {r['dense_dashboard_cold_s']:.3f}), "
        f"dense_conflicts_s {r['dense_conflicts_s']:.3f} "
        f"(plan just changed: {r['dense_conflicts_cold_s']:.3f}), "
        f"dense_report_s {r['dense_report_s']:.2f} ({r['dense_report_mb']} MB)"
        for r in results
    ]


def _table(results: list[dict]) -> str:
    lines = [
        f"{'db':<10} {'items':>7} {'deps':>8} {'floor_s':>8} {'load_s':>8} "
        f"{'analysis_s':>10} {'queries':>7} {'(l+a)/floor':>11}"
    ]
    for r in results:
        ratio = (r["load_s"] + r["analysis_s"]) / r["floor_s"] if r["floor_s"] else float("nan")
        lines.append(
            f"{r['db']:<10} {r['items']:>7} {r['dependencies']:>8} {r['floor_s']:>8.3f} "
            f"{r['load_s']:>8.3f} {r['analysis_s']:>10.3f} {r['queries']:>7} {ratio:>11.2f}"
        )
    by_db: dict[str, list[dict]] = {}
    for r in results:
        by_db.setdefault(r["db"], []).append(r)
    for db_name, rows in by_db.items():
        rows.sort(key=lambda r: r["items"])
        if len(rows) >= 2:
            small, large = rows[0], rows[-1]
            total = lambda r: r["load_s"] + r["analysis_s"]  # noqa: E731
            lines.append(
                f"{db_name}: growth {large['items']}/{small['items']} items: "
                f"{total(large) / total(small):.1f}x (load+analysis), "
                f"{large['floor_s'] / small['floor_s']:.1f}x (floor)"
            )
    lines += [
        f"{r['db']}: dashboard at {r['items']} items: dashboard_s {r['dashboard_s']:.3f} "
        f"(plan just changed: {r['dashboard_cold_s']:.3f})"
        for r in results
    ]
    lines += [
        f"{r['db']}: live at {r['items']} items: edit_s max {max(r['edit_s'].values()):.4f} "
        f"(median of kinds {statistics.median(r['edit_s'].values()):.4f}), "
        f"catch_up_s {r['catch_up_s']:.4f}, move_request_s {r['move_request_s']:.4f}, "
        f"dashboard_after_edit_s {r['dashboard_after_edit_s']:.4f}, "
        f"live_equals_full {r['live_equals_full']}"
        for r in results
    ]
    lines += [
        f"{r['db']}: api at {r['items']} items: api_critical_conflicts_s "
        f"{r['api_critical_conflicts_s']:.4f}, api_patch_item_s {r['api_patch_item_s']:.4f}"
        for r in results
    ]
    lines += [
        f"{r['db']}: edit_s at {r['items']} items: "
        + ", ".join(f"{kind} {seconds:.4f}" for kind, seconds in r["edit_s"].items())
        for r in results
    ]
    lines += [
        f"{r['db']}: roadmap page at {r['items']} items: roadmap_s {r['roadmap_s']:.3f}, "
        f"roadmap_bytes {r['roadmap_bytes']:,}; over every filter combination: "
        f"max {r['roadmap_filters_max_s']:.3f} s ({r['roadmap_filters_max_s_view']}), "
        f"max {r['roadmap_filters_max_bytes']:,} bytes ({r['roadmap_filters_max_bytes_view']})"
        for r in results
        if "roadmap_s" in r
    ]
    lines += [
        f"{r['db']}: item page at {r['items']} items: {r['item_page_s']:.3f} s"
        for r in results
        if "item_page_s" in r
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--sizes", default="5000,50000")
    parser.add_argument("--dense-items", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]

    results = []
    dense = []
    with tempfile.TemporaryDirectory() as tmp:
        for items in sizes:
            url = f"sqlite:///{Path(tmp) / f'bench_{items}.db'}"
            results.append(measure("sqlite", url, items, args.runs))
        if args.dense_items:
            url = f"sqlite:///{Path(tmp) / 'bench_dense.db'}"
            dense.append(measure_dense("sqlite", url, args.dense_items, args.runs))
    pg_url = os.environ.get("BENCH_DATABASE_URL")
    if pg_url:
        for items in sizes:
            reset_postgres(pg_url)
            results.append(measure("postgresql", pg_url, items, args.runs))
        if args.dense_items:
            reset_postgres(pg_url)
            dense.append(measure_dense("postgresql", pg_url, args.dense_items, args.runs))

    from bench.autoschedule import lateness_figures, lines

    random_plans = lateness_figures(50)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {"results": results, "dense": dense, "autoschedule_random": random_plans}, indent=2
        )
        + "\n"
    )
    print("\n".join(filter(None, [_table(results) if results else "", *_dense_lines(dense)])))
    print("\n".join(lines(results, random_plans)))
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

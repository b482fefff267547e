"""Edits as the web app sees them, on a plan in the database, medians over edits
drawn at random from the plan:

- move_request_s: a whole POST /roadmap/move as the roadmap's JavaScript sends it
  (form fields, Accept: application/json), through the test client, signed in as
  a planner: the analysis before, the move, the analysis after and the answer;
- dashboard_after_edit_s: the first GET /dashboard after an edit committed by
  another request (the process brings its analysis up to date first);
- catch_up_s: a second app (another worker) whose analysis is one edit behind
  brings it up to date.

The moves alternate between two periods for each drawn item, so the plan stays
the shape the seed gave it.
"""

from __future__ import annotations

import random
import statistics
import time

from bench.harness import get_ok, signed_in_client

BENCH_PLANNER = "bench-planner@example.com"
BENCH_VIEWER = "bench-viewer@example.com"


def _movable(app, count: int, seed: int) -> list[tuple[str, list[str]]]:
    """``count`` scheduled one-period items, each with two periods to move between."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Item, Period

    with app.app_context():
        names = list(db.session.scalars(select(Period.name).order_by(Period.start_date)))
        keys = list(
            db.session.scalars(
                select(Item.key)
                .where(Item.start_period_id.is_not(None))
                .where(Item.start_period_id == Item.end_period_id)
                .order_by(Item.id)
            )
        )
        db.session.rollback()
    chosen = random.Random(seed).sample(keys, min(count, len(keys)))
    return [(key, names[1:3]) for key in chosen]


def _version(app, key: str) -> int:
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Item

    with app.app_context():
        version = db.session.scalar(select(Item.version).where(Item.key == key))
        db.session.rollback()
    return version


def move_once(app, client, key: str, period: str) -> float:
    """Seconds for one POST /roadmap/move of ``key`` to ``period`` (its own team)."""
    version = _version(app, key)
    started = time.perf_counter()
    response = client.post(
        "/roadmap/move",
        data={"item": key, "version": str(version), "period": period, "team": ""},
        headers={"Accept": "application/json"},
    )
    elapsed = time.perf_counter() - started
    if response.status_code != 200 or not response.get_json().get("ok"):
        raise RuntimeError(
            f"move of {key} to {period}: {response.status_code} {response.text[:300]}"
        )
    return elapsed


def live_request_seconds(app, second_app, edits: int = 20, seed: int = 7) -> dict:
    """move_request_s, dashboard_after_edit_s and catch_up_s (medians over ``edits``)."""
    from app.extensions import db
    from app.plan_store import analyze_plan

    planner = signed_in_client(app, BENCH_PLANNER, "planner")
    viewer = signed_in_client(app, BENCH_VIEWER, "viewer")
    get_ok(viewer, "/dashboard")  # this process's analysis is current
    with second_app.app_context():
        analyze_plan()  # so is the other worker's
        db.session.rollback()

    moves, dashboards, catch_ups = [], [], []
    for n, (key, periods) in enumerate(_movable(app, edits, seed)):
        moves.append(move_once(app, planner, key, periods[n % 2]))
        started = time.perf_counter()
        get_ok(viewer, "/dashboard")
        dashboards.append(time.perf_counter() - started)
        with second_app.app_context():
            started = time.perf_counter()
            analyze_plan()
            catch_ups.append(time.perf_counter() - started)
            db.session.rollback()
    return {
        "move_request_s": round(statistics.median(moves), 4),
        "dashboard_after_edit_s": round(statistics.median(dashboards), 4),
        "catch_up_s": round(statistics.median(catch_ups), 4),
    }

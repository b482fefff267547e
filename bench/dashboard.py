"""The dashboard's server time: GET /dashboard signed in as a viewer, through the
test client (the whole request: analysis, sections, charts, template). The first
request takes this week's snapshot, so the measured ones are the steady state
that leadership sees all week:

- dashboard_s: the plan unchanged since the process last analysed it, so its
  analysis is reused (app.plan_store);
- dashboard_cold_s: the plan just changed, so the request loads and analyses it.
"""

from __future__ import annotations

import statistics
import time

from bench.harness import get_ok, page_seconds, signed_in_client

BENCH_VIEWER = "bench-viewer@example.com"


def dashboard_seconds(app, runs: int) -> tuple[float, float]:
    from app.plan_store import reuse

    client = signed_in_client(app, BENCH_VIEWER, "viewer")

    def render_cold() -> float:
        reuse.clear()  # outside the timing: freeing the old analysis is no part of a request
        started = time.perf_counter()
        get_ok(client, "/dashboard")
        return time.perf_counter() - started

    warm = page_seconds(client, "/dashboard", runs)
    return warm, statistics.median(render_cold() for _ in range(runs))

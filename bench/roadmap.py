"""The roadmap page's render time: GET /roadmap with the default filters, signed in
as a planner, through the test client (the whole request: analysis, layout,
template)."""

from __future__ import annotations

from bench.harness import page_seconds, signed_in_client

ROADMAP_ITEMS = 5000  # measured up to this plan size
BENCH_PLANNER = "bench-planner@example.com"


def roadmap_seconds(app, runs: int) -> float:
    return page_seconds(signed_in_client(app, BENCH_PLANNER, "planner"), "/roadmap", runs)

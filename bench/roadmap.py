"""The roadmap page at scale: GET /roadmap signed in as a planner, through the test
client (the whole request: analysis, layout, template), for the default view and
for every combination of the filters; the page's size in bytes for each.

- roadmap_s, roadmap_bytes: the default view (median seconds; bytes);
- roadmap_filters_max_s, roadmap_filters_max_bytes: the slowest and the largest of
  the filter combinations (each the median of ``runs``), and the views they were.
"""

from __future__ import annotations

from itertools import product
from urllib.parse import urlencode

from bench.harness import bench_app, get_ok, median_time, page_seconds, signed_in_client

BENCH_PLANNER = "bench-planner@example.com"
FILTERS = {
    "kind": ("", "product"),
    "priority": ("", "P0"),
    "conflicts": ("", "1"),
    "periods": ("", "12"),
    "lines": ("", "all"),
    "all": ("", "1"),
}
EXTRA_VIEWS = ("q=a", "q=a&periods=12&lines=all", "page=9999", "page=2&periods=12&lines=all")


def filter_views(team_slugs: list[str]) -> list[str]:
    """Every combination of FILTERS, then with three teams chosen, and a few more."""
    views = []
    for values in product(*FILTERS.values()):
        query = [(name, value) for name, value in zip(FILTERS, values, strict=True) if value]
        views.append(urlencode(query))
    teams = urlencode([("team", slug) for slug in team_slugs[:3]])
    views += [f"{teams}&{view}" if view else teams for view in views[:16]]
    return [*views, *EXTRA_VIEWS]


def _teams(app) -> list[str]:
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Team

    with app.app_context():
        slugs = list(db.session.scalars(select(Team.slug).order_by(Team.id).limit(3)))
        db.session.rollback()
    return slugs


def roadmap_figures(app, runs: int) -> dict:
    client = signed_in_client(app, BENCH_PLANNER, "planner")
    seconds = page_seconds(client, "/roadmap", runs)
    size = len(client.get("/roadmap").data)
    slowest, largest = (0.0, ""), (0, "")
    for view in filter_views(_teams(app)):
        url = f"/roadmap?{view}"
        get_ok(client, url)
        took, _ = median_time(lambda url=url: get_ok(client, url), runs)
        n = len(client.get(url).data)
        slowest = max(slowest, (took, view))
        largest = max(largest, (n, view))
    return {
        "roadmap_s": round(seconds, 4),
        "roadmap_bytes": size,
        "roadmap_filters_max_s": round(slowest[0], 4),
        "roadmap_filters_max_s_view": slowest[1],
        "roadmap_filters_max_bytes": largest[0],
        "roadmap_filters_max_bytes_view": largest[1],
    }


def main() -> None:
    """``python -m bench.roadmap DATABASE_URL [runs]``: the figures on a database that
    already holds a plan (e.g. one made by ``flask seed scale --items 50000``)."""
    import json
    import sys

    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    print(json.dumps(roadmap_figures(bench_app(sys.argv[1]), runs), indent=2))


if __name__ == "__main__":
    main()

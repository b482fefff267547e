"""The API's server time: whole requests through the test client with
``Authorization: Bearer <token>`` (token sign-in, the rate limit, the view, the
commit and the answer), medians over ``requests``:

- api_critical_conflicts_s: GET /api/v1/conflicts?severity=critical (its first
  page) with a viewer's read token, the plan unchanged since the process last
  analysed it (one request first brings the analysis up to date);
- api_patch_item_s: PATCH /api/v1/items/<key> with If-Match, with a planner's
  write token, on items drawn at random from the plan: each drawn item's priority
  goes to a neighbouring one and back, the first PATCH sending the ETag of a GET
  made before the timing and the second the ETag the first answered, so the plan
  ends as the seed made it. Anything but a 200 stops the benchmark.
"""

from __future__ import annotations

import random
import statistics
import time

from bench.harness import bench_user, get_ok
from bench.live_requests import BENCH_PLANNER, BENCH_VIEWER

CRITICAL_CONFLICTS = "/api/v1/conflicts?severity=critical"


class BearerClient:
    """The test client, sending one user's access token with each request."""

    def __init__(self, client, token: str) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, path: str):
        return self.client.get(path, headers=self.headers)

    def patch(self, path: str, body: dict, etag: str):
        return self.client.patch(path, json=body, headers={**self.headers, "If-Match": etag})


def bearer_client(app, email: str, role: str, scope: str) -> BearerClient:
    """A client with a new ``scope`` token of the user ``email``, made with ``role``
    when missing."""
    from app.auth.tokens import create_token
    from app.extensions import db

    with app.app_context():
        made = create_token(bench_user(email, role), name="bench", scope=scope)
        db.session.commit()
    return BearerClient(app.test_client(), made.token)


def _ok(response, what: str) -> None:
    if response.status_code != 200:
        raise RuntimeError(f"{what} answered {response.status_code}: {response.text[:300]}")


def critical_conflicts_seconds(client: BearerClient, requests: int) -> float:
    get_ok(client, CRITICAL_CONFLICTS)

    def once() -> float:
        started = time.perf_counter()
        response = client.get(CRITICAL_CONFLICTS)
        elapsed = time.perf_counter() - started
        _ok(response, f"GET {CRITICAL_CONFLICTS}")
        return elapsed

    return statistics.median(once() for _ in range(requests))


def _drawn(app, count: int, seed: int) -> list[str]:
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Item

    with app.app_context():
        keys = list(db.session.scalars(select(Item.key).order_by(Item.id)))
        db.session.rollback()
    return random.Random(seed).sample(keys, min(count, len(keys)))


def _neighbour(priority: str) -> str:
    from app.alignment import PRIORITY_NAMES

    index = PRIORITY_NAMES.index(priority)
    return PRIORITY_NAMES[index + 1 if index + 1 < len(PRIORITY_NAMES) else index - 1]


def patch_item_seconds(client: BearerClient, keys: list[str]) -> list[float]:
    """Seconds of each PATCH: two per key, there and back."""
    seconds = []
    for key in keys:
        url = f"/api/v1/items/{key}"
        response = client.get(url)
        _ok(response, f"GET {url}")
        original = response.get_json()["priority"]
        for priority in (_neighbour(original), original):
            etag = response.headers["ETag"]
            started = time.perf_counter()
            response = client.patch(url, {"priority": priority}, etag)
            seconds.append(time.perf_counter() - started)
            _ok(response, f"PATCH {url} to {priority}")
            if response.get_json()["priority"] != priority:
                raise RuntimeError(f"PATCH {url} to {priority} answered {response.text[:300]}")
    return seconds


def api_seconds(app, requests: int = 20, seed: int = 11) -> dict:
    """api_critical_conflicts_s (median over ``requests``) and api_patch_item_s
    (median over two PATCHes of each of ``requests`` items)."""
    viewer = bearer_client(app, BENCH_VIEWER, "viewer", "read")
    planner = bearer_client(app, BENCH_PLANNER, "planner", "write")
    conflicts = critical_conflicts_seconds(viewer, requests)
    patches = patch_item_seconds(planner, _drawn(app, requests, seed))
    return {
        "api_critical_conflicts_s": round(conflicts, 4),
        "api_patch_item_s": round(statistics.median(patches), 4),
    }

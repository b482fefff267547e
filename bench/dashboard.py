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
from collections.abc import Callable

BENCH_VIEWER = "bench-viewer@example.com"


def dashboard_seconds(app, runs: int, median_time: Callable) -> tuple[float, float]:
    from sqlalchemy import select

    from app.extensions import db
    from app.models import User
    from app.plan_store import reuse

    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == BENCH_VIEWER))
        if user_id is None:
            user = User(email=BENCH_VIEWER, name="Bench", role="viewer", password_hash="-")
            db.session.add(user)
            db.session.commit()
            user_id = user.id
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(user_id)
        session["_fresh"] = True

    def render() -> None:
        response = client.get("/dashboard")
        if response.status_code != 200:
            raise RuntimeError(f"GET /dashboard answered {response.status_code}")

    def render_cold() -> float:
        reuse.clear()  # outside the timing: freeing the old analysis is no part of a request
        started = time.perf_counter()
        render()
        return time.perf_counter() - started

    render()
    warm, _result = median_time(render, runs)
    return warm, statistics.median(render_cold() for _ in range(runs))

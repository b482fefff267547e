"""The roadmap page's render time: GET /roadmap with the default filters, signed in
as a planner, through the test client (the whole request: analysis, layout,
template)."""

from __future__ import annotations

from collections.abc import Callable

ROADMAP_ITEMS = 5000  # measured up to this plan size
BENCH_PLANNER = "bench-planner@example.com"


def roadmap_seconds(app, runs: int, median_time: Callable) -> float:
    from sqlalchemy import select

    from app.extensions import db
    from app.models import User

    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == BENCH_PLANNER))
        if user_id is None:
            user = User(email=BENCH_PLANNER, name="Bench", role="planner", password_hash="-")
            db.session.add(user)
            db.session.commit()
            user_id = user.id
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(user_id)
        session["_fresh"] = True

    def render() -> None:
        response = client.get("/roadmap")
        if response.status_code != 200:
            raise RuntimeError(f"GET /roadmap answered {response.status_code}")

    render()
    seconds, _result = median_time(render, runs)
    return seconds

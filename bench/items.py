"""The item page's server time: GET /items/<key> of the platform item that most
items need, signed in as a viewer, through the test client (the whole request:
analysis, links, histories, template)."""

from __future__ import annotations

from collections.abc import Callable

BENCH_READER = "bench-item-reader@example.com"


def item_page_seconds(app, runs: int, median_time: Callable) -> float:
    from sqlalchemy import func, select

    from app.extensions import db
    from app.models import Dependency, Item, User

    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == BENCH_READER))
        if user_id is None:
            user = User(email=BENCH_READER, name="Bench", role="viewer", password_hash="-")
            db.session.add(user)
            db.session.commit()
            user_id = user.id
        key = db.session.scalar(
            select(Item.key)
            .join(Dependency, Dependency.dependency_id == Item.id)
            .group_by(Item.key)
            .order_by(func.count().desc(), Item.key)
            .limit(1)
        )
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(user_id)
        session["_fresh"] = True

    def render() -> None:
        response = client.get(f"/items/{key}")
        if response.status_code != 200:
            raise RuntimeError(f"GET /items/{key} answered {response.status_code}")

    render()
    seconds, _result = median_time(render, runs)
    return seconds

"""The item page's server time: GET /items/<key> of the platform item that most
items need, signed in as a viewer, through the test client (the whole request:
analysis, links, histories, template)."""

from __future__ import annotations

from bench.harness import page_seconds, signed_in_client

BENCH_READER = "bench-item-reader@example.com"


def item_page_seconds(app, runs: int) -> float:
    from sqlalchemy import func, select

    from app.extensions import db
    from app.models import Dependency, Item

    with app.app_context():
        key = db.session.scalar(
            select(Item.key)
            .join(Dependency, Dependency.dependency_id == Item.id)
            .group_by(Item.key)
            .order_by(func.count().desc(), Item.key)
            .limit(1)
        )
    return page_seconds(signed_in_client(app, BENCH_READER, "viewer"), f"/items/{key}", runs)

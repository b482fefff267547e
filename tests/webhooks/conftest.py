"""Fixtures of the webhook tests: endpoints (to the ``receiver`` of tests/conftest.py,
allowed there by ``allow_private``), deliveries, clients with access tokens."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from app.extensions import db as _db
from app.models import WEBHOOK_EVENTS, WebhookDelivery, WebhookEvent
from app.webhooks import operations


@pytest.fixture
def make_endpoint(db, allow_private, receiver):
    def make(events=WEBHOOK_EVENTS, url=None):
        endpoint = operations.create_endpoint(url or receiver.url, events, "tests")
        _db.session.flush()
        return endpoint

    return make


@pytest.fixture
def deliveries(db):
    """``deliveries(type=None)``: the deliveries written so far (of events of that type)."""

    def found(event_type: str | None = None) -> list[WebhookDelivery]:
        _db.session.expire_all()
        rows = _db.session.scalars(
            _db.select(WebhookDelivery).join(WebhookEvent).order_by(WebhookDelivery.id)
        ).all()
        return [d for d in rows if event_type is None or d.event.type == event_type]

    return found


@pytest.fixture
def admin_api(api_as):
    return api_as("admin")[0]


@pytest.fixture
def plan(make_team, make_period):
    return SimpleNamespace(
        pay=make_team("pay", name="Payments Platform"),
        chk=make_team("chk", kind="product", name="Checkout"),
        q1=make_period("2027 Q1", quarter=1),
        q2=make_period("2027 Q2", quarter=2),
    )


@pytest.fixture
def planner_api(api_as):
    return api_as("planner")[0]


@pytest.fixture
def planner_item(planner_api, plan):
    """``planner_item(**fields)``: an item made through the API (a committed request)."""

    def make(**fields):
        body = {"team": "pay", "title": "Tokenised cards", "priority": "P1", **fields}
        response = planner_api.post("/api/v1/items", json=body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return make

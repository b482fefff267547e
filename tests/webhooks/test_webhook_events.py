"""Events are collected in the transaction that makes them: one delivery per
event and endpoint that wants it, written with the change, enqueued after commit."""

import json

import pytest
from sqlalchemy import event, func, select

from app.extensions import db as _db
from app.models import WebhookDelivery, WebhookEvent
from app.webhooks.events import DELIVER_JOB


def bodies(deliveries, event_type=None):
    return [json.loads(d.event.body) for d in deliveries(event_type)]


def test_a_created_item_is_an_event_with_the_item_as_the_api_shows_it(
    make_endpoint, planner_item, deliveries, queued
):
    endpoint = make_endpoint()
    made = planner_item(start="2027 Q1")
    [body] = bodies(deliveries, "item.created")
    assert body["type"] == "item.created" and body["timestamp"].endswith("Z")
    item = body["data"]["item"]
    assert item["key"] == made["key"] and item["team"] == "pay" and item["start"] == "2027 Q1"
    [row] = deliveries("item.created")
    assert row.endpoint_id == endpoint.id and row.state == "pending" and row.attempts == 0
    assert (DELIVER_JOB, (row.id,), None) in queued.queued


def test_an_update_names_each_changed_field_from_and_to(
    make_endpoint, planner_item, planner_api, deliveries, queued
):
    make_endpoint(["item.updated"])
    made = planner_item(start="2027 Q1")
    etag = planner_api.get(f"/api/v1/items/{made['key']}").headers["ETag"]
    response = planner_api.patch(
        f"/api/v1/items/{made['key']}",
        json={"priority": "P0", "start": "2027 Q2", "end": "2027 Q2"},
        headers={"If-Match": etag},
    )
    assert response.status_code == 200, response.get_json()
    [body] = bodies(deliveries)
    assert body["type"] == "item.updated"
    assert body["data"]["changes"] == {
        "priority": {"from": "P1", "to": "P0"},
        "start": {"from": "2027 Q1", "to": "2027 Q2"},
        "end": {"from": "2027 Q1", "to": "2027 Q2"},
    }
    assert body["data"]["item"]["priority"] == "P0"


def test_a_deleted_item_and_its_dependencies_are_events(
    make_endpoint, planner_item, planner_api, deliveries, queued
):
    make_endpoint(["item.deleted", "dependency.created", "dependency.deleted"])
    needed = planner_item(title="Tokens API")
    needs = planner_item(team="chk", title="One-click pay", start="2027 Q1")
    made = planner_api.post(
        "/api/v1/dependencies", json={"dependent": needs["key"], "dependency": needed["key"]}
    )
    assert made.status_code == 201, made.get_json()
    etag = planner_api.get(f"/api/v1/items/{needed['key']}").headers["ETag"]
    gone = planner_api.delete(f"/api/v1/items/{needed['key']}", headers={"If-Match": etag})
    assert gone.status_code == 204
    kinds = [b["type"] for b in bodies(deliveries)]
    assert sorted(kinds) == ["dependency.created", "dependency.deleted", "item.deleted"]
    [removed] = bodies(deliveries, "dependency.deleted")
    assert removed["data"]["dependency"]["dependent"] == needs["key"]
    assert removed["data"]["dependency"]["dependency"] == needed["key"]
    [deleted] = bodies(deliveries, "item.deleted")
    assert deleted["data"]["item"]["key"] == needed["key"]
    assert deleted["data"]["item"]["team"] == "pay"


def test_a_status_update_and_a_capacity_change_are_events(
    make_endpoint, planner_item, planner_api, deliveries, queued
):
    make_endpoint(["status_update.created", "capacity.updated"])
    made = planner_item(start="2027 Q1", status="in_progress")
    posted = planner_api.post(
        "/api/v1/status-updates", json={"item": made["key"], "health": "at_risk", "note": "late"}
    )
    if posted.status_code == 404:
        posted = planner_api.post(
            "/api/v1/status_updates", json={"item": made["key"], "health": "at_risk"}
        )
    assert posted.status_code == 201, posted.get_json()
    cell = "/api/v1/teams/pay/capacity/2027 Q1"
    etag = planner_api.get(cell).headers["ETag"]
    put = planner_api.put(cell, json={"person_weeks": 25}, headers={"If-Match": etag})
    assert put.status_code == 200, put.get_json()
    [update] = bodies(deliveries, "status_update.created")
    assert update["data"]["status_update"]["item"] == made["key"]
    assert update["data"]["status_update"]["health"] == "at_risk"
    [capacity] = bodies(deliveries, "capacity.updated")
    assert capacity["data"] == {
        "team": "pay",
        "period": "2027 Q1",
        "person_weeks": 25,
        "previous": None,
    }


def test_a_rolled_back_change_sends_nothing(make_endpoint, plan, make_item, deliveries, queued):
    make_endpoint()
    savepoint = _db.session.begin_nested()
    make_item(plan.pay, title="Never")
    savepoint.rollback()
    _db.session.commit()
    assert deliveries() == []
    assert not [job for job in queued.queued if job[0] == DELIVER_JOB]


def test_a_refused_request_writes_no_delivery(make_endpoint, planner_api, plan, deliveries):
    make_endpoint()
    response = planner_api.post(
        "/api/v1/items", json={"team": "pay", "title": "x", "priority": "P1", "start": "1999 Q9"}
    )
    assert response.status_code == 422
    assert deliveries() == []
    assert _db.session.scalar(select(func.count()).select_from(WebhookEvent)) == 0


@pytest.mark.parametrize("active", [True, False])
def test_only_active_endpoints_that_want_the_event_get_it(
    make_endpoint, admin_api, planner_item, deliveries, active
):
    wants = make_endpoint(["item.created"])
    make_endpoint(["item.deleted"])
    if not active:
        response = admin_api.patch(f"/api/v1/webhooks/{wants.id}", json={"active": False})
        assert response.status_code == 200
    planner_item()
    found = _db.session.scalars(select(WebhookDelivery.endpoint_id)).all()
    assert found == ([wants.id] if active else [])


def test_without_endpoints_a_change_asks_one_query_of_the_webhook_tables(planner_item, plan):
    statements = []

    def seen(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(_db.engine, "before_cursor_execute", seen)
    try:
        planner_item()
    finally:
        event.remove(_db.engine, "before_cursor_execute", seen)
    assert len([s for s in statements if "webhook_" in s]) == 1

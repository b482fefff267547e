"""Delivering to a receiver on 127.0.0.1: signed, retried with backoff (the clock
moved, never slept), failed after the last attempt, the endpoint disabled after
repeated failure, redelivered on request."""

import json
from datetime import timedelta

import pytest

from app.clock import utcnow
from app.extensions import db as _db
from app.models import WebhookEndpoint
from app.webhooks import delivery
from app.webhooks.delivery import ATTEMPTS, BACKOFF, DISABLE_AFTER, deliver_due
from app.webhooks.signing import verify


def _received_json(receiver, n=-1):
    return json.loads(receiver.received[n].body)


def test_a_delivery_is_signed_as_the_documentation_says_a_receiver_checks(
    make_endpoint, planner_item, deliveries, receiver, queued
):
    endpoint = make_endpoint(["item.created"])
    made = planner_item()
    assert queued.run_queued() >= 1
    [got] = receiver.received
    assert got.path == "/hooks" and got.headers["content-type"] == "application/json"
    now = int(utcnow().timestamp())
    assert verify(endpoint.secret, got.headers, got.body, now)
    assert got.headers["webhook-signature"].startswith("v1,")
    assert not verify(endpoint.secret, got.headers, got.body.replace(b"P1", b"P0"), now)
    assert json.loads(got.body)["data"]["item"]["key"] == made["key"]
    [row] = deliveries()
    assert row.state == "delivered" and row.last_status == 200
    assert got.headers["webhook-id"] == row.event.message_id
    [attempt] = row.attempt_log
    assert attempt.ok and attempt.number == 1 and attempt.duration_ms >= 0


def test_a_500_is_retried_after_the_backoff_with_the_same_webhook_id(
    make_endpoint, planner_item, deliveries, receiver, frozen
):
    make_endpoint(["item.created"])
    planner_item()
    receiver.answer(500, 503)
    assert deliver_due() == 1
    [row] = deliveries()
    assert row.state == "pending" and row.attempts == 1 and row.last_status == 500
    assert row.next_attempt_at == utcnow() + BACKOFF[0]
    assert deliver_due() == 0  # not due yet
    frozen(BACKOFF[0].total_seconds())
    assert deliver_due() == 1
    frozen(BACKOFF[1].total_seconds() - 1)
    assert deliver_due() == 0
    frozen(1)
    assert deliver_due() == 1
    [row] = deliveries()
    assert row.state == "delivered" and row.attempts == 3
    assert [a.status_code for a in row.attempt_log] == [500, 503, 200]
    ids = {got.headers["webhook-id"] for got in receiver.received}
    stamps = [got.headers["webhook-timestamp"] for got in receiver.received]
    assert len(ids) == 1 and len(set(stamps)) == 3


def _exhaust(receiver, frozen):
    receiver.status = 500
    for attempt in range(ATTEMPTS):
        assert deliver_due() >= 1
        if attempt < len(BACKOFF):
            frozen(BACKOFF[attempt].total_seconds())


def test_a_delivery_fails_after_its_last_attempt_about_six_hours_on(
    make_endpoint, planner_item, deliveries, receiver, frozen
):
    make_endpoint(["item.created"])
    planner_item()
    started = utcnow()
    _exhaust(receiver, frozen)
    [row] = deliveries()
    assert row.state == "failed" and row.attempts == ATTEMPTS >= 5
    assert timedelta(hours=5) < row.finished_at - started < timedelta(hours=8)
    frozen(86400)
    assert deliver_due() == 0


def test_repeated_failure_disables_the_endpoint_with_a_notice(
    make_endpoint, planner_item, deliveries, receiver, frozen, client, as_user
):
    endpoint = make_endpoint(["item.created"])
    for n in range(DISABLE_AFTER):
        planner_item(title=f"Item {n}")
        _exhaust(receiver, frozen)
    _db.session.expire_all()
    endpoint = _db.session.get(WebhookEndpoint, endpoint.id)
    assert not endpoint.active and endpoint.disabled_at is not None
    assert f"{DISABLE_AFTER} deliveries in a row" in endpoint.disabled_reason
    planner_item(title="After")
    assert len(deliveries()) == DISABLE_AFTER  # none for a disabled endpoint
    browser, _admin = as_user("admin")
    page = browser.get(f"/admin/webhooks/{endpoint.id}").get_data(as_text=True)
    assert "deliveries in a row failed" in page
    listing = browser.get("/admin/webhooks").get_data(as_text=True)
    assert "disabled after failures" in listing


def test_a_success_in_between_resets_the_count(
    make_endpoint, planner_item, deliveries, receiver, frozen
):
    endpoint = make_endpoint(["item.created"])
    for n in range(DISABLE_AFTER - 1):
        planner_item(title=f"Item {n}")
        _exhaust(receiver, frozen)
    receiver.status = 200
    planner_item(title="Fine")
    deliver_due()
    _db.session.expire_all()
    assert _db.session.get(WebhookEndpoint, endpoint.id).failed_in_row == 0


def test_a_receiver_slower_than_the_timeout_counts_as_failed(
    make_endpoint, planner_item, deliveries, receiver, monkeypatch
):
    monkeypatch.setattr(delivery, "TIMEOUT", 0.2)
    receiver.delay = 0.5
    make_endpoint(["item.created"])
    planner_item()
    assert deliver_due() == 1
    [row] = deliveries()
    assert row.state == "pending" and row.last_status is None
    assert "no answer within" in row.last_error


def test_a_worker_killed_mid_attempt_leaves_the_delivery_due_after_the_lease(
    make_endpoint, planner_item, deliveries, receiver, frozen, monkeypatch
):
    make_endpoint(["item.created"])
    planner_item()
    real_post = delivery.post

    def killed(*args, **kwargs):
        raise SystemExit("killed")

    monkeypatch.setattr(delivery, "post", killed)
    with pytest.raises(SystemExit):
        deliver_due()
    _db.session.rollback()
    monkeypatch.setattr(delivery, "post", real_post)
    assert deliver_due() == 0  # claimed by the dead attempt
    frozen(delivery.LEASE.total_seconds())
    assert deliver_due() == 1
    [row] = deliveries()
    assert row.state == "delivered" and row.attempts == 2 and len(receiver.received) == 1


def test_two_jobs_for_one_delivery_send_it_once(make_endpoint, planner_item, deliveries, receiver):
    make_endpoint(["item.created"])
    planner_item()
    [row] = deliveries()
    assert delivery.deliver(row.id) is not None
    assert delivery.deliver(row.id) is None
    assert len(receiver.received) == 1


def test_redelivery_from_the_admin_page_sends_the_same_event_again(
    make_endpoint, planner_item, deliveries, receiver, as_user, queued
):
    make_endpoint(["item.created"])
    planner_item()
    queued.run_queued()
    [row] = deliveries()
    browser, _admin = as_user("admin")
    page = browser.get(f"/admin/webhooks/{row.endpoint_id}").get_data(as_text=True)
    assert "Redeliver" in page and "item.created" in page
    response = browser.post(f"/admin/webhooks/deliveries/{row.id}/redeliver")
    assert response.status_code == 302
    assert queued.run_queued() == 1
    first, second = receiver.received
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert first.body == second.body
    [row] = deliveries()
    assert row.state == "delivered" and [a.number for a in row.attempt_log] == [1, 2]


def test_a_pending_delivery_cannot_be_redelivered(
    make_endpoint, planner_item, deliveries, admin_api
):
    endpoint = make_endpoint(["item.created"])
    planner_item()
    [row] = deliveries()
    response = admin_api.post(f"/api/v1/webhooks/{endpoint.id}/deliveries/{row.id}/redeliver")
    assert response.status_code == 409

"""Conflict events: the plan's conflicts compared with those last announced, by
fingerprint: opened, resolved, changed (severity, state or message)."""

import json

from app.extensions import db as _db
from app.models import AnnouncedConflict, ConflictDecision
from app.webhooks.conflicts import check_conflicts, check_conflicts_if_stale
from app.webhooks.events import CHECK_JOB
from app.webhooks.signing import verify

CONFLICT_EVENTS = ["conflict.opened", "conflict.resolved", "conflict.changed"]


def _late_plan(plan, make_item, make_dependency):
    needed = make_item(plan.pay, key="PAY-1", title="Tokens API", start=plan.q1, estimate=2)
    needs = make_item(plan.chk, key="CHK-1", title="One-click", start=plan.q1, estimate=2)
    make_dependency(needs, needed, commitment="committed")
    return needed, needs


def _bodies(deliveries, event_type):
    return [json.loads(d.event.body) for d in deliveries(event_type)]


def _violations(deliveries, event_type):
    return [
        b["data"]
        for b in _bodies(deliveries, event_type)
        if b["data"]["conflict"]["type"] == "schedule_violation"
    ]


def test_the_first_check_takes_the_baseline_and_sends_nothing(
    make_endpoint, plan, make_item, make_dependency, deliveries
):
    make_endpoint(CONFLICT_EVENTS)
    needed, _needs = _late_plan(plan, make_item, make_dependency)
    needed.start_period_id = needed.end_period_id = plan.q2.id
    _db.session.flush()
    assert check_conflicts() == 0
    assert deliveries() == []
    assert _db.session.query(AnnouncedConflict).count() >= 1


def test_opened_changed_and_resolved(make_endpoint, plan, make_item, make_dependency, deliveries):
    make_endpoint(CONFLICT_EVENTS)
    needed, needs = _late_plan(plan, make_item, make_dependency)
    check_conflicts()

    needed.start_period_id = needed.end_period_id = plan.q2.id  # now late for CHK-1
    _db.session.flush()
    assert check_conflicts() >= 1
    [opened] = _violations(deliveries, "conflict.opened")
    conflict = opened["conflict"]
    assert set(conflict["items"]) == {"CHK-1", "PAY-1"}
    assert set(conflict["teams"]) == {"chk", "pay"} and conflict["state"] == "open"
    for key in ("type", "severity", "period", "message", "fingerprint", "suggestions"):
        assert key in conflict
    assert check_conflicts() == 0  # nothing new

    _db.session.add(
        ConflictDecision(
            fingerprint=conflict["fingerprint"],
            conflict_type="schedule_violation",
            state="acknowledged",
            note="known",
            by="someone",
        )
    )
    _db.session.flush()
    assert check_conflicts() >= 1
    [changed] = _violations(deliveries, "conflict.changed")
    assert changed["conflict"]["state"] == "acknowledged"
    assert changed["previous"]["state"] == "open"
    assert changed["conflict"]["fingerprint"] == conflict["fingerprint"]

    needed.start_period_id = needed.end_period_id = plan.q1.id
    _db.session.flush()
    assert check_conflicts() >= 1
    [resolved] = _violations(deliveries, "conflict.resolved")
    assert resolved["conflict"]["fingerprint"] == conflict["fingerprint"]
    assert resolved["conflict"]["state"] == "acknowledged"  # as last announced


def test_a_change_through_the_api_sends_conflict_opened_to_the_receiver(
    make_endpoint, plan, make_item, make_dependency, planner_api, queued, receiver
):
    endpoint = make_endpoint(["conflict.opened"])
    _late_plan(plan, make_item, make_dependency)
    _db.session.commit()
    assert queued.run_queued() == 1  # the baseline, asked for when the endpoint was made
    etag = planner_api.get("/api/v1/items/PAY-1").headers["ETag"]
    response = planner_api.patch(
        "/api/v1/items/PAY-1", json={"start": "2027 Q2"}, headers={"If-Match": etag}
    )
    assert response.status_code == 200, response.get_json()
    assert (CHECK_JOB, (), None) in queued.queued
    queued.run_queued()
    bodies = [json.loads(got.body) for got in receiver.received]
    assert {b["type"] for b in bodies} == {"conflict.opened"}
    assert "schedule_violation" in {b["data"]["conflict"]["type"] for b in bodies}
    got = receiver.received[0]
    assert verify(endpoint.secret, got.headers, got.body, int(got.headers["webhook-timestamp"]))


def test_without_endpoints_that_want_them_the_record_is_dropped(
    make_endpoint, admin_api, plan, make_item, make_dependency
):
    endpoint = make_endpoint(CONFLICT_EVENTS)
    _late_plan(plan, make_item, make_dependency)
    check_conflicts()
    assert _db.session.query(AnnouncedConflict).count() >= 1
    admin_api.patch(f"/api/v1/webhooks/{endpoint.id}", json={"events": ["item.created"]})
    assert check_conflicts_if_stale() == 0
    assert _db.session.query(AnnouncedConflict).count() == 0


def test_the_periodic_check_runs_only_when_the_plan_moved(
    make_endpoint, plan, make_item, make_dependency, deliveries
):
    make_endpoint(CONFLICT_EVENTS)
    needed, _needs = _late_plan(plan, make_item, make_dependency)
    assert check_conflicts_if_stale() == 0  # the baseline
    assert check_conflicts_if_stale() == 0 and deliveries() == []
    needed.start_period_id = needed.end_period_id = plan.q2.id
    _db.session.flush()
    assert check_conflicts_if_stale() >= 1

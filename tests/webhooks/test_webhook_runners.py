"""The job runners end to end, on a database of their own (jobs run in another
thread or in an RQ worker, so they must see committed data): the app's thread
without REDIS_URL, and RQ on a real Redis (skipped when Redis is not running
here; a failure when CI is set)."""

from __future__ import annotations

import json

from app import jobs
from app.extensions import db as _db
from app.models import Team, WebhookDelivery
from app.planning import operations as planning
from app.webhooks import operations
from app.webhooks.signing import verify


def _committed_change(app, receiver, events=("item.created",)):
    """An endpoint, then an item, each committed; the endpoint's secret."""
    with app.app_context():
        endpoint = operations.create_endpoint(receiver.url, events)
        secret = endpoint.secret
        team = Team(slug="pay", name="Payments", kind="platform")
        _db.session.add(team)
        _db.session.commit()
        planning.create_item(team, title="Tokens API", priority=1)
        _db.session.commit()
    return secret


def test_the_thread_runner_delivers_after_commit(scratch_app, receiver):
    with scratch_app(JOB_RUNNER="thread") as app:
        secret = _committed_change(app, receiver)
        [got] = receiver.wait(1)
        assert json.loads(got.body)["type"] == "item.created"
        assert verify(secret, got.headers, got.body, int(got.headers["webhook-timestamp"]))


def test_a_lost_job_is_found_by_the_tick_that_a_served_request_starts(
    scratch_app, receiver, monkeypatch
):
    with scratch_app(JOB_RUNNER="thread") as app:
        runner = jobs.runner(app)
        monkeypatch.setattr(runner, "enqueue", lambda *args, **kwargs: None)  # jobs lost
        _committed_change(app, receiver)
        monkeypatch.undo()
        assert receiver.received == []
        app.test_client().get("/auth/login")  # serving starts the tick; it sweeps
        [got] = receiver.wait(1)
        assert json.loads(got.body)["type"] == "item.created"


def _work(app) -> None:
    from rq import SimpleWorker

    runner = jobs.runner(app)
    with app.app_context():
        SimpleWorker([runner.queue()], connection=runner.connection).work(burst=True)


def test_an_rq_worker_delivers_what_a_commit_enqueued(rq_app, receiver):
    secret = _committed_change(rq_app, receiver)
    assert jobs.runner(rq_app).queue().count >= 1
    _work(rq_app)
    [got] = receiver.received
    assert verify(secret, got.headers, got.body, int(got.headers["webhook-timestamp"]))
    with rq_app.app_context():
        [row] = _db.session.scalars(_db.select(WebhookDelivery)).all()
        assert row.state == "delivered"


def test_an_rq_retry_of_a_500_is_scheduled_for_later(rq_app, receiver):
    receiver.status = 500
    _committed_change(rq_app, receiver)
    _work(rq_app)
    assert len(receiver.received) == 1
    queue = jobs.runner(rq_app).queue()
    assert queue.scheduled_job_registry.count == 1  # the next attempt, a minute on
    with rq_app.app_context():
        [row] = _db.session.scalars(_db.select(WebhookDelivery)).all()
        assert row.state == "pending" and row.attempts == 1


def test_a_job_that_raises_is_retried_by_rq(rq_app):
    with rq_app.app_context():
        jobs.enqueue("app.jobs:resolve", "no.such.module:job")
    _work(rq_app)
    queue = jobs.runner(rq_app).queue()
    [job_id] = queue.scheduled_job_registry.get_job_ids()
    job = queue.fetch_job(job_id)
    assert job.retries_left == len(jobs.RETRY_INTERVALS) - 1


def test_through_rq_a_500_is_retried_signed_then_redelivered_with_one_webhook_id(
    rq_app, receiver, time_machine
):
    from datetime import timedelta

    from rq.scheduler import RQScheduler

    from app.clock import utcnow
    from app.webhooks.delivery import BACKOFF

    receiver.status = 500
    secret = _committed_change(rq_app, receiver)
    _work(rq_app)
    receiver.status = 200
    time_machine.move_to(utcnow() + BACKOFF[0] + timedelta(seconds=1), tick=False)
    queue = jobs.runner(rq_app).queue()
    scheduler = RQScheduler([queue], connection=queue.connection)
    assert scheduler.acquire_locks()
    scheduler.enqueue_scheduled_jobs()  # what `flask worker`'s scheduler does when due
    scheduler.release_locks()
    _work(rq_app)
    with rq_app.app_context():
        [row] = _db.session.scalars(_db.select(WebhookDelivery)).all()
        assert row.state == "delivered" and row.attempts == 2
        operations.redeliver(row)
        _db.session.commit()
    _work(rq_app)
    first, retry, again = receiver.received
    assert first.headers["webhook-id"] == retry.headers["webhook-id"] == again.headers["webhook-id"]
    for got in (first, retry, again):
        assert verify(secret, got.headers, got.body, int(got.headers["webhook-timestamp"]))
    assert json.loads(again.body) == json.loads(first.body)

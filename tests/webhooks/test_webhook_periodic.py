"""The periodic tick: the weekly snapshot from Monday 06:00 UTC until the week's is
taken, the sweep of due deliveries, and `flask worker --burst`."""

from datetime import UTC, datetime

import pytest

from app.dashboard.snapshots import snapshot_taken
from app.jobs.periodic import snapshot_due, tick, weekly_snapshot
from app.webhooks.events import DELIVER_JOB


@pytest.mark.parametrize(
    ("moment", "due"),
    [
        (datetime(2026, 11, 16, 5, 59), None),  # Monday, before 06:00
        (datetime(2026, 11, 16, 6, 0), "2026-W47"),
        (datetime(2026, 11, 22, 23, 59), "2026-W47"),  # Sunday: still due, missed
        (datetime(2027, 1, 4, 6, 30), "2027-W01"),
        (datetime(2026, 12, 28, 6, 0), "2026-W53"),
    ],
)
def test_the_snapshot_is_due_from_monday_morning(db, moment, due):
    assert snapshot_due(moment) == due


def test_the_tick_takes_the_weeks_snapshot_once(db, time_machine, plan, make_item):
    make_item(plan.pay, title="Something")
    time_machine.move_to(datetime(2026, 11, 16, 6, 1, tzinfo=UTC), tick=False)
    assert not snapshot_taken("2026-W47")
    tick()
    assert snapshot_taken("2026-W47")
    assert weekly_snapshot() is None  # taken: not again this week


def test_the_tick_sweeps_due_deliveries_into_jobs(make_endpoint, planner_item, queued):
    make_endpoint(["item.created"])
    planner_item()
    queued.clear()  # as if the job was lost
    tick()
    assert [job[0] for job in queued.queued].count(DELIVER_JOB) == 1
    assert queued.run_queued() >= 1


def test_flask_worker_in_burst_runs_what_is_due(app, make_endpoint, planner_item, queued):
    make_endpoint(["item.created"])
    planner_item()
    queued.clear()
    result = app.test_cli_runner().invoke(args=["worker", "--burst"])
    assert result.exit_code == 0, result.output
    assert DELIVER_JOB in [job[0] for job in queued.queued]

"""What depends on the calendar, at the instants where a calendar turns: the first
and last minute of an ISO week, the last and first day of a quarter, and the
turn of a year whose last ISO week is 53 (2026).

Each test moves the clock before the organisation is made, so "this week",
"the current quarter" and "stale" are all read at that instant.
"""

from datetime import UTC, datetime, timedelta

import pytest
from status_helpers import WeekPage, add_update, stale_keys

from app.clock import utcnow
from app.models import StatusUpdate
from app.weeks import iso_week

BOUNDARIES = {
    "monday-00:00:30": (datetime(2026, 12, 7, 0, 0, 30), "2026-W50", "2026 Q4"),
    "sunday-23:59:30": (datetime(2026, 12, 6, 23, 59, 30), "2026-W49", "2026 Q4"),
    "quarter-last-day": (datetime(2027, 3, 31, 23, 59, 30), "2027-W13", "2027 Q1"),
    "quarter-first-day": (datetime(2027, 4, 1, 0, 0, 30), "2027-W13", "2027 Q2"),
    "week-53": (datetime(2026, 12, 31, 23, 59, 30), "2026-W53", "2026 Q4"),
    "new-year": (datetime(2027, 1, 1, 0, 0, 30), "2026-W53", "2027 Q1"),
}


@pytest.fixture(params=list(BOUNDARIES), ids=list(BOUNDARIES))
def instant(request, time_machine):
    """The clock stopped at a boundary; (moment, its ISO week, its quarter)."""
    moment, week, quarter = BOUNDARIES[request.param]
    time_machine.move_to(moment.replace(tzinfo=UTC), tick=False)
    return moment, week, quarter


def test_the_clock_reads_the_boundary(instant):
    moment, week, _ = instant
    assert utcnow() == moment
    assert iso_week(utcnow()) == week


def test_the_current_quarter_is_the_one_that_holds_today(instant, org, client, sign_in):
    _, _, quarter = instant
    assert org.now_q.name == quarter
    sign_in(org.users.planner)
    page = client.get("/roadmap").text
    assert f"{quarter} · now" in page
    assert page.count(" · now<") == 1


def test_an_update_made_now_counts_for_this_week_and_last_weeks_does_not(
    instant, db, org, client, sign_in
):
    _, week, _ = instant
    add_update(db, org.pay2, at=utcnow(), note="today")
    sign_in(org.users.viewer)
    page = client.get("/status/teams/pay").text
    assert f"1 of 2 active items updated or confirmed in {week}" in page, (
        "PAY-1's update of the minute before this week began is last week's"
    )


def test_confirming_an_item_on_my_week_files_it_in_this_week_and_ends_its_staleness(
    instant, db, org, client, sign_in
):
    _, week, _ = instant
    sign_in(org.users.pay_dev)
    page = client.get("/status/my-week").text
    assert "PAY-2" in stale_keys(page)
    form = WeekPage(page).set("PAY-2", no_change=True)
    assert client.post("/status/my-week", data=form.data()).status_code == 302
    [update] = db.session.query(StatusUpdate).filter_by(item_id=org.pay2.id).all()
    assert update.week == week
    assert "PAY-2" not in stale_keys(client.get("/status/my-week").text)


def test_the_digest_is_of_the_week_that_holds_today(instant, org, app):
    _, week, _ = instant
    result = app.test_cli_runner().invoke(args=["digest"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"# Weekly digest {week}\n")


@pytest.mark.parametrize(
    ("silence", "stale"),
    [(timedelta(days=7), False), (timedelta(days=7, seconds=1), True)],
    ids=["exactly-the-cadence", "one-second-past"],
)
def test_staleness_begins_one_second_past_the_cadence(
    time_machine, db, org, client, sign_in, silence, stale
):
    updated = utcnow()
    add_update(db, org.pay2, at=updated, note="on it")
    time_machine.move_to((updated + silence).replace(tzinfo=UTC), tick=False)
    sign_in(org.users.pay_dev)
    page = client.get("/status/my-week").text
    assert ("PAY-2" in stale_keys(page)) is stale
    result = app_conflicts(client.application, "PAY-2")
    assert ("stale_status" in result) is stale


def app_conflicts(app, key: str) -> list[str]:
    """The conflict types of one item, from `flask conflicts --format json`."""
    import json

    result = app.test_cli_runner().invoke(args=["conflicts", "--format", "json"])
    return [c["type"] for c in json.loads(result.output) if key in c["items"]]

"""The weekly reminders and the planners' nudge: when they are due (in the
organisation's time zone), who gets them, what they say, and once a week."""

from datetime import UTC, datetime

import pytest
from notify_org import FRIDAY, THURSDAY, THURSDAY_EARLY, WEDNESDAY, build_org, update
from sqlalchemy import select

from app.models import Notification, OutgoingMail
from app.notifications.preferences import set_channel
from app.notifications.reminders import nudges, reminders, send_nudges, send_reminders
from app.notifications.schedule import ScheduleError, notifications_due, schedule


@pytest.fixture
def org(db, make_team, make_quarters, make_item, make_user):
    return build_org(make_team, make_quarters, make_item, make_user)


def _mails(db):
    return {m.recipient: m for m in db.session.scalars(select(OutgoingMail))}


@pytest.mark.parametrize(
    ("moment", "due"),
    [
        (WEDNESDAY, None),
        (THURSDAY_EARLY, None),
        (THURSDAY, "2026-W47"),
        (datetime(2026, 11, 22, 23, 59, tzinfo=UTC), "2026-W47"),  # Sunday: still this week's
        (datetime(2026, 11, 23, 9, 0, tzinfo=UTC), None),  # Monday: a new week, not yet due
    ],
)
def test_reminders_are_due_from_thursday_ten_until_the_week_ends(app, moment, due):
    with app.app_context():
        assert schedule().reminder_week(moment.replace(tzinfo=None)) == due


def test_the_times_are_the_organisations(app, monkeypatch):
    monkeypatch.setitem(app.config, "ORG_TIMEZONE", "Europe/Berlin")  # UTC+1 in November
    with app.app_context():
        plan = schedule()
        assert plan.reminder_week(datetime(2026, 11, 19, 8, 59)) is None
        assert plan.reminder_week(datetime(2026, 11, 19, 9, 0)) == "2026-W47"
        assert plan.describe(plan.reminder) == "Thursday 10:00 (Europe/Berlin)"


@pytest.mark.parametrize(
    ("name", "value"),
    [("ORG_TIMEZONE", "Mars/Olympus"), ("REMINDER_AT", "Thursday"), ("NUDGE_AT", "Fri 25:00")],
)
def test_a_bad_setting_is_a_clear_error(app, monkeypatch, name, value):
    monkeypatch.setitem(app.config, name, value)
    with app.app_context(), pytest.raises(ScheduleError, match=name):
        schedule()


def test_each_contributor_of_a_team_behind_gets_one_reminder_listing_its_items(
    db, org, frozen, time_machine
):
    update(db, org.items.pay1)  # Payments is part-way: PAY-2 still to do
    time_machine.move_to(THURSDAY, tick=False)
    found = {p.user.email: p for p in reminders("2026-W47")}
    assert set(found) == {"pay.dev@example.com", "chk.dev@example.com", "both.dev@example.com"}
    both = found["both.dev@example.com"].note
    assert both.title == "Weekly update 2026-W47: 2 items still to update"
    assert both.path == "/status/my-week"
    assert "Checkout: 0 of 1 updated" in both.body and "Payments Platform: 1 of 2" in both.body
    assert "PAY-2 Refunds API" in both.body and "PAY-1" not in both.body
    assert send_reminders("2026-W47") == 3
    mail = _mails(db)["pay.dev@example.com"]
    assert "PAY-2 Refunds API" in mail.text and "http://127.0.0.1:5000/status/my-week" in mail.text
    assert mail.unsubscribe_url and "/unsubscribe/" in mail.unsubscribe_url
    assert send_reminders("2026-W47") == 0  # run twice: sent once
    assert len(_mails(db)) == 3


def test_a_team_with_its_update_done_is_not_reminded(db, org, time_machine):
    for item in (org.items.pay1, org.items.pay2):
        update(db, item)
    time_machine.move_to(THURSDAY, tick=False)
    assert {p.user.email for p in reminders("2026-W47")} == {
        "chk.dev@example.com",
        "both.dev@example.com",
    }


def test_the_reminder_goes_by_each_persons_channel(db, org, time_machine):
    set_channel(org.people.pay_dev.id, "weekly_reminder", "inbox")
    set_channel(org.people.chk_dev.id, "weekly_reminder", "off")
    time_machine.move_to(THURSDAY, tick=False)
    assert send_reminders("2026-W47") == 2
    inboxed = {n.user_id for n in db.session.scalars(select(Notification))}
    assert inboxed == {org.people.pay_dev.id, org.people.both_dev.id}
    assert set(_mails(db)) == {"both.dev@example.com"}


def test_the_nudge_goes_to_a_teams_planners_or_else_every_planner(db, org, time_machine):
    update(db, org.items.chk1)  # Checkout posted: only Payments is silent
    time_machine.move_to(FRIDAY, tick=False)
    found = {p.user.email: p.note for p in nudges("2026-W47")}
    # Payments has no planner of its own: every planner hears of it
    assert set(found) == {"planner@example.com", "chk.planner@example.com"}
    assert found["planner@example.com"].title == "1 team without a weekly update for 2026-W47"
    assert "Payments Platform (pay): 2 items, none updated" in found["planner@example.com"].body
    assert "Checkout" not in found["chk.planner@example.com"].body


def test_a_silent_team_with_a_planner_nudges_only_that_planner(db, org, time_machine):
    update(db, org.items.pay1)
    time_machine.move_to(FRIDAY, tick=False)
    found = {p.user.email: p.note for p in nudges("2026-W47")}
    assert set(found) == {"chk.planner@example.com"}
    assert "Checkout (chk)" in found["chk.planner@example.com"].body
    assert send_nudges("2026-W47") == 1 and send_nudges("2026-W47") == 0


def test_the_tick_part_sends_what_is_due_once(db, org, time_machine):
    time_machine.move_to(THURSDAY_EARLY, tick=False)
    assert notifications_due() == []
    time_machine.move_to(THURSDAY, tick=False)
    assert notifications_due() == ["3 reminders of 2026-W47"]
    assert notifications_due() == []
    time_machine.move_to(FRIDAY, tick=False)
    assert notifications_due() == ["2 nudges of 2026-W47"]
    assert notifications_due() == []
    assert len(_mails(db)) == 5


def test_the_tick_runs_the_notifications_part(db, org, time_machine):
    from app.jobs.periodic import tick

    time_machine.move_to(THURSDAY, tick=False)
    tick()
    assert len(_mails(db)) == 3

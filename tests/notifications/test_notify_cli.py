"""`flask notify reminders|digest|send-pending`, with and without --dry-run."""

import pytest
from notify_org import FRIDAY, NEXT_MONDAY, THURSDAY, build_org
from sqlalchemy import func, select

from app.models import Notification, OutgoingMail


@pytest.fixture
def org(db, make_team, make_quarters, make_item, make_user):
    return build_org(make_team, make_quarters, make_item, make_user)


@pytest.fixture
def run(app, db):
    def invoke(*args):
        return app.test_cli_runner().invoke(args=["notify", *args])

    return invoke


def _written(db) -> int:
    return db.session.scalar(select(func.count()).select_from(OutgoingMail)) + db.session.scalar(
        select(func.count()).select_from(Notification)
    )


def test_before_thursday_the_reminders_say_when_they_are_due(run, org):
    result = run("reminders")
    assert result.exit_code == 0, result.output
    assert "Reminders of 2026-W47 are not due yet: they go out from Thursday 10:00 (UTC)." in (
        result.output
    )


def test_a_dry_run_prints_who_would_get_what_and_writes_nothing(run, db, org, time_machine):
    time_machine.move_to(FRIDAY, tick=False)
    result = run("reminders", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Reminders of 2026-W47 (dry run): 3 to send, 0 not" in result.output
    assert "pay.dev@example.com (email): Weekly update 2026-W47: 2 items still to update" in (
        result.output
    )
    assert "PAY-2 Refunds API (P2)" in result.output
    assert "Nudges of 2026-W47 (dry run): 2 to send" in result.output
    assert _written(db) == 0


def test_the_reminders_are_sent_once(run, db, org, time_machine):
    time_machine.move_to(THURSDAY, tick=False)
    assert "Reminders of 2026-W47: sent 3." in run("reminders").output
    assert "Reminders of 2026-W47: sent 0." in run("reminders").output
    dry = run("reminders", "--dry-run").output
    assert "0 to send, 3 not" in dry and "(email, already sent)" in dry


def test_the_digest_by_hand_and_in_a_dry_run(run, db, org, time_machine):
    time_machine.move_to(NEXT_MONDAY, tick=False)
    dry = run("digest", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "The digest of 2026-W47 (dry run): 8 to send, 0 not" in dry.output
    assert "lead@example.com (email): Weekly digest 2026-W47" in dry.output
    assert _written(db) == 0
    assert "The digest of 2026-W47: sent 8." in run("digest").output
    assert "The digest of 2026-W46: sent 8." in run("digest", "--week", "2026-w46").output
    assert "sent 0." in run("digest").output


@pytest.mark.parametrize(
    ("week", "says"),
    [("W47", "is not an ISO week"), ("2026-W60", "is not an ISO week"), ("2027-W05", "not begun")],
)
def test_a_bad_week_is_refused(run, org, week, says):
    result = run("digest", "--week", week)
    assert result.exit_code == 2
    assert "--week" in result.output and says in result.output


def test_a_bad_setting_is_refused(run, app, monkeypatch):
    monkeypatch.setitem(app.config, "DIGEST_AT", "Someday 08:00")
    result = run("digest", "--dry-run")
    assert result.exit_code == 2 and "DIGEST_AT" in result.output


def test_send_pending(run, db, org):
    from app.notifications.notify import Note, notify
    from app.notifications.preferences import set_channel

    set_channel(org.people.pay_dev.id, "request_received", "daily")
    notify([org.people.pay_dev], Note("request_received", "request:9", "A request", "/items/PAY-1"))
    dry = run("send-pending", "--dry-run")
    assert "Daily mails (dry run): 1 to send" in dry.output and "pay.dev@example.com" in dry.output
    assert "Daily mails: sent 1." in run("send-pending").output
    assert "Daily mails: sent 0." in run("send-pending").output

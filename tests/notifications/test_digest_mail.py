"""The weekly digest by mail (who follows what, the content, once a week) and the
daily mail of gathered notifications."""

import pytest
from notify_org import NEXT_MONDAY, NEXT_MONDAY_EARLY, build_org, update
from sqlalchemy import select

from app.models import Notification, OutgoingMail
from app.notifications.daily import send_pending
from app.notifications.digest_mail import digest_mails, send_digest
from app.notifications.notify import Note, notify
from app.notifications.preferences import set_channel
from app.notifications.schedule import notifications_due, schedule
from app.status.digest import to_text
from app.status.digest_data import load_digest


@pytest.fixture
def org(db, make_team, make_quarters, make_item, make_user):
    found = build_org(make_team, make_quarters, make_item, make_user)
    update(db, found.items.pay1, health="at_risk", note="Card vault late")  # in 2026-W47
    return found


def _mails(db):
    return {m.recipient: m for m in db.session.scalars(select(OutgoingMail))}


def test_the_digest_is_due_on_monday_morning_for_the_week_just_ended(app):
    with app.app_context():
        plan = schedule()
        assert plan.digest_week(NEXT_MONDAY_EARLY.replace(tzinfo=None)) is None
        assert plan.digest_week(NEXT_MONDAY.replace(tzinfo=None)) == "2026-W47"


def test_leadership_follows_every_team_and_the_others_their_own(db, org, time_machine):
    time_machine.move_to(NEXT_MONDAY, tick=False)
    parts = {p.user.email: mail for p, mail in digest_mails("2026-W47")}
    assert "gone@example.com" not in parts
    teams = {email: {t.slug for t in mail.digest.teams} for email, mail in parts.items()}
    everything = {"pay", "chk", "idl"}
    assert teams["lead@example.com"] == teams["admin@example.com"] == everything
    assert teams["planner@example.com"] == everything  # a planner of no team
    assert teams["chk.planner@example.com"] == {"chk"}
    assert teams["pay.dev@example.com"] == {"pay"}
    assert teams["both.dev@example.com"] == {"pay", "chk"}


def test_the_mail_is_the_digest_with_trend_and_decisions(db, org, time_machine):
    time_machine.move_to(NEXT_MONDAY, tick=False)
    page = to_text(load_digest("2026-W47", NEXT_MONDAY.replace(tzinfo=None)))
    assert "PAY-1 Tokenised cards: first update: at risk" in page
    assert send_digest("2026-W47") == 8
    mail = _mails(db)["pay.dev@example.com"]
    assert mail.subject.startswith("Weekly digest 2026-W47: ")
    for part in (mail.text, mail.html):
        assert "PAY-1 Tokenised cards: first update: at risk" in part
        assert "Card vault late" in part
        assert "Open conflicts, week by week" in part and "2026-W48 (now)" in part
        assert "Needs a decision" in part
        assert "http://127.0.0.1:5000/status/digest?week=2026-W47" in part
    assert "Checkout" not in mail.text  # not a team of theirs
    assert "Nothing to report: Checkout, Idle." in _mails(db)["lead@example.com"].text
    assert mail.unsubscribe_url and mail.key.startswith("digest:2026-W47:user:")


def test_the_digest_goes_once_a_week_by_each_persons_channel(db, org, time_machine):
    set_channel(org.people.viewer.id, "weekly_digest", "off")
    set_channel(org.people.admin.id, "weekly_digest", "inbox")
    time_machine.move_to(NEXT_MONDAY, tick=False)
    assert notifications_due() == ["7 digest mails of 2026-W47"]
    assert notifications_due() == []
    assert send_digest("2026-W47") == 0
    mails = _mails(db)
    assert len(mails) == 6 and "lead@example.com" not in mails and "admin@example.com" not in mails
    [inboxed] = db.session.scalars(
        select(Notification).where(Notification.user_id == org.people.admin.id)
    ).all()
    assert inboxed.title == "Weekly digest 2026-W47" and inboxed.url.endswith("week=2026-W47")


def test_the_daily_mail_gathers_each_persons_waiting_notifications(db, org, time_machine):
    person, other = org.people.pay_dev, org.people.chk_dev
    for user in (person, other):
        set_channel(user.id, "request_received", "daily")
    notify(
        [person, other],
        Note("request_received", "request:1", "Checkout asks for PAY-1", "/items/PAY-1"),
    )
    notify(
        [person], Note("request_received", "request:2", "Checkout asks for PAY-2", "/items/PAY-2")
    )
    assert _mails(db) == {}
    assert send_pending() == 2
    mail = _mails(db)[person.email]
    assert mail.key.endswith(f":user:{person.id}") and "2026-11-18" in mail.key
    assert "PAY-1" in mail.text and "PAY-2" in mail.text and "/items/PAY-2" in mail.html
    assert mail.unsubscribe_url  # one event: the mail client's button stops it
    waiting = db.session.scalars(select(Notification).where(Notification.mail_daily.is_(True)))
    assert list(waiting) == []
    # what comes later the same day waits for tomorrow's mail
    notify(
        [person], Note("request_received", "request:3", "Checkout asks for PAY-3", "/items/PAY-3")
    )
    assert send_pending() == 0
    time_machine.move_to(NEXT_MONDAY, tick=False)
    assert send_pending() == 1
    assert len(db.session.scalars(select(OutgoingMail)).all()) == 3

"""A request for a team's work, from the commit to the mail server, through a real
Redis and an RQ worker: each member of the providing team gets it as they chose
(the inbox, or the inbox and a mail at once), one mail for one event, and a mail
server that is down is retried until it is up."""

from __future__ import annotations

from datetime import timedelta

import pytest
from mail_server import free_port
from rq import SimpleWorker
from sqlalchemy import select

from app import jobs
from app.extensions import db as _db
from app.mail import send_due
from app.models import Item, Notification, OutgoingMail, Team, TeamMembership, User
from app.notifications.preferences import set_channel
from app.planning import dependency_operations, operations


def _work(app) -> None:
    runner = jobs.runner(app)
    with app.app_context():
        SimpleWorker([runner.queue()], connection=runner.connection).work(burst=True)


def _plan(app) -> dict[str, int]:
    """Payments Platform with two members, one of them mailed at once; Checkout."""
    with app.app_context():
        pay = Team(slug="pay", name="Payments Platform", kind="platform")
        chk = Team(slug="chk", name="Checkout", kind="product")
        mailed = User(email="mailed@example.com", role="contributor", password_hash="-")
        quiet = User(email="quiet@example.com", role="contributor", password_hash="-")
        _db.session.add_all([pay, chk, mailed, quiet])
        _db.session.flush()
        _db.session.add_all([TeamMembership(user_id=u.id, team_id=pay.id) for u in (mailed, quiet)])
        set_channel(mailed.id, "request_received", "email")
        cards = operations.create_item(pay, title="Cards", priority=1)
        click = operations.create_item(chk, title="One-click checkout", priority=0)
        _db.session.commit()
        return {"cards": cards.id, "click": click.id, "mailed": mailed.id, "quiet": quiet.id}


def _request(app, ids) -> None:
    with app.app_context():
        cards, click = _db.session.get(Item, ids["cards"]), _db.session.get(Item, ids["click"])
        dependency_operations.add_dependency(click, cards)
        _db.session.commit()


@pytest.fixture
def mailing_app(rq_app, app, inbox, monkeypatch):
    """The RQ app, its MAIL_URL the tests' SMTP server's."""
    monkeypatch.setitem(rq_app.config, "MAIL_URL", app.config["MAIL_URL"])
    return rq_app


def test_a_request_reaches_each_member_as_they_chose_through_a_worker(mailing_app, inbox):
    rq_app = mailing_app
    ids = _plan(rq_app)
    _request(rq_app, ids)
    _work(rq_app)
    [message] = inbox.messages
    assert message["To"] == "mailed@example.com"
    assert "Checkout asks Payments Platform for PAY-1" in message["Subject"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    with rq_app.app_context():
        notified = set(_db.session.scalars(select(Notification.user_id)))
        assert notified == {ids["mailed"], ids["quiet"]}
        [mail] = _db.session.scalars(select(OutgoingMail)).all()
        assert mail.state == "sent"
    _work(rq_app)  # nothing more to do: one mail for one event
    assert len(inbox.envelopes) == 1


def test_a_mail_server_that_is_down_is_retried_through_the_worker(
    mailing_app, inbox, monkeypatch, time_machine
):
    rq_app = mailing_app
    up = rq_app.config["MAIL_URL"]
    monkeypatch.setitem(rq_app.config, "MAIL_URL", f"smtp://127.0.0.1:{free_port()}")
    ids = _plan(rq_app)
    _request(rq_app, ids)
    _work(rq_app)
    with rq_app.app_context():
        [mail] = _db.session.scalars(select(OutgoingMail)).all()
        assert mail.state == "pending" and mail.attempts == 1 and mail.last_error
        due = mail.next_attempt_at
    assert inbox.envelopes == []
    monkeypatch.setitem(rq_app.config, "MAIL_URL", up)
    time_machine.move_to(due + timedelta(seconds=1), tick=False)
    with rq_app.app_context():
        send_due()  # the periodic sweep finds the mail due again
    _work(rq_app)
    [message] = inbox.messages
    assert message["To"] == "mailed@example.com"
    with rq_app.app_context():
        [mail] = _db.session.scalars(select(OutgoingMail)).all()
        assert mail.state == "sent" and mail.attempts == 2 and mail.sent_at >= due

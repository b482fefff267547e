"""A team's chat channel: set on the admin team form (http(s), a public address
unless private hosts are allowed), and posted to by a job as a Slack-compatible
JSON body, claimed with a lease, retried with backoff and failed after the last
attempt; tested end to end against a receiver on 127.0.0.1."""

import json
import logging

import pytest
from sqlalchemy import select

from app.clock import utcnow
from app.models import AuditEvent, ChatMessage, Team
from app.notifications import chat
from app.notifications.notify import CHAT_JOB, Note, notify
from app.webhooks import delivery
from app.webhooks.delivery import ATTEMPTS, BACKOFF, LEASE

NOTE = Note("request_received", "request:1", "Checkout asks Payments for PAY-7", "/items/PAY-7")
PUBLIC = "https://93.184.216.34/hooks/pay"  # an address, so that no name is looked up


def _team_form(team: Team, url: str) -> dict[str, str]:
    return {"name": team.name, "kind": team.kind, "default_capacity": "", "chat_channel_url": url}


def test_an_admin_sets_and_clears_a_teams_chat_channel(db, as_user, make_team):
    team = make_team("pay")
    client, _admin = as_user("admin")
    page = client.get(f"/admin/teams/{team.id}").get_data(as_text=True)
    assert "Chat channel (incoming webhook URL)" in page and 'name="chat_channel_url"' in page
    assert client.post(f"/admin/teams/{team.id}", data=_team_form(team, PUBLIC)).status_code == 302
    db.session.refresh(team)
    assert team.chat_channel_url == PUBLIC
    # the URL is a credential: the audit history says it was set, not what it is
    [event] = db.session.scalars(
        select(AuditEvent).where(AuditEvent.entity == "team", AuditEvent.action == "update")
    ).all()
    assert event.changes["chat_channel_url"] == [None, "(set)"]
    assert PUBLIC not in json.dumps(event.changes)
    assert client.post(f"/admin/teams/{team.id}", data=_team_form(team, "")).status_code == 302
    db.session.refresh(team)
    assert team.chat_channel_url is None


def test_a_new_team_can_have_a_chat_channel(db, as_user):
    client, _admin = as_user("admin")
    data = {"slug": "idp", "name": "Identity", "kind": "platform", "chat_channel_url": PUBLIC}
    assert client.post("/admin/teams/new", data=data).status_code == 302
    assert db.session.scalar(select(Team.chat_channel_url).where(Team.slug == "idp")) == PUBLIC


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://93.184.216.34/hooks", "Only http:// and https://"),
        ("http://127.0.0.1:8080/hooks", "public addresses only"),
        ("https://10.0.0.5/hooks", "public addresses only"),
        ("https://user:secret@93.184.216.34/hooks", "Leave user names and passwords out"),
        ("https://" + "a" * 2000 + ".example.com/", "longer than 2000 characters"),
    ],
)
def test_a_chat_channel_that_is_not_public_http_is_refused(db, as_user, make_team, url, message):
    team = make_team("pay")
    client, _admin = as_user("admin")
    response = client.post(f"/admin/teams/{team.id}", data={**_team_form(team, url), "name": "New"})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    db.session.refresh(team)
    assert (team.name, team.chat_channel_url) == ("Pay", None)


def test_private_hosts_are_allowed_when_configured(db, as_user, make_team, allow_private, receiver):
    team = make_team("pay")
    client, _admin = as_user("admin")
    response = client.post(f"/admin/teams/{team.id}", data=_team_form(team, receiver.url))
    assert response.status_code == 302
    db.session.refresh(team)
    assert team.chat_channel_url == receiver.url


@pytest.fixture
def channel(db, make_team, allow_private, receiver):
    team = make_team("pay")
    team.chat_channel_url = receiver.url
    db.session.flush()
    return team


def _message(db) -> ChatMessage:
    db.session.expire_all()
    return db.session.scalar(select(ChatMessage))


def test_a_notification_reaches_the_channel_once_committed(
    db, channel, make_user, receiver, queued
):
    notify([make_user("contributor", teams=[channel])], NOTE, teams=[channel])
    message_id = _message(db).id
    assert queued.queued == []  # nothing before the commit
    db.session.commit()
    assert [job for job in queued.queued if job[0] == CHAT_JOB] == [(CHAT_JOB, (message_id,), None)]
    queued.run_queued()
    [got] = receiver.received
    assert got.path == "/hooks" and got.headers["content-type"] == "application/json"
    link = "http://127.0.0.1:5000/items/PAY-7"  # BASE_URL and the note's page
    assert got.json == {"text": f"Checkout asks Payments for PAY-7\n{link}"}
    message = _message(db)
    assert (message.state, message.attempts, message.last_error) == ("sent", 1, None)
    assert message.sent_at is not None and message.next_attempt_at is None
    assert chat.send_due() == 0 and chat.post(message.id) is None  # sent once


def test_an_error_answer_is_retried_after_the_backoff(db, channel, receiver, queued, frozen):
    notify([], NOTE, teams=[channel])
    message = _message(db)
    receiver.answer(500)
    outcome = chat.post(message.id)
    assert not outcome.ok and outcome.status == 500
    message = _message(db)
    assert (message.state, message.attempts, message.last_error) == (
        "pending",
        1,
        "answered HTTP 500",
    )
    assert message.next_attempt_at == utcnow() + BACKOFF[0]
    assert queued.queued[-1] == (CHAT_JOB, (message.id,), message.next_attempt_at)
    queued.clear()
    assert chat.send_due() == 0  # not due yet
    frozen(BACKOFF[0])
    assert chat.send_due() == 1 and queued.run_queued() == 1
    message = _message(db)
    assert (message.state, message.attempts) == ("sent", 2)
    assert len(receiver.received) == 2


def test_a_message_fails_after_its_last_attempt_logged(db, channel, receiver, frozen, caplog):
    notify([], NOTE, teams=[channel])
    message_id = _message(db).id
    receiver.status = 503
    with caplog.at_level(logging.WARNING, logger="app.notifications.chat"):
        for attempt in range(ATTEMPTS):
            assert chat.post(message_id) is not None
            if attempt < len(BACKOFF):
                assert chat.post(message_id) is None  # not due again yet
                frozen(BACKOFF[attempt])
    message = _message(db)
    assert (message.state, message.attempts, message.next_attempt_at) == ("failed", ATTEMPTS, None)
    assert len(receiver.received) == ATTEMPTS
    assert chat.send_due() == 0
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and f"failed after {ATTEMPTS} attempts" in errors[0].getMessage()
    assert receiver.url not in caplog.text  # the URL is a credential


def test_a_worker_killed_mid_attempt_leaves_the_message_due_after_the_lease(
    db, channel, receiver, frozen, monkeypatch
):
    notify([], NOTE, teams=[channel])
    message_id = _message(db).id
    real_post = delivery.post

    def killed(*args, **kwargs):
        raise SystemExit("killed")

    monkeypatch.setattr(delivery, "post", killed)
    with pytest.raises(SystemExit):
        chat.post(message_id)
    db.session.rollback()
    monkeypatch.setattr(delivery, "post", real_post)
    assert chat.post(message_id) is None  # claimed by the dead attempt
    assert chat.send_due() == 0
    frozen(LEASE)
    assert chat.post(message_id).ok
    message = _message(db)
    assert (message.state, message.attempts) == ("sent", 2) and len(receiver.received) == 1


def test_a_channel_that_became_private_is_refused_when_posting(
    db, channel, receiver, monkeypatch, app
):
    notify([], NOTE, teams=[channel])
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_PRIVATE_HOSTS", False)
    outcome = chat.post(_message(db).id)
    assert not outcome.ok and "public addresses only" in outcome.error
    assert receiver.received == []
    assert _message(db).state == "pending"


def test_a_slow_channel_counts_as_failed(db, channel, receiver, monkeypatch):
    monkeypatch.setattr(delivery, "TIMEOUT", 0.2)
    receiver.delay = 0.5
    notify([], NOTE, teams=[channel])
    outcome = chat.post(_message(db).id)
    assert not outcome.ok and "no answer within" in outcome.error

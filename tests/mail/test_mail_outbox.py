"""The outbox against a real SMTP server on 127.0.0.1: sent after the commit as
plain text and HTML with the one-click unsubscribe headers, once per key, retried
when the server is away (the clock moved, never slept), failed after the last
attempt, written to the log without MAIL_URL, a bad MAIL_URL logged."""

import logging
from email.utils import parsedate_to_datetime

from mail_server import free_port, smtp_server

from app.clock import utcnow
from app.extensions import db as _db
from app.jobs.periodic import tick
from app.mail import absolute_url, queue_mail, send_due, send_mail
from app.mail.outbox import ATTEMPTS, BACKOFF, SEND_JOB
from app.models import OutgoingMail

KEY = "digest:2026-W47:user:5"


def _queue(key=KEY, **fields):
    link = absolute_url("status.digest")
    values = {
        "to": "ana@example.com",
        "subject": "Your week in the roadmap",
        "text": f"The digest: {link}",
        "html": f'<p>The <a href="{link}">digest</a></p>',
        "unsubscribe_url": absolute_url("main.home") + "unsubscribe/abc",
        **fields,
    }
    return queue_mail(key, **values)


def _mails() -> list[OutgoingMail]:
    _db.session.expire_all()
    return _db.session.scalars(_db.select(OutgoingMail).order_by(OutgoingMail.id)).all()


def test_a_queued_mail_is_sent_after_the_commit_with_both_parts(inbox, queued, frozen):
    assert _queue()
    assert queued.queued == []  # not before the commit
    _db.session.commit()
    assert [job[0] for job in queued.queued] == [SEND_JOB]
    assert queued.run_queued() == 1

    [envelope] = inbox.envelopes
    assert envelope.mail_from == "roadmap@localhost"
    assert envelope.rcpt_tos == ["ana@example.com"]
    [message] = inbox.messages
    assert message["From"] == "Roadmap alignment <roadmap@localhost>"
    assert message["To"] == "ana@example.com"
    assert message["Subject"] == "Your week in the roadmap"
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "The digest: http://127.0.0.1:5000/status/digest" in text
    assert '<a href="http://127.0.0.1:5000/status/digest">' in html
    assert message["List-Unsubscribe"] == "<http://127.0.0.1:5000/unsubscribe/abc>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert parsedate_to_datetime(message["Date"]).replace(tzinfo=None) == utcnow().replace(
        microsecond=0
    )
    [mail] = _mails()
    assert message["Message-ID"] == mail.message_id and mail.message_id.endswith("@localhost>")
    assert (mail.state, mail.attempts, mail.sent_at, mail.last_error) == ("sent", 1, utcnow(), None)
    assert mail.next_attempt_at is None


def test_without_an_unsubscribe_url_there_are_no_unsubscribe_headers(inbox, queued):
    _queue(unsubscribe_url=None)
    _db.session.commit()
    queued.run_queued()
    [message] = inbox.messages
    assert "List-Unsubscribe" not in message and "List-Unsubscribe-Post" not in message


def test_one_key_is_one_mail_however_often_it_is_queued(inbox, queued):
    assert _queue()
    assert not _queue(subject="Queued again in the same transaction")
    assert _queue(key="digest:2026-W47:user:6", to="ben@example.com")  # the transaction goes on
    _db.session.commit()
    assert not _queue(subject="Queued again by a second run of the job")
    _db.session.commit()
    assert send_due() == 2  # the sweep finds them too: two jobs for each mail
    assert queued.run_queued() == 4
    assert sorted(e.rcpt_tos[0] for e in inbox.envelopes) == ["ana@example.com", "ben@example.com"]
    assert [m["Subject"] for m in inbox.messages] == ["Your week in the roadmap"] * 2
    assert [m.state for m in _mails()] == ["sent", "sent"]


def test_a_rolled_back_transaction_queues_nothing(inbox, queued):
    _queue()
    _db.session.rollback()
    _db.session.commit()
    assert queued.queued == [] and _mails() == []


def test_an_unreachable_server_is_retried_later_until_it_is_up(
    app, monkeypatch, queued, frozen, caplog
):
    port = free_port()
    monkeypatch.setitem(app.config, "MAIL_URL", f"smtp://127.0.0.1:{port}")
    _queue()
    _db.session.commit()
    with caplog.at_level(logging.WARNING, logger="app.mail"):
        assert queued.run_queued() == 1
    [mail] = _mails()
    retry_at = utcnow() + BACKOFF[0]
    assert (mail.state, mail.attempts, mail.next_attempt_at) == ("pending", 1, retry_at)
    assert "ConnectionRefusedError" in mail.last_error
    [record] = [r for r in caplog.records if r.name == "app.mail"]
    assert record.levelno == logging.WARNING and f"{KEY}) to ana@example.com, attempt 1" in (
        record.getMessage()
    )
    assert queued.queued == [(SEND_JOB, (mail.id,), retry_at)]
    assert queued.run_queued() == 0  # not due yet

    with smtp_server(port) as (inbox, _url):
        frozen(BACKOFF[0])
        assert queued.run_queued() == 1
    assert len(inbox.envelopes) == 1
    [mail] = _mails()
    assert (mail.state, mail.attempts, mail.last_error) == ("sent", 2, None)


def test_a_mail_fails_after_its_last_attempt(app, monkeypatch, queued, frozen, caplog):
    monkeypatch.setitem(app.config, "MAIL_URL", f"smtp://127.0.0.1:{free_port()}")
    _queue()
    _db.session.commit()
    queued.run_queued()
    for delay in BACKOFF:
        queued.clear()  # as if the retry's job were lost: the periodic sweep finds it
        frozen(delay)
        tick()
        assert queued.run_queued() == 1
    [mail] = _mails()
    assert (mail.state, mail.attempts, mail.next_attempt_at) == ("failed", ATTEMPTS, None)
    assert queued.queued == [] and send_due() == 0
    assert any(
        r.levelno == logging.ERROR and f"failed {ATTEMPTS} times" in r.getMessage()
        for r in caplog.records
    )


def test_without_mail_url_the_mail_is_written_to_the_log_and_counts_as_sent(app, queued, caplog):
    assert app.config["MAIL_URL"] is None
    _queue()
    _db.session.commit()
    with caplog.at_level(logging.INFO, logger="app.mail"):
        assert queued.run_queued() == 1
    [record] = [r for r in caplog.records if r.name == "app.mail"]
    logged = record.getMessage()
    assert "MAIL_URL is not set" in logged
    assert "To: ana@example.com" in logged and "Subject: Your week in the roadmap" in logged
    assert "The digest: http://127.0.0.1:5000/status/digest" in logged
    [mail] = _mails()
    assert (mail.state, mail.attempts) == ("sent", 1)


def test_a_bad_mail_url_is_a_clear_error_in_the_log(app, monkeypatch, queued, caplog):
    monkeypatch.setitem(app.config, "MAIL_URL", "ftp://x")
    assert _queue()  # queueing never reads MAIL_URL
    _db.session.commit()
    with caplog.at_level(logging.WARNING, logger="app.mail"):
        assert queued.run_queued() == 1  # the job does not raise
    [mail] = _mails()
    assert mail.state == "pending" and mail.attempts == 1
    assert mail.last_error == "MAIL_URL must start with smtp:// or smtps://, not ftp://"
    assert any(mail.last_error in r.getMessage() for r in caplog.records if r.name == "app.mail")


def test_a_mail_being_sent_or_sent_is_not_sent_again(inbox, queued):
    _queue()
    _db.session.commit()
    [mail] = _mails()
    assert send_mail(mail.id) is True
    assert send_mail(mail.id) is None
    assert send_mail(mail.id + 1000) is None
    assert len(inbox.envelopes) == 1

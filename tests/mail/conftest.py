"""Fixtures of the mail tests: a real SMTP server on 127.0.0.1 (aiosmtpd, in a
thread) that keeps what it receives, MAIL_URL pointing at it, the tests' job
runner and a stopped clock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from mail_server import Inbox, smtp_server

from app import jobs
from app.clock import utcnow


@pytest.fixture(scope="module")
def _server():
    with smtp_server() as running:
        yield running


@pytest.fixture
def inbox(app, _server, monkeypatch) -> Inbox:
    """The module's SMTP server, emptied, with MAIL_URL pointing at it."""
    received, url = _server
    received.envelopes.clear()
    monkeypatch.setitem(app.config, "MAIL_URL", url)
    return received


@pytest.fixture
def queued(app, db):
    """The tests' job runner: jobs are listed; ``queued.run_queued()`` runs them here."""
    runner = jobs.runner(app)
    runner.clear()
    yield runner
    runner.clear()


@pytest.fixture
def frozen(time_machine):
    """The clock stopped now; ``frozen(delta)`` moves it on."""
    moment = utcnow()
    time_machine.move_to(moment, tick=False)

    def move(delta: timedelta):
        nonlocal moment
        moment += delta
        time_machine.move_to(moment, tick=False)

    return move

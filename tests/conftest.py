"""Shared fixtures: a frozen clock, one app and schema per test session, one
rolled-back transaction per test, factories, a query counter and signed-in clients.

Time is an input: every test starts at FROZEN_AT (a Wednesday in the middle of a
quarter and of an ISO week) with the clock running from there, and a test about
time moves it explicitly with the `time_machine` fixture
(``time_machine.move_to(moment, tick=False)``). The whole process travels,
including the browser tests' server thread.

Set TEST_DATABASE_URL (postgresql+psycopg://...) to run the same suite on PostgreSQL.

``receiver`` is an HTTP server on 127.0.0.1 that webhooks and chat channels post
to (with ``allow_private``, which lets them go to a private address).
"""

from __future__ import annotations

import itertools
import json
import os
import threading
import uuid
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from flask import has_app_context
from flask.testing import FlaskClient
from flask_sqlalchemy.session import Session
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url
from werkzeug.security import generate_password_hash

from app import create_app, jobs
from app.auth.operations import start_session
from app.auth.tokens import create_token
from app.extensions import db as _db
from app.models import Dependency, Item, Period, Team, TeamCapacity, TeamMembership, User
from app.transaction import App
from config import TestingConfig, _database_url

TEST_PASSWORD = "correct-horse-battery"
_PASSWORD_HASH = generate_password_hash(TEST_PASSWORD, method="scrypt")

FROZEN_AT = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)  # Wednesday of 2026-W47, 2026 Q4


_session_clock = time_machine.travel(FROZEN_AT, tick=True)


def pytest_configure(config):
    """Collection (module constants) and session fixtures (the app, the browser
    tests' demo) happen at FROZEN_AT too."""
    _session_clock.start()


def pytest_unconfigure(config):
    _session_clock.stop()


@pytest.fixture(autouse=True)
def _frozen_clock():
    """Each test starts at FROZEN_AT, whatever the real date and time."""
    with time_machine.travel(FROZEN_AT, tick=True):
        yield


class _ConnectionBoundSession(Session):
    """Every statement goes through the test's connection, whatever the model."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        return self.bind


@pytest.fixture(scope="session")
def app():
    app = create_app(TestingConfig)
    with app.app_context():
        _db.drop_all()
        _db.create_all()
    yield app
    with app.app_context():
        _db.session.remove()
        _db.drop_all()
        _db.engine.dispose()


@pytest.fixture(scope="session")
def scratch_database(tmp_path_factory):
    """`with scratch_database(prefix) as url:` a database of its own, for tests that
    need more than a transaction: a temporary SQLite file, or a throwaway PostgreSQL
    database beside TEST_DATABASE_URL's, dropped afterwards."""

    @contextmanager
    def scratch(prefix: str):
        url = os.environ.get("TEST_DATABASE_URL")
        if not url:
            yield f"sqlite:///{tmp_path_factory.mktemp(prefix) / f'{prefix}.db'}"
            return
        server = make_url(_database_url(url))
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield server.set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()

    return scratch


@contextmanager
def _rolled_back(app):
    """The database inside a transaction that is rolled back at the end. Commits made
    by the code under test only release a savepoint."""
    with app.app_context():
        connection = _db.engine.connect()
        transaction = connection.begin()
        original = _db.session
        _db.session = _db._make_scoped_session(
            {
                "bind": connection,
                "join_transaction_mode": "create_savepoint",
                "class_": _ConnectionBoundSession,
            }
        )
        try:
            yield _db
        finally:
            _db.session.remove()
            _db.session = original
            transaction.rollback()
            connection.close()


@pytest.fixture(scope="session")
def rolled_back_database(app):
    """For wider fixtures (e.g. module-scoped data that tests only read):
    `with rolled_back_database() as db: ...`."""
    return lambda: _rolled_back(app)


@pytest.fixture
def db(app):
    """The database, inside a transaction that is rolled back after the test."""
    with _rolled_back(app) as database:
        yield database
    _forget_rate_limits()


def _forget_rate_limits():
    """The limiter's memory storage would otherwise carry failed logins across
    tests. Its expiry timer thread reads the same dictionaries without a lock, so
    it is stopped (or waited for) before they are cleared."""
    from app.extensions import limiter

    timer = getattr(limiter.storage, "timer", None)
    if timer is not None:
        timer.cancel()
        timer.join()
    limiter.reset()


class _OwnSessionClient(FlaskClient):
    """A test client whose every request runs in an app context (and so a database
    session) of its own, as in production, on the test's connection: what the test
    flushed is there, what the request commits stays until the test's rollback,
    what it rolls back is gone, and the test's objects are read afresh afterwards."""

    def open(self, *args, **kwargs):
        if not has_app_context():
            return super().open(*args, **kwargs)
        _db.session.flush()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        _db.session.expire_all()
        return response


App.test_client_class = _OwnSessionClient


@pytest.fixture
def client(app, db):
    return app.test_client()


@pytest.fixture
def count_queries(db):
    """Use as a context manager: `with count_queries() as counted: ...; counted.n`."""

    class Counter:
        n = 0

    def _count(*_args, **_kwargs):
        Counter.n += 1

    from contextlib import contextmanager

    @contextmanager
    def counting():
        Counter.n = 0
        engine = _db.engine
        event.listen(engine, "before_cursor_execute", _count)
        try:
            yield Counter
        finally:
            event.remove(engine, "before_cursor_execute", _count)

    return counting


_seq = itertools.count(1)


@pytest.fixture
def make_period(db):
    def make(name: str | None = None, year: int = 2027, quarter: int = 1) -> Period:
        starts = {1: (1, 1), 2: (4, 1), 3: (7, 1), 4: (10, 1)}
        ends = {1: (3, 31), 2: (6, 30), 3: (9, 30), 4: (12, 31)}
        period = Period(
            name=name or f"{year} Q{quarter}",
            start_date=date(year, *starts[quarter]),
            end_date=date(year, *ends[quarter]),
        )
        db.session.add(period)
        db.session.flush()
        return period

    return make


@pytest.fixture
def make_quarters(make_period):
    """`make_quarters(day, count)`: the quarter of `day` and the `count - 1` after it."""

    def make(day: date, count: int) -> list[Period]:
        year, quarter = day.year, (day.month - 1) // 3 + 1
        periods = []
        for _ in range(count):
            periods.append(make_period(year=year, quarter=quarter))
            year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
        return periods

    return make


@pytest.fixture
def make_team(db):
    def make(slug: str | None = None, kind: str = "platform", **fields) -> Team:
        slug = slug or f"t{next(_seq)}"
        team = Team(slug=slug, name=fields.pop("name", slug.title()), kind=kind, **fields)
        db.session.add(team)
        db.session.flush()
        return team

    return make


@pytest.fixture
def make_capacity(db):
    def make(team: Team, period: Period, person_weeks: float) -> TeamCapacity:
        capacity = TeamCapacity(team_id=team.id, period_id=period.id, person_weeks=person_weeks)
        db.session.add(capacity)
        db.session.flush()
        return capacity

    return make


@pytest.fixture
def make_item(db, make_team):
    def make(team: Team | None = None, **fields) -> Item:
        team = team or make_team()
        team.item_seq += 1
        start = fields.pop("start", None)
        end = fields.pop("end", start)
        item = Item(
            key=fields.pop("key", f"{team.key_prefix}-{team.item_seq}"),
            team_id=team.id,
            title=fields.pop("title", f"Item {team.item_seq}"),
            priority=fields.pop("priority", 2),
            start_period_id=start.id if start else None,
            end_period_id=end.id if end else None,
            status=fields.pop("status", "committed"),
            health=fields.pop("health", "on_track"),
            **fields,
        )
        db.session.add(item)
        db.session.flush()
        return item

    return make


@pytest.fixture
def make_dependency(db):
    def make(dependent: Item, dependency: Item, **fields) -> Dependency:
        needed_by = fields.pop("needed_by", None)
        dep = Dependency(
            dependent_id=dependent.id,
            dependency_id=dependency.id,
            needed_by_period_id=needed_by.id if needed_by else None,
            commitment=fields.pop("commitment", "requested"),
            **fields,
        )
        db.session.add(dep)
        db.session.flush()
        return dep

    return make


@pytest.fixture
def make_user(db):
    def make(role: str = "viewer", email: str | None = None, teams=(), active=True) -> User:
        user = User(
            email=email or f"user{next(_seq)}@example.com",
            name="Test User",
            role=role,
            active=active,
            password_hash=_PASSWORD_HASH,
        )
        db.session.add(user)
        db.session.flush()
        for team in teams:
            db.session.add(TeamMembership(user_id=user.id, team_id=team.id))
        db.session.flush()
        return user

    return make


@pytest.fixture
def login(client):
    """`login(user, on=client)`: sign a user in on the test client (or another one)
    without going through the form: a session record of theirs, and its token in the
    cookie."""

    def sign_in(user: User, on=None):
        browser = on or client
        token = start_session(user)
        with browser.session_transaction() as session:
            session["_user_id"] = token
            session["_fresh"] = True
        return browser

    return sign_in


@pytest.fixture
def sign_in(login):
    """`sign_in(user)`: sign the user in on the client."""
    return login


@pytest.fixture
def as_user(make_user, sign_in):
    """`as_user(role, teams=(), email=None)`: a new user of that role, signed in on
    the client: ``(client, user)``."""

    def make(role: str, teams=(), email: str | None = None):
        user = make_user(role, teams=teams, email=email)
        return sign_in(user), user

    return make


# -- Jobs, mail and a stopped clock ----------------------------------------------------


@pytest.fixture
def queued(app, db):
    """The tests' job runner: jobs are listed; ``queued.run_queued()`` runs them here."""
    from app import jobs

    runner = jobs.runner(app)
    runner.clear()
    yield runner
    runner.clear()


@pytest.fixture(scope="session")
def _smtp_server():
    from mail_server import smtp_server

    with smtp_server() as running:
        yield running


@pytest.fixture
def inbox(app, _smtp_server, monkeypatch):
    """A real SMTP server on 127.0.0.1 (aiosmtpd, in a thread), emptied, with
    MAIL_URL pointing at it: ``inbox.envelopes`` is what it received."""
    received, url = _smtp_server
    received.envelopes.clear()
    monkeypatch.setitem(app.config, "MAIL_URL", url)
    return received


@pytest.fixture
def frozen(time_machine):
    """The clock stopped now; ``frozen(delta)`` moves it on (a timedelta, or seconds)."""
    from datetime import timedelta

    from app.clock import utcnow

    moment = utcnow()
    time_machine.move_to(moment, tick=False)

    def move(delta):
        nonlocal moment
        moment += delta if isinstance(delta, timedelta) else timedelta(seconds=delta)
        time_machine.move_to(moment, tick=False)

    return move


# -- An HTTP receiver for webhooks and chat channels ------------------------------


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self):
        return json.loads(self.body)


@dataclass
class Receiver:
    """What it answers: the next of ``statuses`` (then ``status``), after ``delay``
    seconds; what it got: ``received``."""

    url: str = ""
    status: int = 200
    statuses: deque = field(default_factory=deque)
    delay: float = 0.0
    received: list[Received] = field(default_factory=list)
    got: threading.Event = field(default_factory=threading.Event)

    def answer(self, *statuses: int) -> None:
        self.statuses.extend(statuses)

    def wait(self, count: int = 1, timeout: float = 10.0) -> list[Received]:
        """The requests, once ``count`` have come (a thread or worker sends them)."""
        deadline = threading.Event()
        for _ in range(int(timeout * 20)):
            if len(self.received) >= count:
                break
            deadline.wait(0.05)
        assert len(self.received) >= count, f"got {len(self.received)} of {count} requests"
        return self.received


@pytest.fixture
def receiver():
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            state.received.append(
                Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            )
            if state.delay:
                threading.Event().wait(state.delay)
            status = state.statuses.popleft() if state.statuses else state.status
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")
            state.got.set()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_port}/hooks"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def allow_private(app, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_PRIVATE_HOSTS", True)


# -- Apps of their own, for jobs run by a thread or an RQ worker -------------------------


@pytest.fixture
def scratch_app(scratch_database):
    @contextmanager
    def make(**settings):
        with scratch_database("webhooks") as url:

            class Settings(TestingConfig):
                SQLALCHEMY_DATABASE_URI = url
                WEBHOOK_ALLOW_PRIVATE_HOSTS = True

            for name, value in settings.items():
                setattr(Settings, name, value)
            app = create_app(Settings)
            with app.app_context():
                _db.create_all()
            try:
                yield app
            finally:
                runner = jobs.runner(app)
                if runner.kind == "thread":
                    runner.stop()
                with app.app_context():
                    _db.session.remove()
                    _db.engine.dispose()

    return make


@pytest.fixture
def redis_url():
    url = os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/15"
    from redis import Redis
    from redis.exceptions import ConnectionError as RedisDown

    try:
        Redis.from_url(url).ping()
    except RedisDown:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not running at {url}, and CI is set")
        pytest.skip(f"Redis is not running at {url}")
    return url


@pytest.fixture
def rq_app(scratch_app, redis_url):
    queue_name = f"test-{uuid.uuid4().hex[:8]}"
    with scratch_app(JOB_RUNNER="rq", REDIS_URL=redis_url, JOB_QUEUE=queue_name) as app:
        runner = jobs.runner(app)
        try:
            yield app
        finally:
            runner.queue().delete(delete_jobs=True)
            for registry in (
                runner.queue().scheduled_job_registry,
                runner.queue().failed_job_registry,
                runner.queue().finished_job_registry,
            ):
                for job_id in registry.get_job_ids():
                    registry.remove(job_id, delete_job=True)


# -- The API, with access tokens ------------------------------------------------------


class TokenClient:
    """The test client, sending ``Authorization: Bearer <token>`` with each request."""

    def __init__(self, client, token: str) -> None:
        self.client = client
        self.token = token

    def _headers(self, headers):
        return {"Authorization": f"Bearer {self.token}", **(headers or {})}

    def open(self, method: str, path: str, headers=None, **kwargs):
        return self.client.open(path, method=method, headers=self._headers(headers), **kwargs)

    def get(self, path, **kwargs):
        return self.open("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.open("POST", path, **kwargs)

    def patch(self, path, **kwargs):
        return self.open("PATCH", path, **kwargs)

    def put(self, path, **kwargs):
        return self.open("PUT", path, **kwargs)

    def delete(self, path, **kwargs):
        return self.open("DELETE", path, **kwargs)


@pytest.fixture
def api_as(client, make_user):
    """`api_as(role, teams=(), scope="write")`: a new user of that role with a token:
    ``(TokenClient, user)``."""

    def make(role: str, teams=(), scope: str = "write", email: str | None = None):
        user = make_user(role, teams=teams, email=email)
        made = create_token(user, name="tests", scope=scope)
        return TokenClient(client, made.token), user

    return make

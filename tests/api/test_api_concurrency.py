"""Two API clients changing the same resource with the same ETag at the same moment.

Each client is a planner with a write token of their own, sending through a test
client of its own on a thread of its own, against an app bound to a scratch
PostgreSQL database: every request has its own session and connection, as in two
gunicorn workers, and sees only committed data. Both read the resource's ETag, then
send their change with it in If-Match. A hook on the database holds each request
at its write until the other has reached its own, so both have read the same
version and passed the If-Match check before either writes. In every round exactly
one wins (200) and the other is refused (412, in problem+json, with the winner's
representation in ``current``); the resource holds the winner's change and the
audit history one event, the winner's.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.engine import make_url

from app import create_app
from app.auth.tokens import create_token
from app.extensions import db as _db
from app.models import AuditEvent, Dependency, Item, Period, Team, User
from config import TestingConfig

pytestmark = pytest.mark.skipif(
    make_url(TestingConfig.SQLALCHEMY_DATABASE_URI).get_backend_name() != "postgresql",
    reason="needs PostgreSQL (set TEST_DATABASE_URL): SQLite takes the write lock when a "
    "transaction begins, so two requests can never both read before either writes",
)

PROBLEM = "application/problem+json"
ROUNDS = 3
WAIT = 10  # seconds a thread waits for the other before the round fails


@dataclass(frozen=True)
class Racers:
    app: Any
    engine: Any
    tokens: tuple[str, str]
    emails: tuple[str, str]


@pytest.fixture(scope="module")
def racers(scratch_database):
    """The app on a scratch database: Payments with PAY-1 needing PAY-2, no capacity
    set for 2090 Q1, and two planners with write tokens."""
    with scratch_database("api_race") as url:

        class RaceConfig(TestingConfig):
            SQLALCHEMY_DATABASE_URI = url

        app = create_app(RaceConfig)
        with app.app_context():
            _db.create_all()
            team = Team(slug="pay", name="Payments", kind="platform", default_capacity=40)
            period = Period(name="2090 Q1", start_date=date(2090, 1, 1), end_date=date(2090, 3, 31))
            users = [
                User(email=f"p{n}@example.com", name=f"P{n}", role="planner", password_hash="-")
                for n in range(2)
            ]
            _db.session.add_all([team, period, *users])
            _db.session.flush()
            first = Item(key="PAY-1", team_id=team.id, title="Tokenised cards", priority=1)
            second = Item(key="PAY-2", team_id=team.id, title="Refunds", priority=1)
            _db.session.add_all([first, second])
            _db.session.flush()
            _db.session.add(Dependency(dependent_id=first.id, dependency_id=second.id))
            tokens = tuple(create_token(u, name="race", scope="write").token for u in users)
            _db.session.commit()
            emails = tuple(u.email for u in users)
            engine = _db.engine
        try:
            yield Racers(app, engine, tokens, emails)
        finally:
            with app.app_context():
                _db.session.remove()
                _db.engine.dispose()


class BothRead:
    """A hook before each statement: holds each thread at its first write of the
    resource (a statement starting with one of ``writes``) until the other thread
    has reached its own."""

    def __init__(self, writes: tuple[str, ...]) -> None:
        self.writes = writes
        self.barrier = threading.Barrier(2)
        self.held = threading.local()

    def __call__(self, _connection, _cursor, statement: str, *_args) -> None:
        if statement.startswith(self.writes) and not getattr(self.held, "once", False):
            self.held.once = True
            self.barrier.wait(timeout=WAIT)


@dataclass(frozen=True)
class Resource:
    method: str
    path: str
    writes: tuple[str, ...]  # the statements that change it
    entity: str  # in the audit history
    field: str  # the field that the racers set, in the JSON and the audit history
    change: Callable[[int, int], dict[str, Any]]  # (round, racer) -> the request's body


RESOURCES = {
    "item": Resource(
        "PATCH",
        "/api/v1/items/PAY-1",
        ("UPDATE item ",),
        "item",
        "title",
        lambda r, n: {"title": f"Title {r}.{n}"},
    ),
    "dependency": Resource(
        "PATCH",
        "/api/v1/dependencies/{dependency}",
        ("UPDATE dependency ",),
        "dependency",
        "note",
        lambda r, n: {"commitment": "committed", "note": f"Note {r}.{n}"},
    ),
    # The first round creates the override (two inserts race), the others update it.
    "capacity cell": Resource(
        "PUT",
        "/api/v1/teams/pay/capacity/2090 Q1",
        ("INSERT INTO team_capacity ", "UPDATE team_capacity "),
        "capacity",
        "person_weeks",
        lambda r, n: {"person_weeks": 10 * (r + 1) + n},
    ),
}


def _headers(token: str, **more: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **more}


def _last_event_id(app) -> int:
    with app.app_context():
        return _db.session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc())) or 0


def _events_after(app, last_id: int) -> list[tuple[str, str, dict, str]]:
    with app.app_context():
        rows = _db.session.scalars(
            select(AuditEvent).where(AuditEvent.id > last_id).order_by(AuditEvent.id)
        )
        return [(e.entity, e.action, e.changes, e.actor) for e in rows]


def _race(racers: Racers, resource: Resource, path: str, etag: str, bodies: list[dict]) -> list:
    """Both racers send their body with ``etag`` at once, each held at its write until
    the other has read too. The responses, by racer."""
    clients = [racers.app.test_client() for _ in bodies]
    start = threading.Barrier(len(bodies))
    responses: list[Any] = [None] * len(bodies)
    errors: list[BaseException] = []

    def send(n: int) -> None:
        try:
            headers = _headers(racers.tokens[n], **{"If-Match": etag})
            start.wait(timeout=WAIT)
            responses[n] = clients[n].open(
                path, method=resource.method, json=bodies[n], headers=headers
            )
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    hook = BothRead(resource.writes)
    event.listen(racers.engine, "before_cursor_execute", hook)
    try:
        threads = [threading.Thread(target=send, args=(n,)) for n in range(len(bodies))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=2 * WAIT)
    finally:
        event.remove(racers.engine, "before_cursor_execute", hook)
    assert errors == []
    assert not hook.barrier.broken, "a request never reached its write"
    return responses


@pytest.mark.parametrize("name", RESOURCES)
def test_of_two_changes_with_one_etag_one_wins_and_the_other_gets_412(racers, name):
    resource = RESOURCES[name]
    with racers.app.app_context():
        dependency = _db.session.scalar(select(Dependency.id))
    path = resource.path.format(dependency=dependency)
    reader = racers.app.test_client()
    for r in range(ROUNDS):
        read = reader.get(path, headers=_headers(racers.tokens[0]))
        assert read.status_code == 200, read.get_json()
        before, last_id = read.get_json(), _last_event_id(racers.app)
        bodies = [resource.change(r, n) for n in range(2)]

        responses = _race(racers, resource, path, read.headers["ETag"], bodies)

        statuses = [response.status_code for response in responses]
        assert sorted(statuses) == [200, 412], (r, [res.get_json() for res in responses])
        winner = statuses.index(200)
        won, lost = responses[winner], responses[1 - winner]
        wanted = bodies[winner][resource.field]
        assert won.get_json()[resource.field] == wanted
        assert lost.mimetype == PROBLEM
        assert lost.get_json()["status"] == 412
        assert lost.get_json()["current"] == won.get_json()
        assert lost.headers["ETag"] == won.headers["ETag"] != read.headers["ETag"]

        now = reader.get(path, headers=_headers(racers.tokens[0]))
        assert now.get_json() == won.get_json()
        assert now.headers["ETag"] == won.headers["ETag"]

        [(entity, action, changes, actor)] = _events_after(racers.app, last_id)
        assert (entity, actor) == (resource.entity, racers.emails[winner])
        assert action == ("create" if name == "capacity cell" and r == 0 else "update")
        assert changes[resource.field] == [before[resource.field], wanted]

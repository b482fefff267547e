"""Planners saving the same capacity cell at once, on threads of their own.

Each planner is a test client of its own, signed in through the login form, against
an app bound to a scratch database (a file for SQLite, a throwaway database for
PostgreSQL), so every request has its own session and connection and really races
the others. All of them load the form once, then a barrier lets them post at the
same moment. In every round exactly one save commits and the others get 409
naming the winner; nothing errs, and the audit history holds exactly one event per
committed save, with the value it replaced and the value it wrote.
"""

from __future__ import annotations

import re
import threading
from datetime import date

import pytest
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from app import create_app
from app.extensions import db as _db
from app.models import AuditEvent, Period, Team, TeamCapacity, User
from config import TestingConfig

PLANNERS = 6
PASSWORD = "correct-horse-battery"


def inputs(html: str) -> dict[str, str]:
    found = {}
    for tag in re.findall(r"<input [^>]*>", html):
        attributes = dict(re.findall(r'([\w-]+)="([^"]*)"', tag))
        found[attributes["name"]] = attributes.get("value", "")
    return found


@pytest.fixture
def race(scratch_database):
    """The app on a scratch database: Payments (default 40, 20 in 2090 Q1, nothing
    set in 2090 Q2), Checkout (no capacity at all), and PLANNERS signed-in planners."""
    with scratch_database("capacity_race") as url:

        class RaceConfig(TestingConfig):
            SQLALCHEMY_DATABASE_URI = url

        app = create_app(RaceConfig)
        with app.app_context():
            _db.create_all()
            q1 = Period(name="2090 Q1", start_date=date(2090, 1, 1), end_date=date(2090, 3, 31))
            q2 = Period(name="2090 Q2", start_date=date(2090, 4, 1), end_date=date(2090, 6, 30))
            pay = Team(slug="pay", name="Payments", kind="platform", default_capacity=40)
            chk = Team(slug="chk", name="Checkout", kind="product")
            hashed = generate_password_hash(PASSWORD, method="scrypt")
            users = [
                User(email=f"p{n}@example.com", name=f"P{n}", role="planner", password_hash=hashed)
                for n in range(PLANNERS)
            ]
            _db.session.add_all([q1, q2, pay, chk, *users])
            _db.session.flush()
            _db.session.add(TeamCapacity(team_id=pay.id, period_id=q1.id, person_weeks=20))
            _db.session.commit()
            cells = {
                "override": f"c{pay.id}_{q1.id}",
                "empty": f"c{pay.id}_{q2.id}",
                "another empty": f"c{chk.id}_{q1.id}",
                "default": f"d{pay.id}",
                "unset default": f"d{chk.id}",
            }
            emails = [user.email for user in users]
        clients = []
        for email in emails:
            client = app.test_client()
            response = client.post("/login", data={"email": email, "password": PASSWORD})
            assert response.status_code == 302, response.get_data(as_text=True)
            clients.append(client)
        try:
            yield app, clients, emails, cells
        finally:
            with app.app_context():
                _db.session.remove()
                _db.engine.dispose()


def _stored(app, name: str) -> float | None:
    with app.app_context():
        _db.session.expire_all()
        if name.startswith("d"):
            return _db.session.get(Team, int(name[1:])).default_capacity
        team_id, period_id = map(int, name[1:].split("_"))
        return _db.session.scalar(
            select(TeamCapacity.person_weeks).where(
                TeamCapacity.team_id == team_id, TeamCapacity.period_id == period_id
            )
        )


def _events_after(app, last_id: int) -> list[tuple[str, str, dict, str]]:
    with app.app_context():
        rows = _db.session.scalars(
            select(AuditEvent).where(AuditEvent.id > last_id).order_by(AuditEvent.id)
        )
        return [(e.entity, e.action, e.changes, e.actor) for e in rows]


def _last_event_id(app) -> int:
    with app.app_context():
        return _db.session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc())) or 0


def _shown(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _round(clients, cell: str, values: list[float | None]) -> list[tuple[int, str]]:
    """Every planner loads the form, then all post their own value for ``cell`` at
    once. (status, page) per planner."""
    forms = [inputs(client.get("/capacity").get_data(as_text=True)) for client in clients]
    assert all(form["loaded"] == forms[0]["loaded"] for form in forms)
    barrier = threading.Barrier(len(clients))
    results: list[tuple[int, str] | None] = [None] * len(clients)
    errors: list[BaseException] = []

    def save(n: int) -> None:
        try:
            data = dict(forms[n], **{cell: _shown(values[n])})
            barrier.wait(timeout=30)
            response = clients[n].post("/capacity", data=data)
            results[n] = (response.status_code, response.get_data(as_text=True))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=save, args=(n,)) for n in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    return results


# Rounds in a row: (cell, the value each planner saves: a number, or None to clear)
SCENARIOS = {
    "existing override": [
        ("override", [21, 22, 23, 24, 25, 26]),
        ("override", [None, 32, 33, 34, 35, 36]),
    ],
    "empty override": [
        ("empty", [11, 12, 13, 14, 15, 16]),
        ("another empty", [1.5, 2.5, 3.5, 4.5, 5.5, 6.5]),
    ],
    "default": [
        ("default", [41, 42, 43, 44, 45, 46]),
        ("default", [None, 52, 53, 54, 55, 56]),
        ("unset default", [1, 2, 3, 4, 5, 6]),
    ],
}


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_one_save_per_round_commits_and_the_others_are_refused(race, scenario):
    app, clients, emails, cells = race
    rounds = SCENARIOS[scenario]
    committed = refused = 0
    for kind, values in rounds:
        cell = cells[kind]
        before, last_id = _stored(app, cell), _last_event_id(app)
        results = _round(clients, cell, values)
        statuses = [status for status, _ in results]
        assert sorted(set(statuses)) <= [302, 409], (kind, statuses)
        winners = [n for n, status in enumerate(statuses) if status == 302]
        assert len(winners) == 1, (kind, statuses)
        winner = winners[0]
        committed += 1
        refused += statuses.count(409)
        assert _stored(app, cell) == values[winner]

        events = _events_after(app, last_id)
        assert len(events) == 1, (kind, events)
        entity, action, changes, actor = events[0]
        assert actor == emails[winner]
        if cell.startswith("d"):
            assert (entity, action) == ("team", "update")
            assert changes == {"default_capacity": [before, values[winner]]}
        else:
            assert entity == "capacity"
            assert changes["person_weeks"] == [before, values[winner]]
            expected = (
                "create" if before is None else "delete" if values[winner] is None else "update"
            )
            assert action == expected

        for status, page in results:
            if status == 409:
                assert f"{emails[winner]} changed capacity after you opened this page" in page
                assert "Nothing was saved" in page
    assert (committed, refused) == (len(rounds), len(rounds) * (PLANNERS - 1))

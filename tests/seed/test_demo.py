"""flask seed demo: a believable company, loaded once, with working demo accounts."""

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from app.clock import utcnow
from app.models import (
    AuditEvent,
    Dependency,
    Item,
    Period,
    SnapshotItem,
    StatusUpdate,
    Team,
    User,
    WeeklySnapshot,
)
from app.plan_io import validate_plan
from app.seed.demo import build_demo_plan
from app.seed.users import DEMO_PASSWORD


@pytest.fixture
def runner(app, db):
    return app.test_cli_runner()


def _count(db, model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_seed_demo_loads_the_company(runner, db):
    result = runner.invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output
    assert "Loaded the demo organisation" in result.stdout
    assert _count(db, Team, Team.kind == "platform") == 6
    assert _count(db, Team, Team.kind == "product") == 7
    assert _count(db, Period) == 6
    assert 140 <= _count(db, Item) <= 160
    assert 180 <= _count(db, Dependency) <= 230
    assert _count(db, StatusUpdate) >= 150
    first = db.session.scalar(select(Period).order_by(Period.start_date))
    assert first.start_date <= utcnow().date() <= first.end_date


def test_seed_demo_is_idempotent(runner, db):
    assert runner.invoke(args=["seed", "demo"]).exit_code == 0
    counted = (Item, AuditEvent, WeeklySnapshot, SnapshotItem)
    before = [_count(db, model) for model in counted]
    taken = db.session.execute(select(WeeklySnapshot.week, WeeklySnapshot.taken_at)).all()
    again = runner.invoke(args=["seed", "demo"])
    assert again.exit_code == 0
    assert "already loaded; nothing changed" in again.stdout
    assert [_count(db, model) for model in counted] == before
    assert db.session.execute(select(WeeklySnapshot.week, WeeklySnapshot.taken_at)).all() == taken
    assert runner.invoke(args=["seed", "demo", "--if-empty"]).exit_code == 0
    assert [_count(db, model) for model in counted] == before


def test_if_empty_leaves_another_plan_alone(runner, db, make_team):
    make_team("ops")
    result = runner.invoke(args=["seed", "demo", "--if-empty"])
    assert result.exit_code == 0
    assert "not loaded" in result.stdout
    assert _count(db, Team) == 1


def test_without_if_empty_another_plan_is_an_error(runner, db, make_team):
    make_team("ops")
    result = runner.invoke(args=["seed", "demo"])
    assert result.exit_code == 2
    assert "already holds a plan" in result.stderr
    assert _count(db, Team) == 1


def test_the_demo_accounts(runner, db, client):
    runner.invoke(args=["seed", "demo"])
    users = {u.email: u for u in db.session.scalars(select(User))}
    roles = {email: user.role for email, user in users.items()}
    assert roles == {
        "admin@example.com": "admin",
        "planner@example.com": "planner",
        "dev@example.com": "contributor",
        "lead@example.com": "viewer",
    }
    assert all(user.check_password(DEMO_PASSWORD) for user in users.values())
    dev = users["dev@example.com"]
    kinds = sorted(db.session.scalars(select(Team.kind).where(Team.id.in_(dev.team_ids))))
    assert kinds == ["platform", "product"]
    assert _count(db, StatusUpdate, StatusUpdate.author_id == dev.id) > 0

    response = client.post("/login", data={"email": "dev@example.com", "password": DEMO_PASSWORD})
    assert response.status_code == 302


def test_the_demo_document_is_deterministic_and_valid():
    day = date(2026, 11, 27)
    plan = build_demo_plan(day)
    assert plan == build_demo_plan(day)
    assert validate_plan(plan) == []
    assert [p["name"] for p in plan["periods"]] == [
        "2026 Q4",
        "2027 Q1",
        "2027 Q2",
        "2027 Q3",
        "2027 Q4",
        "2028 Q1",
    ]
    assert build_demo_plan(date(2027, 1, 1))["periods"][0] == {
        "name": "2027 Q1",
        "start": "2027-01-01",
        "end": "2027-03-31",
    }


def test_the_demo_has_ten_weeks_of_history_with_notes():
    day = date(2026, 11, 27)
    plan = build_demo_plan(day)
    noon = datetime(2026, 11, 27, 12)
    updates = plan["status_updates"]
    assert all(u["note"] for u in updates)
    times = [datetime.fromisoformat(u["at"].removesuffix("Z")) for u in updates]
    assert all(t < noon for t in times)
    first_snapshot = datetime(2026, 9, 28, 12)  # Monday noon, eight weeks before this week's
    assert min(times) < first_snapshot
    weeks = {u["week"] for u in updates if u["item"] == "PAY-1"}
    assert len(weeks) == 10
    latest = {}
    for update in updates:
        latest[update["item"]] = update
    for item in plan["items"]:
        if item["key"] in latest:
            assert latest[item["key"]]["health"] == item["health"], item["key"]
            assert latest[item["key"]]["status"] == item["status"], item["key"]

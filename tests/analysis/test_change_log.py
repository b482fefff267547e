"""The change log: every change to the plan logs what it changed, by its identity,
in the change's own transaction, numbered in order and pruned as it ages."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app.admin.operations import update_period, update_team
from app.audit import acting_as
from app.clock import utcnow
from app.dashboard.operations import decide, withdraw
from app.models import PlanChange, StatusUpdate
from app.plan_io import import_plan
from app.plan_store import analyze_plan, bump_revision, current_revision
from app.planning.capacity import CellState, capacity_cells, save_capacities
from app.planning.dependency_operations import (
    add_dependency,
    answer_request,
    remove_dependency,
    update_dependency,
)
from app.planning.operations import create_item, delete_item, update_item
from app.status.operations import RowInput, write_rows
from app.weeks import iso_week


@pytest.fixture
def plan(db, make_team, make_period, make_item, make_dependency):
    """Payments (platform, default 10) and Checkout (product), three quarters, PAY
    work a, Checkout feature b needing it and Checkout feature c needing nothing."""
    pay = make_team("pay", default_capacity=10)
    chk = make_team("chk", kind="product")
    q1, q2, q3 = (make_period(quarter=n) for n in (1, 2, 3))
    a = make_item(pay, start=q1, estimate=4)
    b = make_item(chk, start=q2, estimate=2, priority=0)
    c = make_item(chk, start=q3, estimate=None)
    dep = make_dependency(b, a)
    return {"pay": pay, "chk": chk, "q1": q1, "q2": q2, "q3": q3, "a": a, "b": b, "c": c}, dep


EMPTY = CellState(None, None)


def logged(since: int | None) -> list[tuple]:
    """The entries after revision ``since``: (kind, item, dependency, team, fingerprint)."""
    rows = select(
        PlanChange.kind,
        PlanChange.item_id,
        PlanChange.dependency_id,
        PlanChange.team_id,
        PlanChange.fingerprint,
    ).where(PlanChange.id > (since or 0))
    return [tuple(row) for row in select_all(rows.order_by(PlanChange.id))]


def select_all(statement):
    from app.extensions import db

    return db.session.execute(statement).all()


def item(item_id):
    return ("item", item_id, None, None, None)


def pair(dependent_id, dependency_id):
    return ("dependency", dependent_id, dependency_id, None, None)


def team(team_id):
    return ("team", None, None, team_id, None)


def test_revisions_count_the_log_entries_without_gaps(db, plan):
    (rows, _dep) = plan
    ids = db.session.scalars(select(PlanChange.id).order_by(PlanChange.id)).all()
    assert ids == list(range(1, len(ids) + 1))
    assert current_revision() == ids[-1]
    before = current_revision()
    rows["a"].priority = 0
    rows["b"].priority = 1
    db.session.flush()
    assert current_revision() == before + 2
    assert sorted(logged(before)) == sorted([item(rows["a"].id), item(rows["b"].id)])


def test_a_rolled_back_change_leaves_no_entry(db, plan):
    rows, _dep = plan
    before = current_revision()
    savepoint = db.session.begin_nested()
    rows["a"].estimate = 9
    db.session.flush()
    assert logged(before) == [item(rows["a"].id)]
    savepoint.rollback()
    assert current_revision() == before
    assert logged(before) == []
    # The numbers a rolled-back change took are handed out again.
    rows["b"].estimate = 3
    db.session.flush()
    assert current_revision() == before + 1


def test_a_flush_that_changes_nothing_logs_nothing(db, plan):
    rows, _dep = plan
    before = current_revision()
    rows["a"].priority = rows["a"].priority
    db.session.flush()
    assert logged(before) == []


def test_item_edits_log_the_item(db, plan):
    rows, _dep = plan
    a = rows["a"]
    before = current_revision()
    update_item(a, {"priority": 0, "estimate": 6}, expected_version=a.version)
    db.session.flush()
    assert logged(before) == [item(a.id)]

    before = current_revision()
    update_item(a, {"start": rows["q2"], "end": rows["q3"]}, expected_version=a.version)
    db.session.flush()
    assert logged(before) == [item(a.id)]

    before = current_revision()
    a.team_id = rows["chk"].id
    db.session.flush()
    assert logged(before) == [item(a.id)]


def test_a_new_item_logs_itself(db, plan):
    rows, _dep = plan
    before = current_revision()
    new = create_item(rows["pay"], title="Vault", priority=1)
    assert item(new.id) in logged(before)


def test_removing_an_item_logs_it_and_its_dependencies(db, plan):
    rows, dep = plan
    b = rows["b"]
    before = current_revision()
    with acting_as(None, "test"):
        delete_item(b, expected_version=b.version)
    db.session.flush()
    assert set(logged(before)) == {item(b.id), pair(b.id, rows["a"].id)}


def test_dependency_edits_log_the_pair(db, plan):
    rows, dep = plan
    a, c = rows["a"], rows["c"]

    before = current_revision()
    added = add_dependency(c, a)
    db.session.flush()
    assert logged(before) == [pair(c.id, a.id)]

    before = current_revision()
    update_dependency(added, needed_by=rows["q3"], expected_version=added.version)
    db.session.flush()
    assert logged(before) == [pair(c.id, a.id)]

    before = current_revision()
    answer_request(added, "committed", "Yes.", expected_version=added.version)
    db.session.flush()
    assert logged(before) == [pair(c.id, a.id)]

    before = current_revision()
    remove_dependency(added, expected_version=added.version)
    db.session.flush()
    assert logged(before) == [pair(c.id, a.id)]


def test_a_dependency_given_another_item_logs_the_old_pair_and_the_new(db, plan):
    rows, dep = plan
    before = current_revision()
    dep.dependency = rows["c"]
    db.session.flush()
    found = set(logged(before))
    assert pair(rows["b"].id, rows["a"].id) in found
    assert pair(rows["b"].id, rows["c"].id) in found


def test_capacity_cells_and_defaults_log_the_team(db, plan):
    rows, _dep = plan
    pay, q1 = rows["pay"], rows["q1"]

    before = current_revision()
    with acting_as(None, "test"):
        save_capacities({(pay.id, q1.id): 5.0}, {**capacity_cells(), (pay.id, q1.id): EMPTY})
    assert logged(before) == [team(pay.id)]

    before = current_revision()
    with acting_as(None, "test"):
        save_capacities({(pay.id, None): 12.0, (pay.id, q1.id): 6.0}, capacity_cells())
    assert logged(before) == [team(pay.id)]

    before = current_revision()
    with acting_as(None, "test"):
        update_team(pay, name=pay.name, kind=pay.kind, default_capacity=20)
    db.session.flush()
    assert logged(before) == [team(pay.id)]


def test_a_capacity_override_through_the_orm_logs_its_team(db, plan, make_capacity):
    rows, _dep = plan
    before = current_revision()
    cell = make_capacity(rows["chk"], rows["q2"], 3)
    assert logged(before) == [team(rows["chk"].id)]
    before = current_revision()
    db.session.delete(cell)
    db.session.flush()
    assert logged(before) == [team(rows["chk"].id)]


def test_a_status_update_logs_its_item(db, plan, make_user):
    rows, _dep = plan
    a = rows["a"]
    author = make_user("contributor", teams=[rows["pay"]])
    row = RowInput(
        key=a.key, health="at_risk", status="in_progress", progress=10, note="Late.",
        no_change=False, last_update_id=0, was_health=a.health, was_status=a.status,
        was_progress=None,
    )  # fmt: skip
    before = current_revision()
    now = utcnow()
    write_rows([(a, row)], author=author, submission="s-1", now=now, week=iso_week(now))
    assert logged(before) == [item(a.id)]
    assert db.session.scalar(select(func.count()).select_from(StatusUpdate)) == 1


def test_decisions_log_their_fingerprint(db, plan, make_user):
    planner = make_user("planner")
    fingerprint = next(c.fingerprint for c in analyze_plan().conflicts if c.type == "unestimated")
    decision = ("decision", None, None, None, fingerprint)

    before = current_revision()
    decide(fingerprint, "acknowledged", "Known.", actor=planner)
    assert logged(before) == [decision]

    before = current_revision()
    decide(fingerprint, "accepted", "We live with it.", actor=planner)
    assert logged(before) == [decision]

    before = current_revision()
    withdraw(fingerprint)
    assert logged(before) == [decision]


def test_a_period_edit_logs_the_periods(db, plan):
    rows, _dep = plan
    q1 = rows["q1"]
    before = current_revision()
    update_period(q1, name="2027 first quarter", start=q1.start_date, end=date(2027, 3, 30))
    assert logged(before) == [("periods", None, None, None, None)]


def test_a_plan_import_logs_the_whole_plan(db, plan):
    before = current_revision()
    document = {
        "format": "roadmap-plan/1",
        "periods": [{"name": "2027 Q1", "start": "2027-01-01", "end": "2027-03-31"}],
        "teams": [{"slug": "new", "name": "New", "kind": "platform"}],
        "items": [{"key": "NEW-1", "team": "new", "title": "One", "priority": "P1"}],
        "dependencies": [],
    }
    with acting_as(None, "test"):
        import_plan(document, replace=True)
    assert logged(before) == [("plan", None, None, None, None)]


def test_a_bulk_writer_logs_the_whole_plan_by_default(db, plan):
    before = current_revision()
    assert bump_revision(db.session.connection()) == before + 1
    assert logged(before) == [("plan", None, None, None, None)]


def test_the_log_is_pruned_as_it_ages(db, plan, monkeypatch):
    from app import plan_store

    monkeypatch.setattr(plan_store, "LOG_KEEPS", 10)
    monkeypatch.setattr(plan_store, "PRUNE_EVERY", 4)
    rows, _dep = plan
    for estimate in range(1, 40):
        rows["a"].estimate = estimate
        db.session.flush()
    newest = current_revision()
    ids = db.session.scalars(select(PlanChange.id).order_by(PlanChange.id)).all()
    # At least the newest 10 entries, at most 4 more, always ending at the newest.
    assert ids == list(range(ids[0], newest + 1))
    assert 10 <= len(ids) <= 14

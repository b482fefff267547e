"""import_plan: all or nothing, bulk writes, replace, audit."""

import copy
from datetime import datetime

import pytest
from sqlalchemy import func, select

from app.models import (
    AuditEvent,
    ConflictDecision,
    Dependency,
    Item,
    Period,
    StatusUpdate,
    Team,
    TeamCapacity,
    TeamMembership,
)
from app.plan_io import PlanError, import_plan


def _counts(db):
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in (Period, Team, TeamCapacity, Item, Dependency, StatusUpdate, AuditEvent)
    }


def _item(db, key):
    return db.session.scalar(select(Item).where(Item.key == key))


def test_import_writes_the_whole_plan(db, plan):
    summary = import_plan(plan)
    assert (summary.periods, summary.teams, summary.items) == (2, 2, 3)
    assert (summary.dependencies, summary.status_updates, summary.capacities) == (2, 2, 1)
    assert not summary.replaced
    assert "Imported 2 periods, 2 teams, 3 items" in str(summary)

    pay1 = _item(db, "PAY-1")
    assert pay1.team.slug == "pay" and pay1.priority == 1
    assert (pay1.start_period.name, pay1.end_period.name) == ("2027 Q1", "2027 Q2")
    assert pay1.estimate == 12 and pay1.health == "at_risk"
    assert pay1.status == "in_progress"  # its newest status update says so
    assert pay1.created_at == datetime(2026, 11, 2, 9, 0)
    assert pay1.version == 1
    backlog = _item(db, "PAY-7")
    assert backlog.start_period_id is None and backlog.status == "proposed"

    pay = db.session.scalar(select(Team).where(Team.slug == "pay"))
    assert pay.default_capacity == 40
    assert [(c.period.name, c.person_weeks) for c in pay.capacities] == [("2027 Q2", 30)]
    dep = db.session.scalar(select(Dependency).where(Dependency.dependency_id == pay1.id))
    assert dep.needed_by.name == "2027 Q2" and dep.commitment == "committed"
    assert dep.version == 1


def test_item_sequences_continue_after_the_highest_key(db, plan):
    plan["items"].append({"key": "CHK-12", "team": "pay", "title": "Odd one", "priority": "P2"})
    plan["items"].append({"key": "PAY-legacy", "team": "pay", "title": "Old", "priority": "P2"})
    import_plan(plan)
    seqs = dict(db.session.execute(select(Team.slug, Team.item_seq)).all())
    assert seqs == {"pay": 7, "chk": 12}


def test_status_update_authors_are_matched_to_accounts(db, plan, make_user):
    ann = make_user(email="Ann@Example.com")
    import_plan(plan)
    updates = db.session.scalars(select(StatusUpdate).order_by(StatusUpdate.at)).all()
    assert (updates[0].author_id, updates[0].author) == (ann.id, "ann@example.com")
    assert (updates[1].author_id, updates[1].author) == (None, None)
    assert updates[1].status == "in_progress" and updates[1].week == "2027-W05"


def test_an_invalid_plan_writes_nothing(db, plan):
    before = _counts(db)
    plan["items"][1]["team"] = "pyy"
    plan["dependencies"][0]["commitment"] = "maybe"
    with pytest.raises(PlanError) as caught:
        import_plan(plan)
    assert [str(p) for p in caught.value.problems] == [
        'items[1].team: unknown team "pyy"',
        'dependencies[0].commitment: "maybe" is not one of requested, committed, declined',
    ]
    assert _counts(db) == before


def test_an_invalid_replacement_keeps_the_current_plan(db, plan, make_team, make_item):
    make_item(make_team("ops"), key="OPS-1")
    before = _counts(db)
    plan["items"][0]["estimate"] = -1
    with pytest.raises(PlanError):
        import_plan(plan, replace=True)
    assert _counts(db) == before
    assert _item(db, "OPS-1") is not None


def test_a_database_with_a_plan_is_refused(db, plan, make_team):
    make_team("ops")
    before = _counts(db)
    with pytest.raises(PlanError) as caught:
        import_plan(plan)
    (problem,) = caught.value.problems
    assert problem.path == "$" and "already holds a plan (1 teams)" in problem.message
    assert "--replace" in problem.message
    assert _counts(db) == before


def test_refusal_and_validation_problems_come_together(db, plan, make_period):
    make_period()
    plan["items"][0]["priority"] = "P7"
    with pytest.raises(PlanError) as caught:
        import_plan(plan)
    assert [p.path for p in caught.value.problems] == ["$", "items[0].priority"]


def test_replace_swaps_the_plan_and_keeps_memberships(db, plan, make_team, make_user, make_item):
    pay = make_team("pay")
    gone = make_team("gone")
    make_item(pay, key="PAY-40", title="Old platform work")
    user = make_user("contributor", teams=[pay, gone])
    db.session.add(
        ConflictDecision(fingerprint="f" * 64, conflict_type="over_capacity", state="accepted")
    )
    db.session.flush()

    summary = import_plan(plan, replace=True)
    assert summary.replaced and summary.memberships_kept == 1
    assert sorted(db.session.scalars(select(Team.slug))) == ["chk", "pay"]
    assert _item(db, "PAY-40") is None
    assert db.session.scalar(select(func.count()).select_from(ConflictDecision)) == 0
    memberships = db.session.execute(
        select(Team.slug).join(TeamMembership).where(TeamMembership.user_id == user.id)
    ).scalars()
    assert list(memberships) == ["pay"]


def test_one_audit_event_records_the_import(db, plan, make_team):
    make_team("ops")
    import_plan(plan, replace=True)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.entity == "plan")).all()
    assert len(events) == 1
    event = events[0]
    assert event.action == "import" and event.entity_id is None
    assert event.changes["items"] == 3 and event.changes["dependencies"] == 2
    assert event.changes["replaced"] is True
    assert event.changes["deleted"]["teams"] == 1
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 2  # + make_team


def test_progress_reaches_the_total(db, plan):
    calls = []
    import_plan(plan, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (12, 12)  # 2 periods, 2 teams, 1 capacity, 3 items, 2 + 2
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def _bigger(plan, copies):
    """The sample plan with each item repeated under new keys."""
    plan = copy.deepcopy(plan)
    extra = []
    for n in range(copies):
        for item in plan["items"]:
            extra.append({**item, "key": f"{item['key']}x{n}"})
    plan["items"].extend(extra)
    return plan


def test_the_number_of_queries_does_not_grow_with_the_plan(db, plan, count_queries):
    with count_queries() as small:
        import_plan(_bigger(plan, 1))
    db.session.rollback()
    with count_queries() as large:
        import_plan(_bigger(plan, 40))
    assert large.n == small.n
    assert small.n <= 15

"""The bridge from the database to a plan snapshot."""

from datetime import datetime

from app.models import ConflictDecision, StatusUpdate
from app.plan_store import load_snapshot


def _plan(make_team, make_period, make_item, make_dependency, make_capacity, n_items):
    q1, q2 = make_period(quarter=1), make_period(quarter=2)
    pay = make_team("pay", default_capacity=20)
    chk = make_team("chk", kind="product")
    make_capacity(pay, q2, 15)

    def add(n: int):
        platform = [make_item(pay, start=q1, end=q2, estimate=2) for _ in range(n // 2)]
        features = [make_item(chk, start=q2, priority=0) for _ in range(n - n // 2)]
        for feature, work in zip(features, platform, strict=False):
            make_dependency(feature, work, needed_by=q2)
        return platform, features

    platform, features = add(n_items)
    return q1, q2, pay, platform, features, add


def test_the_snapshot_holds_the_plan(
    db, make_team, make_period, make_item, make_dependency, make_capacity
):
    q1, q2, pay, platform, features, _add = _plan(
        make_team, make_period, make_item, make_dependency, make_capacity, 4
    )
    at = datetime(2027, 1, 20, 10, 0)
    db.session.add(
        StatusUpdate(item_id=platform[0].id, week="2027-W03", health="at_risk",
                     status="in_progress", at=at)
    )  # fmt: skip
    db.session.add(ConflictDecision(fingerprint="abc", conflict_type="x", state="accepted",
                                    note="ok", by="a@example.com"))  # fmt: skip
    db.session.flush()

    snapshot = load_snapshot()
    assert [p.name for p in snapshot.periods] == [q1.name, q2.name]
    team = next(t for t in snapshot.teams if t.slug == "pay")
    assert team.kind == "platform"
    assert team.capacity(0) == 20 and team.capacity(1) == 15
    item = next(i for i in snapshot.items if i.key == platform[0].key)
    assert (item.start, item.end, item.estimate, item.team_id) == (0, 1, 2, pay.id)
    assert item.last_update_at == at
    assert isinstance(item.created_at, datetime)
    dependency = next(d for d in snapshot.dependencies if d.dependent_id == features[0].id)
    assert (dependency.dependency_id, dependency.needed_by) == (platform[0].id, 1)
    assert snapshot.decisions["abc"].state == "accepted"


def test_the_load_issues_the_same_statements_at_any_size(
    db, count_queries, make_team, make_period, make_item, make_dependency, make_capacity
):
    *_, add = _plan(make_team, make_period, make_item, make_dependency, make_capacity, 10)
    with count_queries() as small:
        assert len(load_snapshot().items) == 10
    add(1000)
    with count_queries() as large:
        assert len(load_snapshot().items) == 1010
    assert small.n == large.n <= 8

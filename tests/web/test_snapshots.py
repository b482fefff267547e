"""Weekly snapshots (`flask snapshot`), resolved per week, what slipped, and say/do."""

from datetime import date, datetime, timedelta

from sqlalchemy import select
from web_helpers import count, text_of

from app.clock import utcnow
from app.dashboard.snapshots import take_snapshot
from app.models import SnapshotItem, WeeklySnapshot
from app.plan_store import analyze_plan
from app.weeks import iso_week


def snapshots(db) -> list[WeeklySnapshot]:
    db.session.expire_all()
    return list(db.session.scalars(select(WeeklySnapshot).order_by(WeeklySnapshot.week)))


def test_flask_snapshot_stores_the_week_and_replaces_it_when_run_again(app, db, contended_plan):
    runner = app.test_cli_runner()
    week = iso_week(utcnow())
    analysis = analyze_plan()
    first = runner.invoke(args=["snapshot"])
    assert first.exit_code == 0, first.output
    assert first.output.startswith(f"Took the snapshot of {week}: {analysis.counts().open} open")
    (snapshot,) = snapshots(db)
    assert snapshot.week == week
    assert snapshot.counts["by_type"] == analysis.counts().by_type
    assert snapshot.counts["by_team"]["data"]["high"] >= 1
    assert snapshot.fingerprints == sorted(c.fingerprint for c in analysis.conflicts)
    entry = next(c for c in snapshot.conflicts if c["type"] == "platform_contention")
    assert entry["teams"][0] == "data" and entry["message"].startswith("Data Platform")
    rows = {
        row.item_key: row
        for row in db.session.scalars(
            select(SnapshotItem).where(SnapshotItem.snapshot_id == snapshot.id)
        )
    }
    assert len(rows) == 7
    pay1 = rows["PAY-1"]
    assert (pay1.team_slug, pay1.priority, pay1.start_period, pay1.end_period) == (
        "pay",
        3,
        contended_plan.periods[1].name,
        contended_plan.periods[1].name,
    )
    assert (pay1.status, pay1.health) == ("committed", "at_risk")

    again = runner.invoke(args=["snapshot"])
    assert again.exit_code == 0 and again.output.startswith(f"Replaced the snapshot of {week}")
    assert len(snapshots(db)) == 1
    assert count(db, SnapshotItem) == 7


def test_flask_snapshot_refuses_a_week_that_is_not_one_or_has_not_begun(app, db, contended_plan):
    runner = app.test_cli_runner()
    for week in ("2027-13", "2027-W60", "9999-W01"):
        result = runner.invoke(args=["snapshot", "--week", week])
        assert result.exit_code == 2, week
    assert "is not an ISO week" in runner.invoke(args=["snapshot", "--week", "x"]).output
    assert snapshots(db) == []
    past = runner.invoke(args=["snapshot", "--week", "2026-w02"])
    assert past.exit_code == 0, past.output
    assert [s.week for s in snapshots(db)] == ["2026-W02"]


def test_a_conflict_that_goes_away_counts_as_resolved_that_week(db, contended_plan):
    now = utcnow()
    two_weeks_ago, last_week = (iso_week(now - timedelta(days=d)) for d in (14, 7))
    before = analyze_plan(now)
    take_snapshot(before, two_weeks_ago, now)
    contended_plan.pay1.priority = 0
    db.session.flush()
    after = analyze_plan(now)
    gone = {c.fingerprint for c in before.conflicts} - {c.fingerprint for c in after.conflicts}
    assert [c.type for c in before.conflicts if c.fingerprint in gone] == ["priority_inversion"]
    taken = take_snapshot(after, last_week, now)
    assert taken.counts["resolved"] == 1
    first, second = snapshots(db)
    assert first.counts["resolved"] is None


def test_what_slipped_since_a_snapshot(db, contended_plan, as_user):
    now = utcnow()
    week = iso_week(now)
    take_snapshot(analyze_plan(now), week, now)
    contended_plan.data2.end_period_id = contended_plan.periods[2].id
    contended_plan.pay1.start_period_id = contended_plan.pay1.end_period_id = None
    contended_plan.chk2.end_period_id = contended_plan.periods[3].id
    contended_plan.chk1.start_period_id = contended_plan.chk1.end_period_id = (
        contended_plan.periods[0].id
    )
    client, _viewer = as_user("viewer")
    response = client.get("/dashboard/slipped")
    assert response.status_code == 200
    text = text_of(response)
    q0, q1, q2, q3 = (p.name for p in contended_plan.periods)
    assert f"3 items slipped since the snapshot of {week}, in 3 teams." in text
    assert f"DATA-2 Warehouse P2 committed {q0} {q2} 2 periods later" in text
    assert f"PAY-1 Tokenised cards P3 committed {q1} backlog back to the backlog" in text
    assert f"CHK-2 Saved cards P0 committed {q2} {q3} 1 period later" in text
    assert "CHK-1" not in text
    assert text.index("Data Platform") < text.index("Payments Platform") < text.index("Checkout")
    same = client.get("/dashboard/slipped", query_string={"since": week})
    assert text_of(same) == text
    refused = client.get("/dashboard/slipped?since=1999-W01")
    assert refused.status_code == 400
    assert 'No snapshot was taken in the week "1999-W01"' in text_of(refused)


def test_what_slipped_before_any_snapshot(db, contended_plan, as_user):
    client, _viewer = as_user("viewer")
    text = text_of(client.get("/dashboard/slipped"))
    assert "No weekly snapshot has been taken yet" in text


def snapshot_of(db, week: str, items: dict[str, tuple[str, str, str]]) -> None:
    """A stored snapshot with items ``{key: (team slug, end period, status)}``."""
    snapshot = WeeklySnapshot(
        week=week, taken_at=datetime(2000, 1, 1), counts={}, conflicts=[], fingerprints=[]
    )
    db.session.add(snapshot)
    db.session.flush()
    for key, (team, end, status) in items.items():
        db.session.add(
            SnapshotItem(
                snapshot_id=snapshot.id,
                item_key=key,
                team_slug=team,
                priority=1,
                start_period=end,
                end_period=end,
                status=status,
                health="on_track",
            )
        )
    db.session.flush()


def test_say_do_compares_the_start_of_each_finished_period_with_its_end(
    db, contended_plan, make_quarters, as_user
):
    make_quarters(date(2020, 1, 1), 3)
    snapshot_of(
        db,
        "2020-W01",
        {
            "OLD-1": ("chk", "2020 Q1", "committed"),
            "OLD-2": ("chk", "2020 Q1", "in_progress"),
            "OLD-3": ("chk", "2020 Q1", "proposed"),
            "OLD-4": ("data", "2020 Q1", "committed"),
            "OLD-5": ("data", "2020 Q2", "committed"),
        },
    )
    snapshot_of(
        db,
        "2020-W15",
        {
            "OLD-1": ("chk", "2020 Q1", "done"),
            "OLD-2": ("chk", "2020 Q2", "in_progress"),
            "OLD-4": ("data", "2020 Q1", "done"),
            "CHK-1": ("chk", "2020 Q2", "committed"),
        },
    )
    client, _viewer = as_user("viewer")
    text = text_of(client.get("/dashboard/say-do"))
    q1 = text[text.index("2020 Q1 Committed") :]
    assert "In all 2 of 3 done." in q1
    assert "Checkout 2 1 50% OLD-2" in q1 and "Data Platform 1 1 100% —" in q1
    q2 = text[text.index("2020 Q2 Committed") : text.index("2020 Q1 Committed")]
    assert "done as of now (no snapshot since the period ended)" in q2
    assert "In all 0 of 2 done." in q2 and "Checkout 2 0 0% CHK-1 , OLD-2" in q2
    assert "No snapshot was taken at the start of 2020 Q3" in text
    assert text.index("2020 Q3") < text.index("2020 Q2") < text.index("2020 Q1")

"""The demo's recent past: weekly snapshots of the eight weeks before the current
one, so that the dashboard's trend, resolved counts and "What slipped" are filled
from the first visit."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.clock import utcnow
from app.dashboard.snapshots import load_trend
from app.models import SnapshotItem, WeeklySnapshot
from app.plan_store import analyze_plan
from app.seed.demo import build_demo_plan
from app.seed.demo_past import STORY
from app.seed.users import DEMO_PASSWORD
from app.weeks import iso_week

SLIPPED_THIS_WEEK = {"IDN-1", "GW-1", "ONB-8"}
STALE = {"DATA-3", "INFRA-12", "MDB-10"}


def _weeks(db) -> list[str]:
    return list(db.session.scalars(select(WeeklySnapshot.week).order_by(WeeklySnapshot.week)))


def _quarter_began_this_week(today: date) -> bool:
    quarter = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    return quarter >= today - timedelta(days=today.weekday())


@pytest.fixture(scope="module")
def demo(app, rolled_back_database):
    """The demo seeded once for the tests of this module, which only read it."""
    with rolled_back_database() as db:
        result = app.test_cli_runner().invoke(args=["seed", "demo"])
        assert result.exit_code == 0, result.output
        yield db


def test_the_demo_has_snapshots_of_the_eight_past_weeks_and_none_ahead(demo):
    today = utcnow().date()
    past = [iso_week(today - timedelta(weeks=n)) for n in range(8, 0, -1)]
    current = iso_week(today)
    expected = [*past, current] if _quarter_began_this_week(today) else past
    assert _weeks(demo) == expected
    taken = demo.session.scalars(select(WeeklySnapshot.taken_at))
    assert all(moment <= utcnow() for moment in taken)
    per_snapshot = demo.session.execute(
        select(func.count()).select_from(SnapshotItem).group_by(SnapshotItem.snapshot_id)
    )
    assert all(100 <= n <= 160 for (n,) in per_snapshot)


def test_the_trend_has_nine_weeks_of_counts_and_resolved_conflicts(demo):
    analysis = analyze_plan()
    trend = load_trend(analysis, iso_week(analysis.now))
    counted = [week for week in trend if week.open]
    assert len(counted) >= 9
    assert trend[-1].live and trend[-1].open == analysis.counts().open
    assert sum(1 for week in counted if week.resolved) >= 5
    critical = [week.by_severity["critical"] for week in counted]
    assert min(critical) < max(critical)


def test_what_slipped_lists_the_slips_since_the_quarter_began(app, demo):
    client = app.test_client()
    signed_in = client.post("/login", data={"email": "lead@example.com", "password": DEMO_PASSWORD})
    assert signed_in.status_code == 302
    response = client.get("/dashboard/slipped")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    total = int(re.search(r"(\d+) items slipped since the snapshot of", html)[1])
    assert total >= 3
    for key in SLIPPED_THIS_WEEK:
        assert f'href="/items/{key}"' in html
    assert "1 period later" in html


def test_no_past_week_finds_a_reporting_item_silent(demo):
    stale = {
        conflict["items"][0]
        for conflicts in demo.session.scalars(select(WeeklySnapshot.conflicts))
        for conflict in conflicts
        if conflict["type"] == "stale_status"
    }
    assert stale == STALE


def test_the_story_changes_what_the_demo_plan_has_now():
    plan = build_demo_plan(date(2027, 5, 12))
    names = [period["name"] for period in plan["periods"]]
    items = {item["key"]: item for item in plan["items"]}
    commitments = {(d["dependent"], d["dependency"]): d["commitment"] for d in plan["dependencies"]}
    for change in STORY:
        item = items[change.key]
        if change.periods is not None:
            assert [names[n] for n in change.periods] != [item["start"], item["end"]], change
        if change.priority is not None:
            assert change.priority != item["priority"], change
        if change.needs is not None:
            assert commitments[change.key, change.needs] != change.commitment, change
    this_week = {c.key for c in STORY if c.weeks_ago == 0 and c.periods is not None}
    assert this_week == SLIPPED_THIS_WEEK

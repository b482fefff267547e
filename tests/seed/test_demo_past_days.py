"""The demo's past weeks when it is seeded on a given day: each snapshot as of its
week's Monday noon, and the first snapshot of a quarter that began this week."""

from datetime import date, datetime, time

from sqlalchemy import select

from app.dashboard.history import default_since, slipped_since, snapshot_weeks
from app.models import Period, WeeklySnapshot
from app.seed.demo import seed_demo
from app.seed.demo_past import Week, past_weeks
from app.weeks import iso_week


def test_each_past_snapshot_is_taken_at_its_weeks_monday_noon(db):
    seed_demo(date(2027, 2, 17))
    rows = db.session.execute(
        select(WeeklySnapshot.week, WeeklySnapshot.taken_at).order_by(WeeklySnapshot.week)
    ).all()
    weeks = ["2026-W52", "2026-W53", *(f"2027-W0{n}" for n in range(1, 7))]
    assert [week for week, _ in rows] == weeks
    for week, taken in rows:
        assert iso_week(taken) == week
        assert (taken.weekday(), taken.time()) == (0, time(12))


def test_when_the_quarter_began_this_week_the_seed_takes_its_first_snapshot(db):
    new_year = date(2027, 1, 1)  # a Friday: the quarter began in 2026-W53
    seed_demo(new_year)
    weeks = snapshot_weeks()
    assert [week.week for week in weeks[-2:]] == ["2026-W52", "2026-W53"]
    assert weeks[-1].taken_at == datetime(2026, 12, 28, 12)
    periods = list(db.session.scalars(select(Period).order_by(Period.start_date)))
    since = default_since(weeks, periods, new_year)
    assert since == "2026-W53"
    slipped = {slip.key for team in slipped_since(weeks[-1].id, periods) for slip in team.slips}
    assert slipped == {"IDN-1", "GW-1", "ONB-8"}


def test_on_the_monday_a_quarter_begins_its_snapshot_is_as_of_midnight():
    monday = date(2029, 1, 1)
    weeks = past_weeks(monday, monday)
    assert len(weeks) == 9
    assert weeks[-1] == Week(0, "2029-W01", datetime(2029, 1, 1))
    assert weeks[0] == Week(8, "2028-W45", datetime(2028, 11, 6, 12))
    assert past_weeks(date(2029, 1, 8), monday)[-1].weeks_ago == 1

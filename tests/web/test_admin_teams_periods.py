"""The admin pages for teams and periods, their rules and their audit history."""

from datetime import date

import pytest
from sqlalchemy import select
from web_helpers import count, events

from app.admin import operations
from app.models import AuditEvent, Period, Team

# Teams


def test_create_a_team(db, client, admin):
    response = client.post(
        "/admin/teams/new",
        data={
            "name": "Payments Platform",
            "slug": " pay ",
            "kind": "platform",
            "default_capacity": "40",
        },
    )
    assert response.status_code == 302
    team = db.session.scalar(select(Team).where(Team.slug == "pay"))
    assert (team.name, team.kind, team.default_capacity) == ("Payments Platform", "platform", 40)
    assert b"Created the team Payments Platform" in client.get("/admin/teams").data
    (created,) = events(db, "team", team.id)
    assert created.action == "create"
    assert created.changes["slug"] == [None, "pay"]
    assert created.changes["default_capacity"] == [None, 40]


def test_a_team_without_capacity(db, client, admin):
    data = {"name": "Checkout", "slug": "chk", "kind": "product", "default_capacity": ""}
    assert client.post("/admin/teams/new", data=data).status_code == 302
    team = db.session.scalar(select(Team).where(Team.slug == "chk"))
    assert team.default_capacity is None
    assert "not set" in client.get("/admin/teams").get_data(as_text=True)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"slug": "p"}, "2 to 20 lowercase letters"),
        ({"slug": "pay_x"}, "2 to 20 lowercase letters"),
        ({"slug": "a" * 21}, "2 to 20 lowercase letters"),
        ({"slug": "taken"}, "already taken"),
        ({"kind": "other"}, "Not a valid choice"),
        ({"default_capacity": "-1"}, "Number must be between 0"),
        ({"default_capacity": "lots"}, "Not a valid float value"),
        ({"name": ""}, "This field is required."),
    ],
)
def test_a_refused_team_form_says_why_and_writes_nothing(
    db, client, admin, make_team, changes, message
):
    make_team("taken")
    data = {"name": "New team", "slug": "new", "kind": "platform", "default_capacity": "10"}
    response = client.post("/admin/teams/new", data={**data, **changes})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count(db, Team) == 1


def test_edit_a_team(db, client, admin, make_team):
    team = make_team("pay", name="Payments", default_capacity=40)
    page = client.get(f"/admin/teams/{team.id}").get_data(as_text=True)
    assert 'value="Payments"' in page
    assert 'name="slug"' not in page
    response = client.post(
        f"/admin/teams/{team.id}",
        data={
            "name": "Payments Platform",
            "kind": "platform",
            "default_capacity": "35.5",
            "slug": "hacked",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert (team.name, team.slug, team.default_capacity) == ("Payments Platform", "pay", 35.5)
    (updated,) = events(db, "team", team.id)[-1:]
    assert updated.action == "update"
    assert updated.changes == {
        "name": ["Payments", "Payments Platform"],
        "default_capacity": [40, 35.5],
    }


# Periods


def test_the_periods_page_lists_periods_in_order(client, admin, make_period):
    make_period(year=2027, quarter=2)
    make_period(year=2026, quarter=4)
    make_period(year=2027, quarter=1)
    page = client.get("/admin/periods").get_data(as_text=True)
    assert page.index("2026 Q4") < page.index("2027 Q1") < page.index("2027 Q2")
    assert 'value="2028"' in page  # the year after the last period, for generating


def test_create_a_period(db, client, admin):
    response = client.post(
        "/admin/periods/new",
        data={"name": "2027 H1", "start_date": "2027-01-01", "end_date": "2027-06-30"},
    )
    assert response.status_code == 302
    period = db.session.scalar(select(Period).where(Period.name == "2027 H1"))
    assert (period.start_date, period.end_date) == (date(2027, 1, 1), date(2027, 6, 30))
    assert b"Created the period 2027 H1" in client.get("/admin/periods").data
    (created,) = events(db, "period", period.id)
    assert created.changes["start_date"] == [None, "2027-01-01"]
    assert created.changes["name"] == [None, "2027 H1"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"name": "Spring", "start_date": "2027-03-01", "end_date": "2027-05-31"},
            "Spring would overlap 2027 Q1 (2027-01-01 to 2027-03-31).",
        ),
        (
            {"name": "Year", "start_date": "2026-07-01", "end_date": "2027-12-31"},
            "Year would overlap 2027 Q1 (2027-01-01 to 2027-03-31).",
        ),
        (
            {"name": "2027 q1", "start_date": "2028-01-01", "end_date": "2028-03-31"},
            "A period named 2027 Q1 already exists.",
        ),
        (
            {"name": "Back", "start_date": "2028-03-31", "end_date": "2028-01-01"},
            "The end date comes before the start date.",
        ),
        (
            {"name": "Bad", "start_date": "2028-02-30", "end_date": "2028-03-31"},
            "Not a valid date value.",
        ),
        ({"name": "", "start_date": "2028-01-01", "end_date": "2028-03-31"}, "required"),
    ],
)
def test_a_refused_period_says_why_and_writes_nothing(
    db, client, admin, make_period, data, message
):
    make_period(year=2027, quarter=1)
    response = client.post("/admin/periods/new", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count(db, Period) == 1


def test_edit_a_period(db, client, admin, make_period):
    q1 = make_period(year=2027, quarter=1)
    make_period(year=2027, quarter=2)
    response = client.post(
        f"/admin/periods/{q1.id}",
        data={"name": "2027 Q1 (extended)", "start_date": "2026-12-15", "end_date": "2027-03-31"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert (q1.name, q1.start_date) == ("2027 Q1 (extended)", date(2026, 12, 15))
    (updated,) = events(db, "period", q1.id)[-1:]
    assert updated.changes == {
        "name": ["2027 Q1", "2027 Q1 (extended)"],
        "start_date": ["2027-01-01", "2026-12-15"],
    }


def test_a_period_keeps_its_place_in_the_order(db, client, admin, make_period):
    q1 = make_period(year=2027, quarter=1)
    make_period(year=2027, quarter=2)
    response = client.post(
        f"/admin/periods/{q1.id}",
        data={"name": "2027 Q1", "start_date": "2027-07-01", "end_date": "2027-09-30"},
    )
    assert response.status_code == 400
    assert "would move 2027 Q1 past 2027 Q2" in response.get_data(as_text=True)
    response = client.post(
        f"/admin/periods/{q1.id}",
        data={"name": "2027 Q1", "start_date": "2027-03-01", "end_date": "2027-04-30"},
    )
    assert response.status_code == 400
    assert "would overlap 2027 Q2" in response.get_data(as_text=True)


def test_generate_the_quarters_of_a_year(db, client, admin):
    response = client.post("/admin/periods/quarters", data={"year": "2027"})
    assert response.status_code == 302
    assert b"Created 2027 Q1 to 2027 Q4." in client.get("/admin/periods").data
    periods = db.session.scalars(select(Period).order_by(Period.start_date)).all()
    assert [(p.name, p.start_date, p.end_date) for p in periods] == [
        ("2027 Q1", date(2027, 1, 1), date(2027, 3, 31)),
        ("2027 Q2", date(2027, 4, 1), date(2027, 6, 30)),
        ("2027 Q3", date(2027, 7, 1), date(2027, 9, 30)),
        ("2027 Q4", date(2027, 10, 1), date(2027, 12, 31)),
    ]
    assert (
        len(db.session.scalars(select(AuditEvent).where(AuditEvent.entity == "period")).all()) == 4
    )


def test_quarters_of_a_leap_year(db):
    quarters = operations.create_quarters(2028)
    assert quarters[0].end_date == date(2028, 3, 31)
    assert [q.start_date.month for q in quarters] == [1, 4, 7, 10]


@pytest.mark.parametrize(
    ("existing", "message"),
    [
        (
            ("2027 Q3", date(2027, 7, 1), date(2027, 9, 30)),
            "A period named 2027 Q3 already exists.",
        ),
        (
            ("Summer", date(2027, 6, 1), date(2027, 8, 31)),
            "2027 Q2 would overlap Summer (2027-06-01 to 2027-08-31). "
            "2027 Q3 would overlap Summer (2027-06-01 to 2027-08-31).",
        ),
    ],
)
def test_quarters_are_all_or_nothing(db, client, admin, existing, message):
    name, start, end = existing
    db.session.add(Period(name=name, start_date=start, end_date=end))
    response = client.post("/admin/periods/quarters", data={"year": "2027"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "No quarters of 2027 were created" in page
    assert message in page
    assert count(db, Period) == 1


@pytest.mark.parametrize("year", ["1969", "2201", "", "twenty"])
def test_quarters_need_a_sensible_year(db, client, admin, year):
    response = client.post("/admin/periods/quarters", data={"year": year})
    assert response.status_code == 400
    assert count(db, Period) == 0

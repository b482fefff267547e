"""The admin pages: users, teams and periods, their rules and their audit history."""

from datetime import date

import pytest
from sqlalchemy import func, select
from web_helpers import count

from app.admin import operations
from app.admin.operations import AdminError
from app.models import AuditEvent, Period, Team, TeamMembership, User


@pytest.fixture
def admin(as_user):
    """A signed-in admin."""
    _client, user = as_user("admin", email="root@example.com")
    return user


def audit_mark(db):
    return db.session.scalar(select(func.max(AuditEvent.id))) or 0


def events(db, entity=None, entity_id=None, since=0):
    query = select(AuditEvent).where(AuditEvent.id > since).order_by(AuditEvent.id)
    if entity is not None:
        query = query.where(AuditEvent.entity == entity, AuditEvent.entity_id == entity_id)
    return db.session.scalars(query).all()


def user_by_email(db, email):
    return db.session.scalar(select(User).where(User.email == email))


# Access


@pytest.mark.parametrize("role", ["viewer", "contributor", "planner"])
def test_only_admins_see_the_admin_link_and_pages(db, client, login, make_user, make_team, role):
    user = make_user(role, teams=[make_team()] if role == "contributor" else ())
    login(user)
    assert b'href="/admin/users"' not in client.get("/", follow_redirects=True).data
    assert client.get("/admin/users").status_code == 403


def test_admins_see_the_admin_link(client, admin):
    assert b'href="/admin/users"' in client.get("/", follow_redirects=True).data


def test_home_links_an_admin_to_the_periods_page_when_there_are_none(client, as_user, admin):
    assert b'href="/admin/periods"' in client.get("/", follow_redirects=True).data
    as_user("planner")
    assert b'href="/admin/periods"' not in client.get("/", follow_redirects=True).data


# Users


def test_the_user_list_shows_accounts_and_teams_in_few_queries(
    db, client, admin, make_user, make_team, count_queries
):
    pay = make_team("pay")
    make_user("contributor", email="dev@example.com", teams=[pay, make_team("chk")])
    make_user("viewer", email="gone@example.com", active=False)
    with count_queries() as few:
        response = client.get("/admin/users")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "dev@example.com" in page
    assert "chk, pay" in page
    assert "deactivated" in page
    for n in range(10):
        make_user("contributor", teams=[make_team(f"x{n}")])
    with count_queries() as many:
        client.get("/admin/users")
    assert many.n == few.n


def test_create_a_user(db, client, admin, make_team):
    pay, chk = make_team("pay"), make_team("chk")
    db.session.commit()
    response = client.post(
        "/admin/users/new",
        data={
            "email": " Dev@Example.com ",
            "name": "Dee Veloper",
            "role": "contributor",
            "password": "a-long-enough-password",
            "teams": [str(pay.id), str(chk.id)],
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/users"
    user = user_by_email(db, "dev@example.com")
    assert (user.name, user.role, user.active) == ("Dee Veloper", "contributor", True)
    assert user.team_ids == {pay.id, chk.id}
    assert user.check_password("a-long-enough-password")
    assert b"Created the account dev@example.com" in client.get("/admin/users").data

    (created,) = events(db, "user", user.id)
    assert created.action == "create"
    assert created.actor == "root@example.com"
    assert created.changes["email"] == [None, "dev@example.com"]
    assert created.changes["role"] == [None, "contributor"]
    assert created.changes["password_hash"] == [None, "(set)"]
    assert user.password_hash not in str(created.changes)
    memberships = db.session.scalars(
        select(AuditEvent).where(AuditEvent.entity == "membership", AuditEvent.action == "create")
    ).all()
    assert sorted(e.changes["team_id"][1] for e in memberships) == sorted([pay.id, chk.id])


def test_the_new_user_form_renders_every_field_labelled(client, admin, make_team):
    make_team("pay", name="Payments Platform")
    page = client.get("/admin/users/new").get_data(as_text=True)
    for field in ("email", "name", "role", "teams", "password"):
        assert f'<label for="{field}"' in page
        assert f'id="{field}"' in page
    assert "Payments Platform (pay)" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": "root@example.com"}, "already exists"),
        ({"email": "ROOT@example.com"}, "already exists"),
        ({"email": "not-an-address"}, "Invalid email address"),
        ({"role": "contributor"}, "A contributor must belong to at least one team."),
        ({"role": "superuser"}, "Not a valid choice"),
        ({"password": "eleven-char"}, "at least 12 characters"),
        ({"name": ""}, "This field is required."),
    ],
)
def test_a_refused_user_form_says_why_and_writes_nothing(db, client, admin, changes, message):
    data = {"email": "new@example.com", "name": "New", "role": "viewer", "password": "x" * 12}
    response = client.post("/admin/users/new", data={**data, **changes})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count(db, User) == 1
    written = select(AuditEvent).where(
        AuditEvent.entity == "user", AuditEvent.entity_id != admin.id
    )
    assert not db.session.scalars(written).all()


def test_edit_role_and_memberships(db, client, admin, make_user, make_team):
    pay, chk, idp = make_team("pay"), make_team("chk"), make_team("idp")
    user = make_user("contributor", email="dev@example.com", teams=[pay, chk])
    db.session.commit()
    page = client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert f'<option selected value="{pay.id}">' in page
    assert f'<option value="{idp.id}">' in page

    mark = audit_mark(db)
    response = client.post(
        f"/admin/users/{user.id}",
        data={"name": "Dee", "role": "planner", "teams": [str(chk.id), str(idp.id)]},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert user.role == "planner"
    assert user.name == "Dee"
    assert user.team_ids == {chk.id, idp.id}

    written = events(db, since=mark)
    (updated,) = [e for e in written if e.entity == "user"]
    assert (updated.entity_id, updated.action) == (user.id, "update")
    assert updated.changes == {"name": ["Test User", "Dee"], "role": ["contributor", "planner"]}
    assert sorted(
        (e.action, e.changes["team_id"][0] or e.changes["team_id"][1])
        for e in written
        if e.entity == "membership"
    ) == [("create", idp.id), ("delete", pay.id)]


def test_an_admin_resets_a_password_and_the_history_hides_it(db, client, admin, make_user):
    user = make_user("viewer")
    db.session.commit()
    mark = audit_mark(db)
    response = client.post(
        f"/admin/users/{user.id}",
        data={"name": user.name, "role": "viewer", "password": "a-brand-new-password"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert user.check_password("a-brand-new-password")
    (updated,) = events(db, since=mark)
    assert updated.changes == {"password_hash": ["(set)", "(set)"]}


def test_an_empty_password_keeps_the_old_one(db, client, admin, make_user):
    user = make_user("viewer")
    db.session.commit()
    old_hash = user.password_hash
    client.post(f"/admin/users/{user.id}", data={"name": "Renamed", "role": "viewer"})
    db.session.expire_all()
    assert user.password_hash == old_hash
    assert user.name == "Renamed"


def test_the_last_active_admin_keeps_the_role(db, client, admin, make_user):
    make_user("admin", email="old@example.com", active=False)
    db.session.commit()
    response = client.post(f"/admin/users/{admin.id}", data={"name": admin.name, "role": "planner"})
    assert response.status_code == 400
    assert "root@example.com is the last active admin" in response.get_data(as_text=True)
    db.session.expire_all()
    assert admin.role == "admin"


def test_an_admin_may_step_down_when_another_remains(db, client, admin, make_user):
    make_user("admin", email="other@example.com")
    db.session.commit()
    response = client.post(f"/admin/users/{admin.id}", data={"name": admin.name, "role": "planner"})
    assert response.status_code == 302
    db.session.expire_all()
    assert admin.role == "planner"


def test_deactivate_and_reactivate(db, client, admin, make_user):
    user = make_user("planner", email="leaver@example.com")
    db.session.commit()
    response = client.post(f"/admin/users/{user.id}/deactivate")
    assert response.status_code == 302
    db.session.expire_all()
    assert user.active is False
    page = client.get("/admin/users").get_data(as_text=True)
    assert "Deactivated leaver@example.com" in page
    assert f'action="/admin/users/{user.id}/reactivate"' in page
    assert events(db, "user", user.id)[-1].changes == {"active": [True, False]}

    assert client.post(f"/admin/users/{user.id}/reactivate").status_code == 302
    db.session.expire_all()
    assert user.active is True
    assert events(db, "user", user.id)[-1].changes == {"active": [False, True]}


def test_an_admin_cannot_deactivate_themself(db, client, admin, make_user):
    make_user("admin")
    db.session.commit()
    page = client.get("/admin/users").get_data(as_text=True)
    assert f'action="/admin/users/{admin.id}/deactivate"' not in page
    response = client.post(f"/admin/users/{admin.id}/deactivate")
    assert response.status_code == 302
    assert "You cannot deactivate your own account." in client.get("/admin/users").get_data(
        as_text=True
    )
    db.session.expire_all()
    assert admin.active is True


def test_the_last_active_admin_is_never_deactivated(db, make_user):
    only = make_user("admin")
    make_user("admin", active=False)
    with pytest.raises(AdminError, match="last active admin"):
        operations.set_user_active(only, False, actor=None)
    assert only.active is True
    other = make_user("admin")
    operations.set_user_active(only, False, actor=other)
    assert only.active is False


def test_a_deactivated_user_loses_access(db, client, sign_in, admin, make_user):
    user = make_user("planner")
    db.session.commit()
    client.post(f"/admin/users/{user.id}/deactivate")
    sign_in(user)
    assert client.get("/").status_code in (302, 403)


def test_unknown_accounts_are_404(client, admin):
    assert client.get("/admin/users/999999").status_code == 404
    assert client.post("/admin/users/999999/deactivate").status_code == 404


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
    db.session.commit()
    data = {"name": "New team", "slug": "new", "kind": "platform", "default_capacity": "10"}
    response = client.post("/admin/teams/new", data={**data, **changes})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count(db, Team) == 1


def test_edit_a_team(db, client, admin, make_team):
    team = make_team("pay", name="Payments", default_capacity=40)
    db.session.commit()
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
    db.session.commit()
    response = client.post("/admin/periods/new", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count(db, Period) == 1


def test_edit_a_period(db, client, admin, make_period):
    q1 = make_period(year=2027, quarter=1)
    make_period(year=2027, quarter=2)
    db.session.commit()
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
    db.session.commit()
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
    db.session.commit()
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


def test_memberships_follow_the_form(db, make_user, make_team):
    pay, chk = make_team("pay"), make_team("chk")
    user = make_user("contributor", teams=[pay])
    operations.update_user(user, role="contributor", teams=[chk], name="Dev")
    rows = db.session.scalars(select(TeamMembership).where(TeamMembership.user_id == user.id))
    assert [m.team_id for m in rows] == [chk.id]

"""The admin pages for users: access, accounts, roles, memberships, deactivation,
and their audit history."""

import pytest
from sqlalchemy import select
from web_helpers import audit_mark, count, events, user_by_email

from app.admin import operations
from app.admin.operations import AdminError
from app.models import AuditEvent, TeamMembership, User

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
    data = {
        "email": "new@example.com",
        "name": "New",
        "role": "viewer",
        "password": "a-long-enough-password",
    }
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
    old_hash = user.password_hash
    client.post(f"/admin/users/{user.id}", data={"name": "Renamed", "role": "viewer"})
    db.session.expire_all()
    assert user.password_hash == old_hash
    assert user.name == "Renamed"


def test_the_last_active_admin_keeps_the_role(db, client, admin, make_user):
    make_user("admin", email="old@example.com", active=False)
    response = client.post(f"/admin/users/{admin.id}", data={"name": admin.name, "role": "planner"})
    assert response.status_code == 400
    assert "root@example.com is the last active admin" in response.get_data(as_text=True)
    db.session.expire_all()
    assert admin.role == "admin"


def test_an_admin_may_step_down_when_another_remains(db, client, admin, make_user):
    make_user("admin", email="other@example.com")
    response = client.post(f"/admin/users/{admin.id}", data={"name": admin.name, "role": "planner"})
    assert response.status_code == 302
    db.session.expire_all()
    assert admin.role == "planner"


def test_deactivate_and_reactivate(db, client, admin, make_user):
    user = make_user("planner", email="leaver@example.com")
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
    client.post(f"/admin/users/{user.id}/deactivate")
    sign_in(user)
    assert client.get("/").status_code in (302, 403)


def test_unknown_accounts_are_404(client, admin):
    assert client.get("/admin/users/999999").status_code == 404
    assert client.post("/admin/users/999999/deactivate").status_code == 404


def test_memberships_follow_the_form(db, make_user, make_team):
    pay, chk = make_team("pay"), make_team("chk")
    user = make_user("contributor", teams=[pay])
    operations.update_user(user, role="contributor", teams=[chk], name="Dev")
    rows = db.session.scalars(select(TeamMembership).where(TeamMembership.user_id == user.id))
    assert [m.team_id for m in rows] == [chk.id]

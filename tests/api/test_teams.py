"""/api/v1/teams and /api/v1/periods: teams in the plan interchange format, and
capacity cells read and set with ETags."""

import pytest
from sqlalchemy import func, select

import app.api.teams as teams_api
from app.models import AuditEvent, TeamCapacity
from app.plan_io import export_plan

PROBLEM = "application/problem+json"
CELL = "/api/v1/teams/pay/capacity/2027 Q2"


@pytest.fixture
def plan(make_team, make_period, make_capacity):
    pay = make_team("pay", name="Payments Platform", default_capacity=40)
    chk = make_team("chk", kind="product", name="Checkout")
    q1 = make_period("2027 Q1", quarter=1)
    q2 = make_period("2027 Q2", quarter=2)
    make_capacity(pay, q2, 30)
    make_capacity(pay, q1, 35.5)
    return {"pay": pay, "chk": chk, "q1": q1, "q2": q2}


def _overrides(db) -> list:
    db.session.expire_all()
    return sorted(db.session.execute(select(TeamCapacity.person_weeks)).scalars())


def test_teams_are_listed_as_the_plan_export_writes_them(viewer_api, plan, db):
    response = viewer_api.get("/api/v1/teams")
    assert response.status_code == 200
    teams = response.get_json()["data"]
    assert teams == export_plan()["teams"]
    assert teams[1] == {
        "slug": "pay",
        "name": "Payments Platform",
        "kind": "platform",
        "capacity": {"default": 40, "periods": {"2027 Q1": 35.5, "2027 Q2": 30}},
    }
    assert "40.0" not in response.get_data(as_text=True)


def test_one_team_and_the_periods(viewer_api, plan):
    team = viewer_api.get("/api/v1/teams/chk").get_json()
    assert team == {
        "slug": "chk",
        "name": "Checkout",
        "kind": "product",
        "capacity": {"default": None, "periods": {}},
    }
    periods = viewer_api.get("/api/v1/periods").get_json()["data"]
    assert periods == export_plan()["periods"]
    assert periods[0] == {"name": "2027 Q1", "start": "2027-01-01", "end": "2027-03-31"}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/teams/nope",
        "/api/v1/teams/nope/capacity/2027 Q1",
        "/api/v1/teams/pay/capacity/2031 Q9",
        "/api/v1/teams/" + "x" * 5000,
    ],
)
def test_an_unknown_team_or_period_is_404(viewer_api, plan, path):
    response = viewer_api.get(path)
    assert response.status_code == 404 and response.mimetype == PROBLEM


def test_a_capacity_cell_shows_its_override_and_the_capacity_that_counts(viewer_api, plan):
    response = viewer_api.get(CELL)
    assert response.status_code == 200
    assert response.get_json() == {
        "team": "pay",
        "period": "2027 Q2",
        "person_weeks": 30,
        "default": 40,
        "effective_capacity": 30,
        "version": 1,
    }
    assert response.headers["ETag"].startswith('"capacity-')
    empty = viewer_api.get("/api/v1/teams/chk/capacity/2027 Q1").get_json()
    assert empty["person_weeks"] is None and empty["effective_capacity"] is None
    assert empty["version"] == 0


def test_a_planner_sets_a_cell_with_if_match_and_gets_a_new_etag(planner_api, plan, db):
    etag = planner_api.get(CELL).headers["ETag"]
    response = planner_api.put(CELL, json={"person_weeks": 25}, headers={"If-Match": etag})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["person_weeks"], body["effective_capacity"], body["version"]) == (25, 25, 2)
    assert response.headers["ETag"] != etag
    assert planner_api.get(CELL).headers["ETag"] == response.headers["ETag"]
    assert _overrides(db) == [25, 35.5]
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.entity == "capacity").order_by(AuditEvent.id.desc())
    )
    assert event.action == "update"
    assert event.changes["person_weeks"] == [30, 25]


def test_null_removes_the_override_and_a_new_one_has_a_new_etag(planner_api, plan, db):
    read = planner_api.get(CELL)
    removed = planner_api.put(
        CELL, json={"person_weeks": None}, headers={"If-Match": read.headers["ETag"]}
    )
    assert removed.status_code == 200
    assert removed.get_json()["effective_capacity"] == 40
    assert removed.get_json()["person_weeks"] is None
    again = planner_api.put(
        CELL, json={"person_weeks": 30}, headers={"If-Match": removed.headers["ETag"]}
    )
    assert again.status_code == 200 and again.get_json()["version"] == 1
    # Back to 30 at version 1, as first read; a cell set and removed meanwhile still
    # has another ETag than the one read before, so nothing is lost.
    assert again.headers["ETag"] == read.headers["ETag"]
    changed = planner_api.put(
        CELL, json={"person_weeks": 31}, headers={"If-Match": again.headers["ETag"]}
    )
    removed_again = planner_api.put(
        CELL, json={"person_weeks": None}, headers={"If-Match": changed.headers["ETag"]}
    )
    set_again = planner_api.put(
        CELL, json={"person_weeks": 12}, headers={"If-Match": removed_again.headers["ETag"]}
    )
    assert set_again.get_json()["version"] == 1
    stale = planner_api.put(
        CELL, json={"person_weeks": 99}, headers={"If-Match": changed.headers["ETag"]}
    )
    assert stale.status_code == 412
    assert _overrides(db) == [12, 35.5]


def test_a_change_without_if_match_is_428_and_a_stale_one_412(planner_api, plan, db):
    etag = planner_api.get(CELL).headers["ETag"]
    missing = planner_api.put(CELL, json={"person_weeks": 20})
    assert missing.status_code == 428 and missing.mimetype == PROBLEM
    assert (
        planner_api.put(CELL, json={"person_weeks": 20}, headers={"If-Match": etag}).status_code
        == 200
    )
    stale = planner_api.put(CELL, json={"person_weeks": 10}, headers={"If-Match": etag})
    assert stale.status_code == 412 and stale.mimetype == PROBLEM
    current = stale.get_json()["current"]
    assert (current["person_weeks"], current["version"]) == (20, 2)
    assert stale.headers["ETag"] == planner_api.get(CELL).headers["ETag"]
    assert _overrides(db) == [20, 35.5]


def test_a_new_default_makes_the_etag_stale(planner_api, plan, db):
    etag = planner_api.get(CELL).headers["ETag"]
    plan["pay"].default_capacity = 50
    db.session.flush()
    stale = planner_api.put(CELL, json={"person_weeks": 10}, headers={"If-Match": etag})
    assert stale.status_code == 412
    assert stale.get_json()["current"]["default"] == 50


def test_a_cell_changed_between_reading_and_writing_is_412(planner_api, plan, db, monkeypatch):
    """Another request changes the cell after this one has checked If-Match: the
    conditional write finds it changed, and nothing is saved."""
    etag = planner_api.get(CELL).headers["ETag"]
    as_read = teams_api._cell
    calls = []

    def read_then_changed(team, period):
        state = as_read(team, period)
        if not calls:
            calls.append(state)
            row = teams_api.db.session.scalar(
                select(TeamCapacity).where(TeamCapacity.period_id == period.id)
            )
            row.person_weeks = 33
            teams_api.db.session.flush()
        return state

    monkeypatch.setattr(teams_api, "_cell", read_then_changed)
    response = planner_api.put(CELL, json={"person_weeks": 10}, headers={"If-Match": etag})
    assert response.status_code == 412, response.get_json()
    assert response.get_json()["current"]["person_weeks"] == 33
    assert "Nothing was saved" in response.get_json()["detail"]


def test_setting_the_same_value_changes_nothing(planner_api, plan, db):
    audits = db.session.scalar(select(func.count(AuditEvent.id)))
    etag = planner_api.get(CELL).headers["ETag"]
    response = planner_api.put(CELL, json={"person_weeks": 30.0}, headers={"If-Match": etag})
    assert response.status_code == 200 and response.headers["ETag"] == etag
    assert db.session.scalar(select(func.count(AuditEvent.id))) == audits


def test_only_planners_with_a_write_token_set_capacity(api_as, plan, db):
    etag = api_as("viewer")[0].get(CELL).headers["ETag"]
    pay = plan["pay"]
    for api in (
        api_as("viewer")[0],
        api_as("contributor", teams=[pay])[0],
        api_as("planner", scope="read")[0],
    ):
        assert api.get(CELL).status_code == 200
        response = api.put(CELL, json={"person_weeks": 1}, headers={"If-Match": etag})
        assert response.status_code == 403 and response.mimetype == PROBLEM
    admin = api_as("admin")[0]
    assert admin.put(CELL, json={"person_weeks": 1}, headers={"If-Match": etag}).status_code == 200
    assert _overrides(db) == [1, 35.5]


@pytest.mark.parametrize(
    "raw",
    [
        '{"person_weeks": "12"}',
        '{"person_weeks": true}',
        '{"person_weeks": -1}',
        '{"person_weeks": 100001}',
        '{"person_weeks": 1e999}',
        '{"person_weeks": NaN}',
        '{"person_weeks": ' + "9" * 5000 + "}",
        '{"person_weeks": 1' + "0" * 400 + "}",
        '{"person_weeks": [12]}',
        '{"person_weeks": {"a": 1}}',
        '{"person_weeks": 12, "colour": "red"}',
        '{"person_weeks\\u0000": 12}',
        '{"person_weeks": 12, "note": "\\ud800"}',
        "{}",
        "[]",
        '"text"',
        "[" * 500 + "]" * 500,
        '{"person_weeks": ',
        "",
    ],
)
def test_hostile_bodies_are_refused_and_change_nothing(planner_api, plan, db, raw):
    etag = planner_api.get(CELL).headers["ETag"]
    response = planner_api.put(
        CELL, data=raw, headers={"If-Match": etag, "Content-Type": "application/json"}
    )
    assert 400 <= response.status_code < 500, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    assert response.get_json()["status"] == response.status_code
    assert _overrides(db) == [30, 35.5]
    assert planner_api.get(CELL).headers["ETag"] == etag

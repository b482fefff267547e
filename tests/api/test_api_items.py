"""/api/v1/items: reading, making, changing and deleting items, with ETags."""

import pytest
from sqlalchemy import select

from app.models import AuditEvent, Item

PROBLEM = "application/problem+json"


@pytest.fixture
def plan(make_team, make_period, make_item):
    team = make_team("pay", name="Payments Platform")
    q1 = make_period("2027 Q1", quarter=1)
    q2 = make_period("2027 Q2", quarter=2)
    first = make_item(team, key="PAY-1", title="Tokenised cards", start=q1, end=q1)
    second = make_item(team, key="PAY-2", title="Refunds", priority=0, status="in_progress")
    return {"team": team, "q1": q1, "q2": q2, "items": [first, second]}


def test_items_are_listed_with_the_plan_formats_names(planner_api, plan):
    response = planner_api.get("/api/v1/items")
    assert response.status_code == 200
    body = response.get_json()
    assert [i["key"] for i in body["data"]] == ["PAY-1", "PAY-2"]
    first = body["data"][0]
    assert first["team"] == "pay" and first["start"] == "2027 Q1" and first["priority"] == "P2"
    assert body["next"] is None


def test_a_list_pages_by_cursor_and_filters_in_the_query(planner_api, plan):
    first = planner_api.get("/api/v1/items?limit=1").get_json()
    assert [i["key"] for i in first["data"]] == ["PAY-1"]
    second = planner_api.get(first["next"]).get_json()
    assert [i["key"] for i in second["data"]] == ["PAY-2"] and second["next"] is None
    only = planner_api.get("/api/v1/items?priority=P0").get_json()
    assert [i["key"] for i in only["data"]] == ["PAY-2"]


@pytest.mark.parametrize("query", ["limit=0", "limit=201", "limit=x", "cursor=%%%", "status=late"])
def test_a_bad_query_is_a_problem(planner_api, plan, query):
    response = planner_api.get(f"/api/v1/items?{query}")
    assert response.status_code in (400, 422)
    assert response.mimetype == PROBLEM
    assert response.get_json()["status"] == response.status_code


def test_without_a_token_the_api_answers_401(client, plan):
    response = client.get("/api/v1/items")
    assert response.status_code == 401
    assert response.mimetype == PROBLEM
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    bad = client.get("/api/v1/items", headers={"Authorization": "Bearer rt_nope"})
    assert bad.status_code == 401


def test_a_planner_creates_an_item_with_the_teams_next_key(planner_api, plan, db):
    response = planner_api.post(
        "/api/v1/items",
        json={"team": "pay", "title": "Chargebacks", "priority": "P1", "start": "2027 Q2"},
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["key"].startswith("PAY-") and body["end"] == "2027 Q2"
    assert response.headers["Location"] == f"/api/v1/items/{body['key']}"
    assert response.headers["ETag"]
    created = db.session.scalar(select(Item).where(Item.key == body["key"]))
    assert created.title == "Chargebacks"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.entity_id == created.id))
    assert event is not None and event.action == "create"


@pytest.mark.parametrize(
    "body",
    [
        {"team": "pay", "title": "x" * 201, "priority": "P1"},
        {"team": "pay", "title": "Ok", "priority": "P9"},
        {"team": "pay", "title": "Ok", "priority": "P1", "estimate": 1e12},
        {"team": "pay", "title": "Ok", "priority": "P1", "colour": "red"},
        {"team": "pay", "title": 5, "priority": "P1"},
        {"team": "nope", "title": "Ok", "priority": "P1"},
        {"team": "pay", "title": "Ok", "priority": "P1", "start": "2031 Q9"},
        {"team": "pay", "title": "Ok", "priority": "P1", "start": "2027 Q2", "end": "2027 Q1"},
        {"team": "pay", "title": "   ", "priority": "P1"},
        [],
        "text",
    ],
)
def test_a_bad_item_is_refused_field_by_field_and_nothing_is_written(planner_api, plan, db, body):
    before = db.session.scalar(select(Item.id).order_by(Item.id.desc()).limit(1))
    response = planner_api.post("/api/v1/items", json=body)
    assert response.status_code in (400, 422), response.get_json()
    assert response.mimetype == PROBLEM
    problem = response.get_json()
    assert problem["detail"]
    db.session.expire_all()
    assert db.session.scalar(select(Item.id).order_by(Item.id.desc()).limit(1)) == before


def test_a_viewer_and_a_read_token_cannot_write(api_as, plan):
    viewer, _ = api_as("viewer")
    reader, _ = api_as("planner", scope="read")
    for api in (viewer, reader):
        assert api.get("/api/v1/items").status_code == 200
        response = api.post("/api/v1/items", json={"team": "pay", "title": "X", "priority": "P1"})
        assert response.status_code == 403
        assert response.mimetype == PROBLEM


def test_a_change_needs_the_current_etag(planner_api, plan, db):
    read = planner_api.get("/api/v1/items/PAY-1")
    etag = read.headers["ETag"]
    missing = planner_api.patch("/api/v1/items/PAY-1", json={"title": "Cards"})
    assert missing.status_code == 428 and missing.mimetype == PROBLEM
    changed = planner_api.patch(
        "/api/v1/items/PAY-1", json={"title": "Cards"}, headers={"If-Match": etag}
    )
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["title"] == "Cards"
    assert changed.headers["ETag"] != etag
    stale = planner_api.patch(
        "/api/v1/items/PAY-1", json={"title": "Old"}, headers={"If-Match": etag}
    )
    assert stale.status_code == 412
    assert stale.get_json()["current"]["title"] == "Cards"
    db.session.expire_all()
    assert db.session.scalar(select(Item.title).where(Item.key == "PAY-1")) == "Cards"


def test_a_weak_etag_names_the_same_version(planner_api, plan):
    """A proxy that compresses answers may weaken the ETag it passes on."""
    etag = planner_api.get("/api/v1/items/PAY-1").headers["ETag"]
    changed = planner_api.patch(
        "/api/v1/items/PAY-1", json={"title": "Cards"}, headers={"If-Match": f"W/{etag}"}
    )
    assert changed.status_code == 200, changed.get_json()
    stale = planner_api.patch(
        "/api/v1/items/PAY-1", json={"title": "Old"}, headers={"If-Match": f"W/{etag}"}
    )
    assert stale.status_code == 412


def test_a_move_by_patch_sets_both_periods(planner_api, plan):
    etag = planner_api.get("/api/v1/items/PAY-1").headers["ETag"]
    moved = planner_api.patch(
        "/api/v1/items/PAY-1", json={"start": "2027 Q2"}, headers={"If-Match": etag}
    )
    assert moved.status_code == 200
    assert (moved.get_json()["start"], moved.get_json()["end"]) == ("2027 Q2", "2027 Q2")


def test_delete_needs_if_match_and_removes_the_item(planner_api, plan, db):
    assert planner_api.delete("/api/v1/items/PAY-2").status_code == 428
    etag = planner_api.get("/api/v1/items/PAY-2").headers["ETag"]
    assert planner_api.delete("/api/v1/items/PAY-2", headers={"If-Match": etag}).status_code == 204
    assert planner_api.get("/api/v1/items/PAY-2").status_code == 404


def test_an_unknown_item_is_404_in_problem_json(planner_api, plan):
    response = planner_api.get("/api/v1/items/NOPE-1")
    assert response.status_code == 404 and response.mimetype == PROBLEM

"""The API as a whole: its OpenAPI document, its reference page, problem+json for
every refusal, tokens' rate limit and last use."""

import json

import pytest

from app.models import AccessToken

PROBLEM = "application/problem+json"


def test_the_openapi_document_describes_the_api(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/items/{key}" in spec["paths"]
    assert spec["components"]["securitySchemes"]["token"]["scheme"] == "bearer"


def test_the_reference_page_uses_only_the_apps_own_assets(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "http://" not in html and "https://" not in html
    bundle = client.get("/api/v1/docs/assets/swagger-ui-bundle.js")
    assert bundle.status_code == 200
    bundle.close()
    assert client.get("/api/v1/docs/assets/index.html").status_code == 404


def test_invalid_fields_are_listed_one_by_one(planner_api, make_team):
    make_team("pay")
    response = planner_api.post(
        "/api/v1/items", json={"team": "pay", "title": 5, "priority": "P9", "colour": "red"}
    )
    assert response.status_code == 422
    errors = {e["field"]: e["message"] for e in response.get_json()["errors"]}
    assert set(errors) == {"title", "priority", "colour"}


@pytest.mark.parametrize(
    "raw",
    [
        '{"team": "pay", "title": "A\\u0000B", "priority": "P1"}',
        "[" * 200 + "]" * 200,
        '{"team": "pay", "title": "Ok", "priority": "P1", "estimate": 1e999}',
        '{"team": "pay", "title": "Ok", "priority": "P1", "estimate": NaN}',
        '{"team": ',
        '{"team": "pay", "title": "Ok", "priority": "P1", "estimate": ' + "9" * 5000 + "}",
    ],
    ids=["nul", "deep", "overflow", "nan", "truncated", "huge-integer"],
)
def test_hostile_bodies_are_refused_with_a_problem(planner_api, make_team, raw):
    make_team("pay")
    response = planner_api.post(
        "/api/v1/items", data=raw, headers={"Content-Type": "application/json"}
    )
    assert 400 <= response.status_code < 500
    assert response.mimetype == PROBLEM
    assert json.loads(response.get_data())["status"] == response.status_code


def test_a_deactivated_users_token_stops_at_once(api_as, db):
    api, user = api_as("planner")
    assert api.get("/api/v1/items").status_code == 200
    user.active = False
    db.session.flush()
    assert api.get("/api/v1/items").status_code == 401


def test_a_token_records_its_last_use_without_the_get_writing(api_as, db):
    api, user = api_as("viewer")
    assert api.get("/api/v1/items").status_code == 200
    db.session.expire_all()
    record = db.session.query(AccessToken).filter_by(user_id=user.id).one()
    assert record.last_used_at is not None


def test_the_rate_limit_answers_429_with_retry_after(app, api_as):
    api, _ = api_as("viewer")
    usual = app.config["API_RATE_LIMIT"]
    app.config["API_RATE_LIMIT"] = "3/minute"
    try:
        # One count per token, whatever the resource.
        paths = ["/api/v1/items", "/api/v1/teams", "/api/v1/periods", "/api/v1/dependencies"]
        responses = [api.get(path) for path in paths]
        other, _ = api_as("viewer", email="other-viewer@example.com")
        others = other.get("/api/v1/items")
    finally:
        app.config["API_RATE_LIMIT"] = usual
    assert [r.status_code for r in responses] == [200, 200, 200, 429]
    assert others.status_code == 200
    last = responses[-1]
    assert last.mimetype == PROBLEM
    assert int(last.headers["Retry-After"]) > 0
    assert "3 per 1 minute" in last.get_json()["detail"]

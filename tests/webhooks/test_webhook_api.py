"""/api/v1/webhooks: admins list, register (the secret once), read, change and
delete endpoints, and read their deliveries."""

import pytest

from app.models import WEBHOOK_EVENTS

PROBLEM = "application/problem+json"


@pytest.fixture
def created(admin_api, allow_private, receiver):
    response = admin_api.post(
        "/api/v1/webhooks",
        json={"url": receiver.url, "events": ["item.created", "conflict.opened"]},
    )
    assert response.status_code == 201, response.get_json()
    return response


def test_creating_returns_the_secret_once(admin_api, created):
    body = created.get_json()
    assert body["secret"].startswith("whsec_")
    assert body["events"] == ["item.created", "conflict.opened"] and body["active"]
    assert created.headers["Location"] == f"/api/v1/webhooks/{body['id']}"
    again = admin_api.get(created.headers["Location"]).get_json()
    assert "secret" not in again and again["url"] == body["url"]
    listed = admin_api.get("/api/v1/webhooks").get_json()
    assert [e["id"] for e in listed["data"]] == [body["id"]]
    assert all("secret" not in e for e in listed["data"])


def test_all_events_unless_told(admin_api, allow_private, receiver):
    body = admin_api.post("/api/v1/webhooks", json={"url": receiver.url}).get_json()
    assert body["events"] == list(WEBHOOK_EVENTS)


def test_patch_changes_url_events_and_active(admin_api, created, receiver):
    path = created.headers["Location"]
    response = admin_api.patch(
        path, json={"events": ["item.deleted"], "active": False, "url": receiver.url + "/b"}
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["events"] == ["item.deleted"] and not body["active"]
    assert body["url"].endswith("/hooks/b")


@pytest.mark.parametrize(
    "body",
    [
        {"events": ["item.exploded"]},
        {"events": []},
        {"url": "ftp://example.com/"},
        {"active": "maybe"},
        {"secret": "mine"},
    ],
)
def test_bad_input_is_a_problem_and_changes_nothing(admin_api, created, body):
    path = created.headers["Location"]
    response = admin_api.patch(path, json=body)
    assert response.status_code == 422 and response.mimetype == PROBLEM
    assert admin_api.get(path).get_json()["events"] == ["item.created", "conflict.opened"]


def test_delete_removes_the_endpoint(admin_api, created):
    path = created.headers["Location"]
    assert admin_api.delete(path).status_code == 204
    assert admin_api.get(path).status_code == 404


def test_deliveries_are_listed_with_their_attempts(
    admin_api, created, planner_item, queued, receiver
):
    planner_item()
    queued.run_queued()
    body = admin_api.get(created.headers["Location"] + "/deliveries").get_json()
    [delivery] = body["data"]
    assert delivery["event"] == "item.created" and delivery["state"] == "delivered"
    assert delivery["message_id"] == receiver.received[0].headers["webhook-id"]
    assert delivery["attempts"][0]["status_code"] == 200


@pytest.mark.parametrize("role", ["planner", "viewer", "contributor"])
def test_only_admins_manage_webhooks(api_as, created, role):
    other, _user = api_as(role)
    assert other.get("/api/v1/webhooks").status_code == 403
    assert other.post("/api/v1/webhooks", json={"url": "https://93.184.216.34/"}).status_code == 403
    assert other.delete(created.headers["Location"]).status_code == 403

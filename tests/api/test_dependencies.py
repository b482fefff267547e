"""/api/v1/dependencies: listing, linking, answering, moving and unlinking
dependencies, with ETags, team-scoped answers and the audit history."""

import json

import pytest
from sqlalchemy import func, select

from app.models import AuditEvent, Dependency

PROBLEM = "application/problem+json"
URL = "/api/v1/dependencies"


@pytest.fixture
def plan(make_team, make_period, make_item, make_dependency):
    pay = make_team("pay", name="Payments Platform")
    data = make_team("data", name="Data Platform")
    chk = make_team("chk", kind="product", name="Checkout")
    q1 = make_period("2027 Q1", quarter=1)
    q2 = make_period("2027 Q2", quarter=2)
    feature = make_item(chk, key="CHK-1", start=q2)
    cards = make_item(pay, key="PAY-1", start=q1)
    refunds = make_item(pay, key="PAY-2")
    events = make_item(data, key="DATA-1", start=q1)
    first = make_dependency(feature, cards, needed_by=q2)
    second = make_dependency(feature, events, commitment="committed")
    return {
        "teams": {"pay": pay, "data": data, "chk": chk},
        "items": {i.key: i for i in (feature, cards, refunds, events)},
        "deps": [first, second],
    }


def counts(db):
    db.session.expire_all()
    return (
        db.session.scalar(select(func.count()).select_from(Dependency)),
        db.session.scalar(select(func.count()).select_from(AuditEvent)),
    )


def etag_of(api, dep_id):
    return api.get(f"{URL}/{dep_id}").headers["ETag"]


# -- Reading ---------------------------------------------------------------------------


def test_dependencies_are_listed_with_the_plan_formats_names(viewer_api, plan):
    response = viewer_api.get(URL)
    assert response.status_code == 200
    body = response.get_json()
    first = body["data"][0]
    assert first == {
        "id": plan["deps"][0].id,
        "dependent": "CHK-1",
        "dependency": "PAY-1",
        "needed_by": "2027 Q2",
        "commitment": "requested",
        "note": "",
        "created_at": first["created_at"],
        "version": 1,
    }
    assert body["data"][1]["needed_by"] is None and body["next"] is None


def test_a_list_pages_by_cursor(viewer_api, plan):
    first = viewer_api.get(f"{URL}?limit=1").get_json()
    assert [d["dependency"] for d in first["data"]] == ["PAY-1"]
    assert first["next"].startswith(URL)
    second = viewer_api.get(first["next"]).get_json()
    assert [d["dependency"] for d in second["data"]] == ["DATA-1"] and second["next"] is None


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("dependent=CHK-1", ["PAY-1", "DATA-1"]),
        ("dependency=DATA-1", ["DATA-1"]),
        ("commitment=requested", ["PAY-1"]),
        ("team=pay", ["PAY-1"]),
        ("team=data&commitment=committed", ["DATA-1"]),
        ("team=chk", []),
        ("dependent=NOPE-1", []),
    ],
)
def test_a_list_filters_in_the_query(viewer_api, plan, query, found):
    body = viewer_api.get(f"{URL}?{query}").get_json()
    assert [d["dependency"] for d in body["data"]] == found


@pytest.mark.parametrize(
    "query", ["limit=0", "limit=201", "cursor=%%%", "commitment=maybe", "dependent=" + "K" * 40]
)
def test_a_bad_query_is_a_problem(viewer_api, plan, query):
    response = viewer_api.get(f"{URL}?{query}")
    assert response.status_code in (400, 422)
    assert response.mimetype == PROBLEM


def test_one_dependency_has_an_etag(viewer_api, plan):
    dep = plan["deps"][0]
    response = viewer_api.get(f"{URL}/{dep.id}")
    assert response.status_code == 200
    assert response.headers["ETag"] == f'"dependency-{dep.id}-v1"'
    assert response.get_json()["dependent"] == "CHK-1"


@pytest.mark.parametrize("dep_id", ["999999", "99999999999999999999999"])
def test_an_unknown_dependency_is_404(viewer_api, plan, dep_id):
    response = viewer_api.get(f"{URL}/{dep_id}")
    assert response.status_code == 404 and response.mimetype == PROBLEM


def test_without_a_token_the_api_answers_401(client, plan):
    assert client.get(URL).status_code == 401


# -- Creating --------------------------------------------------------------------------


def test_a_planner_links_two_items(planner_api, plan, db):
    response = planner_api.post(
        URL, json={"dependent": "CHK-1", "dependency": "PAY-2", "needed_by": "2027 Q1"}
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["dependent"], body["dependency"]) == ("CHK-1", "PAY-2")
    assert body["needed_by"] == "2027 Q1" and body["commitment"] == "requested"
    assert response.headers["Location"] == f"{URL}/{body['id']}"
    assert response.headers["ETag"] == f'"dependency-{body["id"]}-v1"'
    assert planner_api.get(response.headers["Location"]).get_json() == body
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.entity == "dependency", AuditEvent.entity_id == body["id"]
        )
    )
    assert event is not None and event.action == "create" and event.actor.endswith("@example.com")


def test_needed_by_may_be_left_to_the_dependents_start(planner_api, plan):
    response = planner_api.post(URL, json={"dependent": "PAY-2", "dependency": "DATA-1"})
    assert response.status_code == 201
    assert response.get_json()["needed_by"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"dependent": "CHK-1", "dependency": "NOPE-9"}, "dependency"),
        ({"dependent": "NOPE-9", "dependency": "PAY-2"}, "dependent"),
        ({"dependent": "CHK-1", "dependency": "PAY-2", "needed_by": "2031 Q9"}, "needed_by"),
        ({"dependent": "CHK-1", "dependency": "CHK-1"}, None),
        ({"dependent": "CHK-1", "dependency": "PAY-1"}, None),
        ({"dependent": "PAY-1", "dependency": "CHK-1"}, None),
        ({"dependent": "CHK-1"}, "dependency"),
        ({"dependent": "CHK-1", "dependency": 5}, "dependency"),
        ({"dependent": "CHK-1", "dependency": "PAY-2", "colour": "red"}, "colour"),
        ({"dependent": "CHK-1", "dependency": "PAY-2", "commitment": "committed"}, "commitment"),
        ({"dependent": "CHK-1", "dependency": "PAY-2", "needed_by": ""}, "needed_by"),
        ({"dependent": "CHK-1", "dependency": "P" * 33}, "dependency"),
        ({"dependent": ["CHK-1"], "dependency": {"key": "PAY-2"}}, "dependent"),
    ],
    ids=[
        "unknown-dependency",
        "unknown-dependent",
        "unknown-period",
        "itself",
        "duplicate",
        "cycle",
        "missing",
        "number",
        "unknown-field",
        "commitment-not-here",
        "empty-period",
        "long-key",
        "nested",
    ],
)
def test_a_bad_link_is_refused_and_nothing_is_written(planner_api, plan, db, body, field):
    before = counts(db)
    response = planner_api.post(URL, json=body)
    assert response.status_code == 422, response.get_json()
    assert response.mimetype == PROBLEM
    problem = response.get_json()
    assert problem["detail"]
    assert field in [e["field"] for e in problem["errors"]]
    assert counts(db) == before


def test_a_cycle_is_refused_naming_its_path(planner_api, plan):
    response = planner_api.post(URL, json={"dependent": "PAY-1", "dependency": "CHK-1"})
    assert "cycle" in response.get_json()["detail"]
    assert "CHK-1" in response.get_json()["detail"]


@pytest.mark.parametrize(
    "raw",
    [
        '{"dependent": "CHK-1", "dependency": "PAY\\u0000-2"}',
        "[" * 200 + "]" * 200,
        '{"dependent": "CHK-1", "dependency": "PAY-2", "needed_by": 1e999}',
        '{"dependent": "CHK-1", "dependency": ' + "9" * 5000 + "}",
        '{"dependent": "CHK-1", "dependency": "PAY-2", "needed_by": "\\ud800"}',
        "[]",
        '"text"',
        '{"dependent": ',
    ],
    ids=["nul", "deep", "overflow", "huge-integer", "surrogate", "list", "string", "truncated"],
)
def test_hostile_bodies_are_refused_with_a_problem(planner_api, plan, db, raw):
    before = counts(db)
    response = planner_api.post(URL, data=raw, headers={"Content-Type": "application/json"})
    assert 400 <= response.status_code < 500
    assert response.mimetype == PROBLEM
    assert json.loads(response.get_data())["status"] == response.status_code
    assert counts(db) == before


# -- Who may do what ------------------------------------------------------------------


def test_a_viewer_and_a_read_token_cannot_write(api_as, plan, db):
    dep = plan["deps"][0]
    viewer, _ = api_as("viewer")
    reader, _ = api_as("planner", scope="read")
    before = counts(db)
    for api in (viewer, reader):
        assert api.get(URL).status_code == 200
        etag = etag_of(api, dep.id)
        tries = [
            api.post(URL, json={"dependent": "CHK-1", "dependency": "PAY-2"}),
            api.patch(
                f"{URL}/{dep.id}", json={"commitment": "committed"}, headers={"If-Match": etag}
            ),
            api.patch(f"{URL}/{dep.id}", json={"needed_by": None}, headers={"If-Match": etag}),
            api.delete(f"{URL}/{dep.id}", headers={"If-Match": etag}),
        ]
        assert [r.status_code for r in tries] == [403] * 4
        assert all(r.mimetype == PROBLEM for r in tries)
    assert "only read" in tries[0].get_json()["detail"]
    assert counts(db) == before


def test_a_contributor_answers_requests_to_their_own_team(api_as, plan, db):
    dep = plan["deps"][0]
    api, _ = api_as("contributor", teams=[plan["teams"]["pay"]])
    etag = etag_of(api, dep.id)
    response = api.patch(
        f"{URL}/{dep.id}",
        json={"commitment": "committed", "note": "  In the Q1 release.  "},
        headers={"If-Match": etag},
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["commitment"], body["note"]) == ("committed", "In the Q1 release.")
    assert response.headers["ETag"] != etag and body["version"] == 2


def test_a_contributor_cannot_answer_for_another_team_nor_plan(api_as, plan, db):
    pay, data = plan["deps"]
    api, _ = api_as("contributor", teams=[plan["teams"]["chk"]])
    own, _ = api_as("contributor", teams=[plan["teams"]["pay"]])
    before = counts(db)
    other = api.patch(
        f"{URL}/{pay.id}",
        json={"commitment": "declined"},
        headers={"If-Match": etag_of(api, pay.id)},
    )
    assert other.status_code == 403 and "pay" in other.get_json()["detail"]
    etag = etag_of(own, pay.id)
    moved = own.patch(
        f"{URL}/{pay.id}",
        json={"commitment": "committed", "needed_by": "2027 Q1"},
        headers={"If-Match": etag},
    )
    assert moved.status_code == 403
    made = own.post(URL, json={"dependent": "CHK-1", "dependency": "PAY-2"})
    removed = own.delete(f"{URL}/{pay.id}", headers={"If-Match": etag})
    assert (made.status_code, removed.status_code) == (403, 403)
    assert counts(db) == before
    db.session.expire_all()
    assert db.session.get(Dependency, pay.id).commitment == "requested"


# -- Changing with If-Match ------------------------------------------------------------


def test_a_change_needs_the_current_etag(planner_api, plan, db):
    dep = plan["deps"][0]
    path = f"{URL}/{dep.id}"
    etag = etag_of(planner_api, dep.id)
    missing = planner_api.patch(path, json={"needed_by": "2027 Q1"})
    assert missing.status_code == 428 and missing.mimetype == PROBLEM
    assert etag in missing.get_json()["detail"]
    changed = planner_api.patch(path, json={"needed_by": "2027 Q1"}, headers={"If-Match": etag})
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["needed_by"] == "2027 Q1"
    assert changed.headers["ETag"] != etag
    stale = planner_api.patch(path, json={"needed_by": None}, headers={"If-Match": etag})
    assert stale.status_code == 412 and stale.mimetype == PROBLEM
    assert stale.get_json()["current"]["needed_by"] == "2027 Q1"
    assert stale.headers["ETag"] == changed.headers["ETag"]
    db.session.expire_all()
    assert db.session.get(Dependency, dep.id).needed_by.name == "2027 Q1"
    event = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.entity == "dependency", AuditEvent.entity_id == dep.id)
        .order_by(AuditEvent.id.desc())
    ).first()
    assert event.action == "update" and "needed_by_period_id" in event.changes


def test_needed_by_null_falls_back_to_the_dependents_start(planner_api, plan):
    dep = plan["deps"][0]
    response = planner_api.patch(
        f"{URL}/{dep.id}",
        json={"needed_by": None},
        headers={"If-Match": etag_of(planner_api, dep.id)},
    )
    assert response.status_code == 200 and response.get_json()["needed_by"] is None


def test_a_planner_moves_and_answers_in_one_change(planner_api, plan):
    dep = plan["deps"][0]
    response = planner_api.patch(
        f"{URL}/{dep.id}",
        json={"needed_by": "2027 Q1", "commitment": "declined", "note": "No room."},
        headers={"If-Match": etag_of(planner_api, dep.id)},
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["needed_by"], body["commitment"], body["note"]) == (
        "2027 Q1",
        "declined",
        "No room.",
    )


def test_a_note_alone_keeps_the_answer_and_an_answer_alone_keeps_the_note(planner_api, plan):
    dep = plan["deps"][1]
    path = f"{URL}/{dep.id}"
    noted = planner_api.patch(
        path, json={"note": "Ready"}, headers={"If-Match": etag_of(planner_api, dep.id)}
    )
    assert noted.status_code == 200
    assert (noted.get_json()["commitment"], noted.get_json()["note"]) == ("committed", "Ready")
    declined = planner_api.patch(
        path, json={"commitment": "declined"}, headers={"If-Match": noted.headers["ETag"]}
    )
    assert (declined.get_json()["commitment"], declined.get_json()["note"]) == ("declined", "Ready")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"commitment": "requested"}, "commitment"),
        ({"commitment": "maybe"}, "commitment"),
        ({"note": "Answered?"}, "commitment"),
        ({"commitment": "committed", "note": "x" * 2001}, "note"),
        ({"needed_by": "2031 Q9"}, "needed_by"),
        ({"needed_by": 3}, "needed_by"),
        ({"version": 7}, "version"),
        ({}, None),
    ],
)
def test_a_bad_change_is_refused_and_changes_nothing(planner_api, plan, db, body, field):
    dep = plan["deps"][0]
    etag = etag_of(planner_api, dep.id)
    before = counts(db)
    response = planner_api.patch(f"{URL}/{dep.id}", json=body, headers={"If-Match": etag})
    assert response.status_code == 422, response.get_json()
    assert response.mimetype == PROBLEM
    if field:
        assert field in [e["field"] for e in response.get_json()["errors"]]
    assert counts(db) == before
    assert etag_of(planner_api, dep.id) == etag


def test_delete_needs_if_match_and_is_audited(planner_api, plan, db):
    dep_id = plan["deps"][0].id
    path = f"{URL}/{dep_id}"
    assert planner_api.delete(path).status_code == 428
    assert planner_api.delete(path, headers={"If-Match": '"dependency-1-v0"'}).status_code == 412
    etag = etag_of(planner_api, dep_id)
    assert planner_api.delete(path, headers={"If-Match": etag}).status_code == 204
    assert planner_api.get(path).status_code == 404
    assert planner_api.delete(path, headers={"If-Match": etag}).status_code == 404
    event = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.entity == "dependency", AuditEvent.entity_id == dep_id)
        .order_by(AuditEvent.id.desc())
    ).first()
    assert event.action == "delete"


def test_a_stale_delete_shows_the_current_version(planner_api, plan, db):
    dep = plan["deps"][0]
    path = f"{URL}/{dep.id}"
    etag = etag_of(planner_api, dep.id)
    planner_api.patch(path, json={"commitment": "committed"}, headers={"If-Match": etag})
    stale = planner_api.delete(path, headers={"If-Match": etag})
    assert stale.status_code == 412
    assert stale.get_json()["current"]["commitment"] == "committed"
    db.session.expire_all()
    assert db.session.get(Dependency, dep.id) is not None


def test_the_openapi_document_describes_dependencies(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert {"get", "post"} <= set(spec["paths"]["/api/v1/dependencies"])
    assert {"get", "patch", "delete"} <= set(spec["paths"]["/api/v1/dependencies/{dep_id}"])
    fields = spec["components"]["schemas"]["DependencyPatch"]["properties"]
    assert fields["commitment"]["enum"] == ["committed", "declined"]
    assert all(f.get("description") for f in fields.values())

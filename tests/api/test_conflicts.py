"""/api/v1/conflicts: the conflict report's selection and fields, pages by cursor,
one conflict, and decisions made and withdrawn."""

import json
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from app.alignment.conflict import CONTRACT_FIELDS
from app.clock import utcnow
from app.models import AuditEvent, ConflictDecision, Team
from app.plan_store import analyze_plan

PROBLEM = "application/problem+json"


@pytest.fixture
def plan(db, make_quarters, make_team, make_item, make_dependency):
    """Dated from today, so that its first period is the current one (q0).

    - Data Platform (10 person-weeks) has DATA-1 (8) and DATA-2 (6) in q0: over
      capacity, and contended by Checkout (CHK-1, P0) and Mobile App (MOB-1, P1).
    - PAY-1 (P3, at risk, q1) is needed by CHK-2 (P0, q1): a priority inversion, a
      same-period risk and an at-risk dependency. PAY-2 is stale.
    """
    q0, q1, q2, q3 = make_quarters(utcnow().date(), 4)
    data = make_team("data", name="Data Platform", default_capacity=10)
    pay = make_team("pay", name="Payments Platform", default_capacity=20)
    chk = make_team("chk", kind="product", name="Checkout")
    mob = make_team("mob", kind="product", name="Mobile App")
    data1 = make_item(data, title="Event stream", priority=1, start=q0, estimate=8)
    data2 = make_item(data, title="Warehouse", priority=2, start=q0, estimate=6)
    chk1 = make_item(chk, title="One-click checkout", priority=0, start=q1, estimate=3)
    mob1 = make_item(mob, title="Offline mode", priority=1, start=q1, estimate=3)
    pay1 = make_item(pay, title="Cards", priority=3, start=q2, estimate=4, health="at_risk")
    chk2 = make_item(chk, title="Saved cards", priority=0, start=q1, estimate=2)
    make_item(
        pay,
        title="Ledger migration",
        start=q0,
        estimate=5,
        status="in_progress",
        created_at=utcnow() - timedelta(days=60),
    )
    make_item(chk, title="Unestimated", priority=3, start=q3)
    make_dependency(chk1, data1, commitment="committed")
    make_dependency(mob1, data2, commitment="committed")
    make_dependency(chk2, pay1)
    return SimpleNamespace(periods=(q0, q1, q2, q3), pay=pay, chk=chk, pay1=pay1)


def _report(app, *args: str) -> list[dict]:
    """What `flask conflicts --format json` prints, with these options."""
    result = app.test_cli_runner().invoke(args=["conflicts", "--format", "json", *args])
    assert result.exit_code in (0, 3), result.output
    return json.loads(result.output)


def _contract(conflict: dict) -> dict:
    return {name: value for name, value in conflict.items() if name in CONTRACT_FIELDS}


def _all(api, query: str = "") -> list[dict]:
    response = api.get(f"/api/v1/conflicts?limit=200{query}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["data"]


def test_the_list_is_the_conflict_reports_with_its_explanation(app, viewer_api, plan):
    body = viewer_api.get("/api/v1/conflicts").get_json()
    report = _report(app)
    assert len(report) >= 6 and body["total"] == len(report) and body["next"] is None
    assert [_contract(c) for c in body["data"]] == report
    types = {c["type"] for c in body["data"]}
    assert {"over_capacity", "platform_contention", "priority_inversion"} <= types
    assert {"at_risk_dependency", "stale_status", "unestimated"} <= types
    for conflict in body["data"]:
        assert conflict["explanation"] == conflict["message"] and conflict["explanation"]
        assert set(CONTRACT_FIELDS) <= set(conflict)


def test_suggestions_come_with_their_one_click_actions(viewer_api, plan):
    conflicts = _all(viewer_api, "&type=priority_inversion&team=pay")
    (inversion,) = conflicts
    (action,) = [a for a in inversion["actions"] if a["kind"] == "raise"]
    assert action == {
        "kind": "raise",
        "item": "PAY-1",
        "suggestion": action["suggestion"],
        "start": None,
        "end": None,
        "priority": "P0",
    }
    assert action["suggestion"] in inversion["suggestions"]


@pytest.mark.parametrize(
    "options",
    [
        {"team": "data"},
        {"team": "chk", "severity": "critical"},
        {"period": "q0"},
        {"severity": "low"},
        {"team": "mob", "period": "q1"},
    ],
)
def test_filters_select_what_flask_conflicts_selects(app, viewer_api, plan, options):
    names = {f"q{n}": period.name for n, period in enumerate(plan.periods)}
    options = {name: names.get(value, value) for name, value in options.items()}
    query = "".join(f"&{name}={value}" for name, value in options.items())
    cli = [part for name, value in options.items() for part in (f"--{name}", value)]
    assert [_contract(c) for c in _all(viewer_api, query)] == _report(app, *cli)


def test_type_and_state_filter_as_the_conflicts_page_does(viewer_api, planner_api, plan):
    everything = _all(viewer_api)
    stale = _all(viewer_api, "&type=stale_status")
    assert stale == [c for c in everything if c["type"] == "stale_status"] and stale
    fingerprint = everything[0]["fingerprint"]
    decided = planner_api.post(
        f"/api/v1/conflicts/{fingerprint}/decision", json={"state": "accepted", "note": "Known."}
    )
    assert decided.status_code == 200
    assert [c["fingerprint"] for c in _all(viewer_api, "&state=accepted")] == [fingerprint]
    unaccepted = _all(viewer_api, "&state=unaccepted")
    assert len(unaccepted) == len(everything) - 1
    assert all(c["state"] == "open" for c in _all(viewer_api, "&state=open"))


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ("team=nope", 422, "team"),
        ("period=2031 Q9", 422, "period"),
        ("severity=urgent", 422, "query:severity"),
        ("type=bad_vibes", 422, "query:type"),
        ("state=closed", 422, "query:state"),
        ("as_of=2027-02-30", 422, "query:as_of"),
        ("limit=0", 422, "query:limit"),
        ("limit=x", 422, "query:limit"),
        ("cursor=%%%", 400, "cursor"),
        ("cursor=" + "A" * 150, 400, "cursor"),
        ("team=" + "x" * 500, 422, "query:team"),
    ],
)
def test_a_bad_filter_is_a_problem(viewer_api, plan, query, status, field):
    response = viewer_api.get(f"/api/v1/conflicts?{query}")
    assert response.status_code == status, response.get_json()
    assert response.mimetype == PROBLEM
    assert field in [e["field"] for e in response.get_json()["errors"]]


def test_as_of_analyses_at_that_day(app, viewer_api, plan):
    day = (utcnow() + timedelta(days=400)).date().isoformat()
    later = _all(viewer_api, f"&as_of={day}")
    assert [_contract(c) for c in later] == _report(app, "--as-of", day)
    assert later != _all(viewer_api)


def test_pages_follow_the_analysis_order_by_cursor(viewer_api, plan):
    everything = _all(viewer_api)
    seen, url = [], "/api/v1/conflicts?limit=2&team=chk"
    while url:
        body = viewer_api.get(url).get_json()
        assert len(body["data"]) <= 2
        seen += body["data"]
        url = body["next"]
    assert seen == [c for c in everything if "chk" in c["teams"]]
    assert len(seen) > 2


def test_a_cursor_still_holds_when_the_conflict_it_names_is_gone(viewer_api, plan, db):
    first = viewer_api.get("/api/v1/conflicts?limit=1&type=unestimated").get_json()
    (gone,) = first["data"]
    assert gone["items"] == ["CHK-3"] and first["next"] is None
    everything = _all(viewer_api)
    types = [c["type"] for c in everything]
    pages = viewer_api.get(f"/api/v1/conflicts?limit={types.index('over_capacity') + 1}")
    pages = pages.get_json()
    last = pages["data"][-1]
    # Resolve the last conflict of the first page: the next page starts where it was.
    assert last["type"] == "over_capacity"
    team = db.session.scalar(select(Team).where(Team.slug == "data"))
    team.default_capacity = 100
    db.session.flush()
    rest = viewer_api.get(pages["next"]).get_json()["data"]
    after = everything[everything.index(last) + 1 :]
    assert rest and all(c in after for c in rest)
    assert rest[0]["fingerprint"] != last["fingerprint"]


def test_one_conflict_by_its_fingerprint(viewer_api, plan):
    (first, *_rest) = _all(viewer_api)
    response = viewer_api.get(f"/api/v1/conflicts/{first['fingerprint']}")
    assert response.status_code == 200 and response.get_json() == first
    missing = viewer_api.get("/api/v1/conflicts/0123456789abcdef")
    assert missing.status_code == 404 and missing.mimetype == PROBLEM


def test_a_decision_then_its_withdrawal(api_as, plan, db):
    planner, user = api_as("planner", email="lead@example.com")
    fingerprint = _all(planner, "&type=over_capacity")[0]["fingerprint"]
    url = f"/api/v1/conflicts/{fingerprint}/decision"
    response = planner.post(url, json={"state": "acknowledged", "note": "  On it.  "})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["state"], body["decision_note"], body["decision_by"]) == (
        "acknowledged",
        "On it.",
        "lead@example.com",
    )
    assert planner.get(f"/api/v1/conflicts/{fingerprint}").get_json()["state"] == "acknowledged"
    accepted = planner.post(url, json={"state": "accepted", "note": "We live with it."})
    assert accepted.get_json()["state"] == "accepted"
    decision = db.session.scalars(select(ConflictDecision)).one()
    assert (decision.state, decision.user_id) == ("accepted", user.id)
    events = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.entity == "conflict_decision")
    ).all()
    assert events == ["create", "update"]

    assert planner.delete(url).status_code == 204
    assert planner.get(f"/api/v1/conflicts/{fingerprint}").get_json()["state"] == "open"
    assert db.session.scalar(select(func.count(ConflictDecision.id))) == 0
    again = planner.delete(url)
    assert again.status_code == 404 and again.mimetype == PROBLEM


def test_only_planners_with_a_write_token_decide(api_as, plan, db):
    fingerprint = _all(api_as("viewer")[0])[0]["fingerprint"]
    url = f"/api/v1/conflicts/{fingerprint}/decision"
    decision = {"state": "accepted", "note": "Fine."}
    for api in (
        api_as("viewer")[0],
        api_as("contributor", teams=[plan.chk])[0],
        api_as("planner", scope="read")[0],
    ):
        assert api.get(f"/api/v1/conflicts/{fingerprint}").status_code == 200
        for response in (api.post(url, json=decision), api.delete(url)):
            assert response.status_code == 403 and response.mimetype == PROBLEM
    assert db.session.scalar(select(func.count(ConflictDecision.id))) == 0
    admin = api_as("admin")[0]
    assert admin.post(url, json=decision).status_code == 200


def test_no_decision_on_a_conflict_that_is_not_current(planner_api, plan, db):
    response = planner_api.post(
        "/api/v1/conflicts/0123456789abcdef/decision", json={"state": "accepted", "note": "x"}
    )
    assert response.status_code == 404 and response.mimetype == PROBLEM
    assert db.session.scalar(select(func.count(ConflictDecision.id))) == 0


@pytest.mark.parametrize(
    "raw",
    [
        '{"state": "closed", "note": "x"}',
        '{"state": "accepted", "note": "   "}',
        '{"state": "accepted"}',
        '{"note": "x"}',
        '{"state": "accepted", "note": 5}',
        '{"state": ["accepted"], "note": "x"}',
        '{"state": "accepted", "note": "' + "x" * 2001 + '"}',
        '{"state": "accepted", "note": "x", "by": "ceo@example.com"}',
        '{"state": "accepted", "note": "A\\u0000B"}',
        '{"state": "accepted", "note": "\\udfff"}',
        '{"state": "accepted", "note": "x", "n": 1e999}',
        "[" * 500 + "]" * 500,
        "[]",
        "null",
        '{"state": ',
    ],
)
def test_a_bad_decision_is_refused_and_changes_nothing(planner_api, plan, db, raw):
    fingerprint = _all(planner_api)[0]["fingerprint"]
    audits = db.session.scalar(select(func.count(AuditEvent.id)))
    response = planner_api.post(
        f"/api/v1/conflicts/{fingerprint}/decision",
        data=raw,
        headers={"Content-Type": "application/json"},
    )
    assert 400 <= response.status_code < 500, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    assert response.get_json()["detail"]
    db.session.expire_all()
    assert db.session.scalar(select(func.count(ConflictDecision.id))) == 0
    assert db.session.scalar(select(func.count(AuditEvent.id))) == audits


def test_reading_conflicts_writes_nothing(viewer_api, plan, db):
    """A GET that flushed a change would fail the request in tests (app.transaction)."""
    assert viewer_api.get("/api/v1/conflicts?limit=1").status_code == 200
    assert analyze_plan().conflicts

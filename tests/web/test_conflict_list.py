"""The conflicts list: filters, CSV, and acknowledging or accepting a conflict."""

import csv
import io

from sqlalchemy import select
from web_helpers import audit_count, decide, decisions, text_of

from app.models import AuditEvent
from app.plan_store import analyze_plan


def first_of(kind: str):
    return next(c for c in analyze_plan().conflicts if c.type == kind)


def listed(response) -> int:
    return response.get_data(as_text=True).count('<li class="conflict ')


def test_filters_select_what_the_analysis_finds(contended_plan, as_user):
    client, _viewer = as_user("viewer")
    conflicts = analyze_plan().conflicts
    everything = client.get("/conflicts")
    assert everything.status_code == 200
    assert listed(everything) == len(conflicts)
    assert f"{len(conflicts)} conflicts." in text_of(everything)

    by_type = client.get("/conflicts?type=platform_contention")
    assert listed(by_type) == 1
    text = text_of(by_type)
    assert "Data Platform is at 140% of capacity" in text
    assert "Have leadership rank the needs of Checkout (P0) and Mobile App (P1)" in text
    assert 'href="/items/DATA-1"' in by_type.get_data(as_text=True)

    high = [c for c in conflicts if c.severity == "high"]
    assert listed(client.get("/conflicts?severity=high")) == len(high)
    mob = [c for c in conflicts if "mob" in c.teams]
    assert listed(client.get("/conflicts?team=mob")) == len(mob)
    q0 = contended_plan.periods[0].name
    in_q0 = [c for c in conflicts if c.period == q0]
    assert listed(client.get("/conflicts", query_string={"period": q0})) == len(in_q0)
    assert listed(client.get("/conflicts?state=accepted")) == 0
    assert "No conflict matches these filters." in text_of(client.get("/conflicts?state=accepted"))


def test_bad_filters_are_refused_with_a_message(contended_plan, as_user):
    client, _viewer = as_user("viewer")
    response = client.get("/conflicts?team=nope&page=0")
    assert response.status_code == 400
    text = text_of(response)
    assert 'There is no team "nope" to choose.' in text
    assert "Page: Page numbers start at 1." in text
    assert listed(response) == 0
    assert client.get("/conflicts?severity=dreadful").status_code == 400
    assert client.get("/conflicts?format=xml").status_code == 400


def test_csv_exports_the_current_filter(contended_plan, as_user):
    client, _viewer = as_user("viewer")
    response = client.get("/conflicts?severity=critical&format=csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    critical = [c for c in analyze_plan().conflicts if c.severity == "critical"]
    assert [r["fingerprint"] for r in rows] == [c.fingerprint for c in critical]
    assert {r["severity"] for r in rows} == {"critical"}
    assert 'href="/conflicts?severity=critical&amp;format=csv"' in client.get(
        "/conflicts?severity=critical"
    ).get_data(as_text=True)


def test_a_planner_accepts_a_risk_with_a_note(db, contended_plan, as_user):
    client, planner = as_user("planner")
    conflict = first_of("platform_contention")
    before = analyze_plan().counts()
    page = client.get("/conflicts?type=platform_contention")
    assert 'name="note"' in page.get_data(as_text=True)
    response = client.post(
        f"/conflicts/{conflict.fingerprint}/decision",
        data={"state": "accepted", "note": "Checkout goes first.", "next": "/conflicts?state=open"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/conflicts?state=open"
    (decision,) = decisions(db)
    assert (decision.state, decision.note, decision.by, decision.user_id) == (
        "accepted",
        "Checkout goes first.",
        planner.email,
        planner.id,
    )
    assert decision.conflict_type == "platform_contention"
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.entity == "conflict_decision")
    ).one()
    assert event.action == "create" and event.actor == planner.email
    after = analyze_plan().counts()
    assert (after.open, after.accepted) == (before.open - 1, 1)
    followed = client.get("/conflicts?state=accepted")
    assert "Accepted the risk of the platform contention of DATA-1" in text_of(followed)
    assert "Checkout goes first." in text_of(followed)


def test_acknowledging_then_accepting_replaces_the_decision(db, contended_plan, as_user):
    client, _planner = as_user("planner")
    conflict = first_of("at_risk_dependency")
    url = f"/conflicts/{conflict.fingerprint}/decision"
    client.post(url, data={"state": "acknowledged", "note": "Looking into it."})
    assert analyze_plan().counts().acknowledged == 1
    client.post(url, data={"state": "accepted", "note": "Done what we can."})
    (decision,) = decisions(db)
    assert (decision.state, decision.note) == ("accepted", "Done what we can.")
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.entity == "conflict_decision")
    ).all()
    assert actions == ["create", "update"]


def test_a_decision_needs_a_note_and_a_known_state(db, contended_plan, as_user):
    client, _planner = as_user("planner")
    conflict = first_of("priority_inversion")
    url = f"/conflicts/{conflict.fingerprint}/decision"
    for page in (f"/conflicts/{conflict.fingerprint}", "/conflicts"):
        assert "Note (required" in text_of(client.get(page)), f"{page} says the note is required"
    audits = audit_count(db)
    response = client.post(url, data={"state": "accepted", "note": "   "})
    assert response.status_code == 400
    assert "Say why in a note" in text_of(response)
    assert "PAY-1 'Tokenised cards' (Payments Platform) is P3" in text_of(response)
    assert client.post(url, data={"state": "ignored", "note": "x"}).status_code == 400
    assert client.post(url, data={"note": "x"}).status_code == 400
    assert decisions(db) == [] and audit_count(db) == audits


def test_an_unknown_conflict_is_not_found(db, contended_plan, as_user):
    client, _planner = as_user("planner")
    assert client.get("/conflicts/0123456789abcdef").status_code == 404
    response = client.post(
        "/conflicts/0123456789abcdef/decision", data={"state": "accepted", "note": "x"}
    )
    assert response.status_code == 404
    assert client.post("/conflicts/0123456789abcdef/decision/withdraw").status_code == 404
    assert decisions(db) == []


def test_viewers_see_the_state_but_may_not_decide(db, contended_plan, as_user):
    conflict = first_of("platform_contention")
    decide(db, conflict, "acknowledged", "On the agenda.", by="planner@example.com")
    client, _viewer = as_user("viewer")
    page = client.get("/conflicts?type=platform_contention")
    html = page.get_data(as_text=True)
    assert "Acknowledged by planner@example.com" in text_of(page)
    assert '<form method="post"' not in html and 'name="note"' not in html
    detail = client.get(f"/conflicts/{conflict.fingerprint}")
    assert detail.status_code == 200 and 'name="note"' not in detail.get_data(as_text=True)
    audits = audit_count(db)
    url = f"/conflicts/{conflict.fingerprint}/decision"
    assert client.post(url, data={"state": "accepted", "note": "x"}).status_code == 403
    assert client.post(url + "/withdraw").status_code == 403
    assert [d.state for d in decisions(db)] == ["acknowledged"]
    assert audit_count(db) == audits


def test_withdrawing_a_decision_opens_the_conflict_again(db, contended_plan, as_user):
    client, _planner = as_user("planner")
    conflict = first_of("stale_status")
    url = f"/conflicts/{conflict.fingerprint}/decision"
    client.post(url, data={"state": "accepted", "note": "Team is on leave."})
    response = client.post(url + "/withdraw", data={"next": "https://example.org/"})
    assert response.status_code == 302 and response.headers["Location"] == "/conflicts"
    assert decisions(db) == []
    assert analyze_plan().counts().accepted == 0
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.entity == "conflict_decision")
    ).all()
    assert actions == ["create", "delete"]


def test_the_list_reads_a_fixed_number_of_rows(
    db, contended_plan, as_user, make_item, count_queries
):
    client, _planner = as_user("planner")
    with count_queries() as small:
        client.get("/conflicts")
    for _ in range(10):
        make_item(
            contended_plan.teams.chk, priority=0, start=contended_plan.periods[1], estimate=None
        )
    with count_queries() as large:
        response = client.get("/conflicts")
    assert "Missing estimate" in text_of(response)
    assert large.n == small.n

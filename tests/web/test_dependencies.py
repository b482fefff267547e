"""Dependencies: the picker, cycles, the needed-by period, removal, and answering
requests with their history on both sides."""

import re

import pytest
from sqlalchemy import select
from web_helpers import audit_count, text_of

from app.models import AuditEvent, Dependency
from app.planning.dependency_operations import add_dependency
from app.planning.operations import PlanningError


def deps(db, item):
    return db.session.scalars(select(Dependency).where(Dependency.dependent_id == item.id)).all()


def test_the_picker_searches_by_key_or_title_without_javascript(
    db, client, late_plan, as_user, make_item
):
    make_item(late_plan.pay, title="Fraud scoring 100% of traffic")
    as_user("planner")
    page = client.get("/items/CHK-1/dependencies/new?side=needs&q=fraud")
    assert page.status_code == 200
    text = text_of(page)
    assert "CHK-1 needs…" in text
    assert "PAY-2 · Fraud scoring 100% of traffic (Payments Platform, P2, backlog)" in text
    assert "PAY-1 ·" not in text
    assert "PAY-2" in text_of(client.get("/items/CHK-1/dependencies/new?q=100%25"))
    assert "No item matches “100%x”" in text_of(
        client.get("/items/CHK-1/dependencies/new?q=100%25x")
    )
    everything = text_of(client.get("/items/CHK-1/dependencies/new"))
    assert "PAY-1 · Tokenised cards API" in everything and "CHK-1 ·" not in everything


def test_adding_what_an_item_needs_with_a_needed_by_period(
    db, client, late_plan, as_user, make_item
):
    other = make_item(late_plan.pay, title="Risk engine", start=late_plan.periods[0])
    as_user("planner")
    response = client.post(
        "/items/CHK-1/dependencies/new?side=needs",
        data={"other": other.id, "needed_by": late_plan.periods[1].id},
        follow_redirects=True,
    )
    assert response.request.path == "/items/CHK-1"
    assert "CHK-1 now needs PAY-2: the request awaits an answer from Payments Platform." in (
        text_of(response)
    )
    [added] = [d for d in deps(db, late_plan.chk1) if d.dependency_id == other.id]
    assert (added.needed_by_period_id, added.commitment) == (
        late_plan.periods[1].id,
        "requested",
    )


def test_adding_from_the_needed_side(db, client, late_plan, as_user, make_item):
    feature = make_item(late_plan.chk, title="Saved cards", start=late_plan.periods[3])
    as_user("planner")
    response = client.post(
        "/items/PAY-1/dependencies/new?side=needed_by", data={"other": feature.id, "needed_by": ""}
    )
    assert response.status_code == 302
    [added] = deps(db, feature)
    assert (added.dependency_id, added.needed_by_period_id) == (late_plan.pay1.id, None)


def test_a_cycle_is_refused_with_its_path_and_nothing_is_written(
    db, client, late_plan, as_user, make_team, make_item, make_dependency
):
    id4 = make_item(make_team("id"), key="ID-4", title="Sessions")
    make_dependency(late_plan.pay1, id4)
    as_user("planner")
    before = audit_count(db)
    response = client.post(
        "/items/CHK-1/dependencies/new?side=needed_by", data={"other": id4.id, "needed_by": ""}
    )
    assert response.status_code == 400
    assert "Adding this would close a cycle: ID-4 -&gt; CHK-1 -&gt; PAY-1 -&gt; ID-4." in (
        response.text
    )
    assert audit_count(db) == before
    assert deps(db, id4) == []


def test_duplicates_self_links_and_unknown_items_are_refused(db, client, late_plan, as_user):
    with pytest.raises(PlanningError, match="CHK-1 already needs PAY-1"):
        add_dependency(late_plan.chk1, late_plan.pay1)
    with pytest.raises(PlanningError, match="CHK-1 cannot need itself"):
        add_dependency(late_plan.chk1, late_plan.chk1)
    as_user("planner")
    for data in (
        {"other": late_plan.pay1.id},
        {"other": "999999"},
        {"other": late_plan.chk1.id},
        {},
    ):
        response = client.post("/items/CHK-1/dependencies/new", data=data | {"needed_by": ""})
        assert response.status_code == 400, data
    assert "CHK-1 already needs PAY-1." in client.post(
        "/items/CHK-1/dependencies/new", data={"other": late_plan.pay1.id, "needed_by": ""}
    ).get_data(as_text=True)
    assert len(deps(db, late_plan.chk1)) == 1


def test_changing_the_needed_by_period_and_removing_a_dependency(db, client, late_plan, as_user):
    as_user("planner")
    page = client.get(f"/dependencies/{late_plan.dep.id}/edit?back=PAY-1")
    assert "CHK-1 needs PAY-1" in text_of(page)
    response = client.post(
        f"/dependencies/{late_plan.dep.id}/edit?back=PAY-1",
        data={"needed_by": late_plan.periods[3].id, "version": 1},
    )
    assert response.headers["Location"] == "/items/PAY-1"
    db.session.refresh(late_plan.dep)
    assert (late_plan.dep.needed_by_period_id, late_plan.dep.version) == (
        late_plan.periods[3].id,
        2,
    )
    stale = client.post(f"/dependencies/{late_plan.dep.id}/remove", data={"version": 1})
    assert stale.status_code == 409
    assert "changed by" in stale.text
    response = client.post(
        f"/dependencies/{late_plan.dep.id}/remove?back=CHK-1",
        data={"version": 2},
        follow_redirects=True,
    )
    assert response.request.path == "/items/CHK-1"
    assert "CHK-1 no longer needs PAY-1." in text_of(response)
    assert deps(db, late_plan.chk1) == []
    history = text_of(client.get("/items/PAY-1"))
    assert "CHK-1 needs PAY-1 deleted" in history
    assert "CHK-1 needs PAY-1 changed" in history


def test_the_providing_team_commits_with_a_note_and_both_sides_see_it(
    db, client, late_plan, as_user
):
    _, lead = as_user("contributor", teams=[late_plan.pay])
    page = client.get(f"/dependencies/{late_plan.dep.id}/answer")
    assert page.status_code == 200
    assert "Checkout's CHK-1 One-click checkout (P0, 2031 Q2) needs" in text_of(page)
    response = client.post(
        f"/dependencies/{late_plan.dep.id}/answer?back=PAY-1",
        data={"commitment": "committed", "note": "In Q2 if GW-3 lands", "version": 1},
        follow_redirects=True,
    )
    assert response.request.path == "/items/PAY-1"
    assert "Committed to the request: CHK-1 needs PAY-1." in text_of(response)
    db.session.refresh(late_plan.dep)
    assert (late_plan.dep.commitment, late_plan.dep.note) == (
        "committed",
        "In Q2 if GW-3 lands",
    )
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.entity == "dependency", AuditEvent.action == "update")
    ).one()
    assert event.actor == lead.email
    as_user("viewer")
    for key in ("CHK-1", "PAY-1"):
        text = text_of(client.get(f"/items/{key}"))
        assert "committed “In Q2 if GW-3 lands”" in text
        assert f"{lead.email} CHK-1 needs PAY-1 changed" in text
        assert "commitment : requested → committed" in text


def test_an_answer_offers_only_what_would_change_it(db, client, late_plan, as_user):
    as_user("contributor", teams=[late_plan.pay])
    buttons = re.compile(r'<button type="submit" name="commitment" value="(\w+)"')
    assert buttons.findall(client.get("/items/PAY-1").text) == ["committed", "declined"]
    late_plan.dep.commitment = "committed"
    db.session.flush()
    assert buttons.findall(client.get("/items/PAY-1").text) == ["declined"]
    late_plan.dep.commitment = "declined"
    db.session.flush()
    assert buttons.findall(client.get("/items/PAY-1").text) == ["committed"]


def test_declining_and_who_may_answer(db, client, late_plan, as_user):
    as_user("contributor", teams=[late_plan.chk])
    assert client.get(f"/dependencies/{late_plan.dep.id}/answer").status_code == 403
    refused = client.post(
        f"/dependencies/{late_plan.dep.id}/answer", data={"commitment": "committed", "version": 1}
    )
    assert refused.status_code == 403
    as_user("planner")
    bad = client.post(
        f"/dependencies/{late_plan.dep.id}/answer", data={"commitment": "maybe", "version": 1}
    )
    assert bad.status_code == 400
    response = client.post(
        f"/dependencies/{late_plan.dep.id}/answer",
        data={"commitment": "declined", "note": "No room this year", "version": 1},
    )
    assert response.headers["Location"] == "/items/CHK-1"
    db.session.refresh(late_plan.dep)
    assert late_plan.dep.commitment == "declined"
    assert "declined “No room this year”" in text_of(client.get("/teams/pay"))


def test_a_stale_answer_is_refused_with_the_differences(db, client, late_plan, as_user):
    as_user("contributor", teams=[late_plan.pay])
    client.post(
        f"/dependencies/{late_plan.dep.id}/answer",
        data={"commitment": "declined", "note": "no", "version": 1},
    )
    response = client.post(
        f"/dependencies/{late_plan.dep.id}/answer",
        data={"commitment": "committed", "note": "yes", "version": 1},
    )
    assert response.status_code == 409
    text = text_of(response)
    assert "was changed by" in text and "Nothing was saved" in text
    assert "Commitment committed declined" in text
    db.session.refresh(late_plan.dep)
    assert (late_plan.dep.commitment, late_plan.dep.version) == ("declined", 2)

"""The item page, creating and editing items, and the team page."""

import re

import pytest
from sqlalchemy import select
from web_helpers import audit_count, text_of

from app.models import AuditEvent, Item, StatusUpdate
from app.planning import operations
from app.planning.operations import PlanningError


def test_item_page_shows_fields_priority_chain_links_conflicts_and_histories(
    db, client, late_plan, as_user
):
    db.session.add(
        StatusUpdate(
            item_id=late_plan.pay1.id,
            week="2031-W02",
            health="at_risk",
            status="committed",
        )
    )
    as_user("viewer")
    response = client.get("/items/PAY-1")
    assert response.status_code == 200
    text = text_of(response)
    assert "PAY-1 Tokenised cards API" in text
    assert "Payments Platform (platform work)" in text
    assert "Effective priority P0 set by CHK-1 (P0) needs PAY-1 (P3)" in text
    assert "2031 Q3" in text and "10 person-weeks" in text
    assert "Needed by 1" in text and "CHK-1 One-click checkout" in text
    assert "2031 Q2 (its start)" in text and "requested" in text
    assert "Priority inversion" in text and "Schedule violation" in text
    assert "Raise PAY-1 to P0 (CHK-1 needs PAY-1)" in text
    assert "2031-W02" in text and "at risk" in text
    assert "Change history" in text


def test_a_viewer_sees_no_edit_controls(db, client, late_plan, as_user):
    as_user("viewer")
    html = client.get("/items/PAY-1").get_data(as_text=True)
    assert "<form" not in html.split("</header>", 1)[1]
    for control in ("/edit", "/delete", "/dependencies/new", "/suggested/", "/answer"):
        assert control not in html


def test_a_planner_sees_edit_delete_link_and_one_click_actions(db, client, late_plan, as_user):
    as_user("planner")
    html = client.get("/items/CHK-1").get_data(as_text=True)
    assert "/items/CHK-1/edit" in html and "/items/CHK-1/delete" in html
    assert "/items/CHK-1/dependencies/new?side=needs" in html
    assert "/items/PAY-1/suggested/raise?to=P0&amp;back=CHK-1" in html
    assert "/items/CHK-1/suggested/move?to=2031+Q4&amp;back=CHK-1" in html


def test_a_contributor_answers_only_their_own_teams_requests(db, client, late_plan, as_user):
    as_user("contributor", teams=[late_plan.chk])
    assert f"/dependencies/{late_plan.dep.id}/answer" not in client.get("/items/PAY-1").text
    as_user("contributor", teams=[late_plan.pay])
    html = client.get("/items/PAY-1").get_data(as_text=True)
    assert f"/dependencies/{late_plan.dep.id}/answer" in html
    assert "/items/PAY-1/edit" not in html


def test_an_unknown_item_is_a_404_in_the_apps_look(db, client, as_user):
    as_user("viewer")
    response = client.get("/items/NOPE-1")
    assert response.status_code == 404
    assert "There is no item NOPE-1." in response.text
    assert "Sign out" in response.text


def test_item_page_queries_do_not_grow_with_its_dependencies(
    db, client, late_plan, as_user, make_item, make_dependency, count_queries
):
    as_user("viewer")

    def queries():
        with count_queries() as counted:
            assert client.get("/items/PAY-1").status_code == 200
        return counted.n

    few = queries()
    for n in range(12):
        needing = make_item(late_plan.chk, priority=n % 4, start=late_plan.periods[n % 4])
        make_dependency(needing, late_plan.pay1, needed_by=late_plan.periods[3])
        make_dependency(
            late_plan.pay1,
            make_item(late_plan.pay, start=late_plan.periods[0]),
        )
    assert queries() == few


def test_new_item_form_is_prefilled_from_the_roadmap_cell(db, client, late_plan, as_user):
    as_user("planner")
    html = client.get("/items/new?team=chk&period=2031+Q4").get_data(as_text=True)
    period = late_plan.periods[3].id
    assert f'<option selected value="{late_plan.chk.id}">' in html
    assert html.count(f'<option selected value="{period}">') == 2


def test_a_new_item_starts_at_p2_not_p0(client, late_plan, as_user):
    as_user("planner")
    page = client.get("/items/new").text
    priority = re.search(r'<select[^>]*name="priority".*?</select>', page, re.S).group(0)
    assert re.findall(r'<option selected value="(\d)"', priority) == ["2"]


def test_creating_an_item_redirects_to_its_page_with_a_message(db, client, late_plan, as_user):
    as_user("planner")
    q2, q3 = late_plan.periods[1], late_plan.periods[2]
    response = client.post(
        "/items/new",
        data={
            "team": late_plan.chk.id,
            "title": "  Saved carts  ",
            "priority": "1",
            "start": q2.id,
            "end": q3.id,
            "estimate": "6.5",
            "status": "proposed",
            "health": "on_track",
            "owner": "",
        },
        follow_redirects=True,
    )
    assert response.request.path == "/items/CHK-2"
    assert "Created CHK-2 'Saved carts' for Checkout." in text_of(response)
    item = db.session.scalar(select(Item).where(Item.key == "CHK-2"))
    assert (item.title, item.priority, item.estimate, item.owner) == ("Saved carts", 1, 6.5, None)
    assert (item.start_period_id, item.end_period_id) == (q2.id, q3.id)


def test_bad_new_items_are_refused_with_a_clear_message_and_nothing_written(
    db, client, late_plan, as_user
):
    as_user("planner")
    before = audit_count(db)
    valid = {"team": late_plan.chk.id, "title": "X", "priority": "1", "status": "proposed"}
    valid |= {"health": "on_track", "start": "", "end": ""}
    cases = [
        (
            {"start": late_plan.periods[2].id, "end": late_plan.periods[1].id},
            "comes before the start",
        ),
        ({"start": late_plan.periods[2].id}, "Set both the start and the end period"),
        ({"estimate": "nan"}, "Number must be between 0 and 100000"),
        ({"estimate": "-1"}, "Number must be between 0 and 100000"),
        ({"title": "   "}, "This field is required."),
        ({"team": "999999"}, "Not a valid choice."),
        ({"priority": "7"}, "Not a valid choice."),
        ({"status": "sleeping"}, "Not a valid choice."),
    ]
    for change, message in cases:
        response = client.post("/items/new", data=valid | change)
        assert response.status_code == 400, change
        assert message in response.text, change
    assert audit_count(db) == before
    assert db.session.scalar(select(Item).where(Item.key == "CHK-2")) is None


def test_editing_an_item_saves_the_changes_into_the_audit_history(db, client, late_plan, as_user):
    _, planner = as_user("planner")
    form = {
        "title": "Tokenised cards API v2",
        "description": "Now with network tokens.",
        "priority": "0",
        "start": late_plan.periods[0].id,
        "end": late_plan.periods[1].id,
        "estimate": "12",
        "status": "committed",
        "health": "at_risk",
        "owner": "Ana",
        "version": late_plan.pay1.version,
    }
    response = client.post("/items/PAY-1/edit", data=form, follow_redirects=True)
    assert response.request.path == "/items/PAY-1"
    saved = "Saved PAY-1: title, description, priority, start period, end period, estimate"
    assert saved in response.text
    db.session.refresh(late_plan.pay1)
    assert (
        late_plan.pay1.priority,
        late_plan.pay1.health,
        late_plan.pay1.version,
    ) == (0, "at_risk", 2)
    event = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.entity == "item",
            AuditEvent.entity_id == late_plan.pay1.id,
            AuditEvent.action == "update",
        )
    ).one()
    assert event.actor == planner.email
    assert event.changes["priority"] == [3, 0]
    text = text_of(client.get("/items/PAY-1"))
    assert f"{planner.email} PAY-1 changed" in text
    assert "priority : P3 → P0" in text
    assert "end period : 2031 Q3 → 2031 Q2" in text


def test_an_invalid_edit_is_refused_and_changes_nothing(db, client, late_plan, as_user):
    as_user("planner")
    response = client.post(
        "/items/PAY-1/edit",
        data={"title": "T", "priority": "1", "start": late_plan.periods[3].id, "end": "",
              "status": "proposed", "health": "on_track", "version": late_plan.pay1.version},
    )  # fmt: skip
    assert response.status_code == 400
    assert "Set both the start and the end period" in response.text
    db.session.refresh(late_plan.pay1)
    assert (late_plan.pay1.title, late_plan.pay1.version) == (
        "Tokenised cards API",
        1,
    )


def test_team_page_lists_items_by_period_and_requests_in_and_out(
    db, client, late_plan, as_user, make_item, count_queries
):
    make_item(late_plan.pay, title="Backlog work", priority=2)
    as_user("planner")
    with count_queries() as counted:
        response = client.get("/teams/pay")
    assert response.status_code == 200
    text = text_of(response)
    assert text.index("2031 Q3") < text.index("PAY-1 Tokenised cards API") < text.index("Backlog")
    assert "Requests to Payments Platform 1" in text
    assert "CHK-1 One-click checkout (Checkout)" in text
    assert "/items/new?team=pay&amp;period=2031+Q3" in response.text
    assert counted.n < 12
    chk = text_of(client.get("/teams/chk"))
    assert "What Checkout needs 1" in chk and "PAY-1 Tokenised cards API (2031 Q3)" in chk
    assert client.get("/teams/nope").status_code == 404


def test_update_item_refuses_what_the_form_cannot_catch(db, late_plan):
    for changes, message in (
        ({"estimate": float("nan")}, "The estimate is a number"),
        ({"estimate": float("inf")}, "The estimate is a number"),
        ({"title": " " * 3}, "An item needs a title."),
        ({"status": "paused"}, "The status is one of"),
        ({"colour": "red"}, "Unknown item fields: colour."),
        ({"start": None}, "Set both the start and the end period"),
    ):
        with pytest.raises(PlanningError, match=message):
            operations.update_item(late_plan.pay1, changes, expected_version=1)
    assert late_plan.pay1.version == 1
    assert operations.update_item(late_plan.pay1, {"title": "Same"}, expected_version=1) == {
        "title": ("Tokenised cards API", "Same")
    }

"""Safe concurrent edits: a save against an older version changes nothing and says
who changed the row, when, and how their values differ."""

import pytest
from sqlalchemy import update
from web_helpers import audit_count, text_of

from app.models import Item
from app.planning import operations
from app.planning.operations import StaleEdit


@pytest.fixture
def two_planners(app, make_user, login):
    """Two test clients, each signed in as a different planner."""
    return [
        login(make_user("planner", email=email), on=app.test_client())
        for email in ("ana@example.com", "ben@example.com")
    ]


def edit_form(page_item, **changes):
    fields = {
        "title": page_item.title,
        "description": "",
        "priority": str(page_item.priority),
        "start": page_item.start_period_id,
        "end": page_item.end_period_id,
        "estimate": str(page_item.estimate),
        "status": page_item.status,
        "health": page_item.health,
        "owner": "",
        "version": page_item.version,
    }
    return fields | changes


def post(browser, url, data):
    return browser.post(url, data=data)


def test_the_second_save_against_the_old_version_gets_409_and_the_differences(
    db, late_plan, two_planners
):
    ana, ben = two_planners
    for browser in (ana, ben):
        assert 'name="version" type="hidden" value="1"' in browser.get("/items/PAY-1/edit").text
    loaded = edit_form(late_plan.pay1)
    first = post(ana, "/items/PAY-1/edit", loaded | {"priority": "0", "title": "Cards API"})
    assert first.status_code == 302
    before = audit_count(db)

    second = post(ben, "/items/PAY-1/edit", loaded | {"estimate": "20", "title": "Tokens API"})
    assert second.status_code == 409
    text = text_of(second)
    assert "PAY-1 was changed by ana@example.com at " in text
    assert "Nothing was saved" in text
    assert "Title Tokens API Cards API" in text
    assert "Priority P3 P0" in text
    assert "Estimate (person-weeks) 20 10" in text
    assert 'value="Tokens API"' in second.text  # Ben's values stay in the form ...
    assert 'name="version" type="hidden" value="2"' in second.text  # ... to save again
    assert audit_count(db) == before
    db.session.refresh(late_plan.pay1)
    assert (
        late_plan.pay1.title,
        late_plan.pay1.priority,
        late_plan.pay1.estimate,
    ) == ("Cards API", 0, 10)

    merged = post(ben, "/items/PAY-1/edit", loaded | {"estimate": "20", "version": "2"})
    assert merged.status_code == 302
    db.session.refresh(late_plan.pay1)
    assert (late_plan.pay1.title, late_plan.pay1.estimate) == (
        "Tokenised cards API",
        20,
    )
    assert late_plan.pay1.version == 3


def test_a_stale_dependency_edit_gets_409(db, late_plan, two_planners):
    ana, ben = two_planners
    url = f"/dependencies/{late_plan.dep.id}/edit"
    assert post(ana, url, {"needed_by": late_plan.periods[3].id, "version": 1}).status_code == 302
    response = post(ben, url, {"needed_by": late_plan.periods[0].id, "version": 1})
    assert response.status_code == 409
    text = text_of(response)
    assert "changed by ana@example.com" in text
    assert "Needed by 2031 Q1 2031 Q4" in text
    db.session.refresh(late_plan.dep)
    assert late_plan.dep.needed_by_period_id == late_plan.periods[3].id


def test_a_stale_delete_or_cancel_changes_nothing(db, late_plan, two_planners):
    ana, ben = two_planners
    assert post(ana, "/items/CHK-1/edit", edit_form(late_plan.chk1, owner="Ana")).status_code == 302
    for action in ("delete", "cancel"):
        response = post(ben, f"/items/CHK-1/{action}", {"version": 1})
        assert response.status_code == 409, action
        assert "changed by ana@example.com" in response.text
    db.session.refresh(late_plan.chk1)
    assert (late_plan.chk1.status, late_plan.chk1.owner) == ("committed", "Ana")


def test_a_race_caught_by_the_flush_is_a_stale_edit_too(db, late_plan):
    """Another transaction saved between loading the row and writing it: the
    version check of the UPDATE itself refuses, and the session stays usable."""
    db.session.execute(
        update(Item)
        .where(Item.id == late_plan.pay1.id)
        .values(version=Item.version + 1, title="Changed elsewhere")
        .execution_options(synchronize_session=False)
    )
    with pytest.raises(StaleEdit) as caught:
        operations.update_item(late_plan.pay1, {"priority": 0}, expected_version=1)
    assert caught.value.current["title"] == "Changed elsewhere"
    assert caught.value.current["priority"] == 3
    assert late_plan.pay1.version == 2
    operations.update_item(late_plan.pay1, {"priority": 1}, expected_version=2)
    assert late_plan.pay1.priority == 1

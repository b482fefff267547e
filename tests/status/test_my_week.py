"""My week and a team's weekly form: what is listed, what a submission writes, and
what it refuses, repeats or reports."""

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from status_helpers import WeekPage, add_update, stale_keys

from app.clock import utcnow
from app.models import AuditEvent, Item, StatusUpdate
from app.status import operations
from app.weeks import iso_week


def updates(db, item=None):
    query = select(StatusUpdate).order_by(StatusUpdate.id)
    if item is not None:
        query = query.where(StatusUpdate.item_id == item.id)
    return db.session.scalars(query).all()


def count_updates(db):
    return db.session.scalar(select(func.count()).select_from(StatusUpdate))


def week_page(client, url="/status/my-week"):
    response = client.get(url)
    assert response.status_code == 200, response.text
    return WeekPage(response.text)


# What is listed


def test_my_week_lists_the_active_items_of_my_teams_with_what_matters(client, org, sign_in):
    sign_in(org.users.pay_dev)
    page = client.get("/status/my-week").text
    assert "Payments Platform" in page and "Checkout" not in page
    assert "PAY-1" in page and "PAY-2" in page
    assert "PAY-3" not in page, "proposed for the next quarter"
    assert "PAY-4" not in page, "done"
    assert "needed by 1 item, highest P0" in page
    assert "stale: 30 days without an update" in page
    assert "Half way" in page, "the last note is shown"
    form = WeekPage(page)
    assert set(form.rows) == {"PAY-1", "PAY-2"}
    prefix = form.rows["PAY-1"]
    assert form.fields[f"{prefix}-progress"] == "40", "prefilled from the last update"
    assert form.fields[f"{prefix}-last_update_id"] == str(org.pay1_update.id)
    assert form.fields[f"{form.rows['PAY-2']}-last_update_id"] == "0"
    assert form.fields["submission"]


def test_every_control_of_a_row_is_labelled(client, org, sign_in):
    sign_in(org.users.pay_dev)
    page = client.get("/status/my-week").text
    for field in ("health", "status", "progress", "note", "no_change"):
        assert f'for="rows-0-{field}"' in page, field


def test_a_member_of_two_teams_sees_both_grouped(db, client, org, sign_in, make_user):
    both = make_user("contributor", teams=[org.pay, org.chk])
    sign_in(both)
    page = client.get("/status/my-week").text
    assert page.index("Checkout") < page.index("CHK-1") < page.index("Payments Platform")
    assert set(WeekPage(page).rows) == {"PAY-1", "PAY-2", "CHK-1"}


def test_the_page_costs_a_constant_number_of_queries(
    db, client, org, sign_in, make_item, count_queries
):
    sign_in(org.users.pay_dev)
    with count_queries() as few:
        client.get("/status/my-week")
    for _ in range(15):
        item = make_item(org.pay, status="in_progress", start=org.now_q)
        add_update(db, item, days_ago=1, note="going")
    with count_queries() as many:
        response = client.get("/status/my-week")
    assert response.text.count('name="rows-') > 15 * 5
    assert many.n == few.n


# Saving


def test_one_submission_writes_an_update_per_changed_or_confirmed_row(db, client, org, sign_in):
    sign_in(org.users.pay_dev)
    form = week_page(client)
    form.set("PAY-1", health="at_risk", progress=55, note="Vendor is late")
    form.set("PAY-2", no_change=True)
    before, version = updates(db, org.pay1), org.pay1.version
    response = client.post("/status/my-week", data=form.data())
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).text
    assert "Saved 2 updates for" in page and "1 changed, 1 confirmed as unchanged" in page

    pay1 = updates(db, org.pay1)[len(before) :]
    (new,) = pay1
    assert (new.health, new.status, new.progress, new.note) == (
        "at_risk",
        "in_progress",
        55,
        "Vendor is late",
    )
    assert new.week == iso_week(utcnow())
    assert (new.author_id, new.author) == (org.users.pay_dev.id, "pay.dev@example.com")
    (confirmed,) = updates(db, org.pay2)
    assert (confirmed.health, confirmed.status, confirmed.note) == ("on_track", "committed", "")
    assert confirmed.submission == new.submission == form.fields["submission"]
    db.session.expire_all()
    item = db.session.get(Item, org.pay1.id)
    assert item.health == "at_risk"
    assert item.version == version + 1
    change = db.session.scalars(
        select(AuditEvent).where(AuditEvent.entity == "item", AuditEvent.entity_id == item.id)
    ).all()[-1]
    assert change.changes["health"] == ["on_track", "at_risk"]
    assert change.actor == "pay.dev@example.com"


def test_untouched_rows_are_not_saved_unless_confirmed_together(db, client, org, sign_in):
    sign_in(org.users.pay_dev)
    form = week_page(client)
    before = count_updates(db)
    response = client.post("/status/my-week", data=form.data(), follow_redirects=True)
    assert "Nothing to save" in response.text
    assert count_updates(db) == before

    form = week_page(client)
    form.set("PAY-1", note="Still going")
    response = client.post("/status/my-week", data=form.data("save_all"), follow_redirects=True)
    assert "1 changed, 1 confirmed as unchanged" in response.text
    assert count_updates(db) == before + 2
    assert "100%" in client.get("/status/teams/pay").text


def test_a_confirmed_item_is_no_longer_stale(db, client, org, sign_in):
    sign_in(org.users.pay_dev)
    client.post("/status/my-week", data=week_page(client).set("PAY-2", no_change=True).data())
    assert "PAY-2" not in stale_keys(client.get("/status/my-week").text)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"status": "done", "health": "off_track"}, "health", "A done item is on track"),
        ({"status": "done", "health": "at_risk"}, "health", "A done item is on track"),
        ({"status": "done", "progress": 80}, "progress", "A done item is 100% complete"),
        ({"status": "cancelled"}, "note", "Say why the item is cancelled."),
        ({"progress": 101}, "progress", "Progress is a whole number from 0 to 100."),
        ({"progress": -1}, "progress", "Progress is a whole number from 0 to 100."),
        ({"progress": "forty"}, "progress", "Progress is a whole number from 0 to 100."),
        ({"progress": "4.5"}, "progress", "Progress is a whole number from 0 to 100."),
        ({"note": "x" * 501}, "note", "A note has at most 500 characters."),
        ({"status": "committed"}, "status", "cannot move an item back from in progress"),
        ({"status": "proposed"}, "status", "cannot move an item back from in progress"),
        ({"health": "purple"}, "health", "Not a valid choice"),
    ],
)
def test_an_invalid_row_comes_back_with_its_error_and_nothing_is_written(
    db, client, org, sign_in, changes, field, message
):
    sign_in(org.users.pay_dev)
    form = week_page(client)
    form.set("PAY-2", no_change=True)  # a valid row beside the invalid one
    form.set("PAY-1", **changes)
    before, audit = count_updates(db), db.session.scalar(select(func.max(AuditEvent.id)))
    response = client.post("/status/my-week", data=form.data())
    assert response.status_code == 400
    assert message in response.text
    assert "nothing was saved" in response.text
    assert count_updates(db) == before
    assert db.session.scalar(select(func.max(AuditEvent.id))) == audit
    again = WeekPage(response.text)
    prefix = again.rows["PAY-1"]
    assert re.search(rf'class="has-error">\s*<label[^>]*for="{prefix}-{field}"', response.text)
    assert again.fields["submission"] == form.fields["submission"], "the same form, kept"


def test_valid_moves_forward_are_saved(db, client, org, sign_in):
    sign_in(org.users.pay_dev)
    form = week_page(client)
    form.set("PAY-2", status="in_progress", progress=5)
    form.set("PAY-1", status="done", progress=100)
    assert client.post("/status/my-week", data=form.data()).status_code == 302
    db.session.expire_all()
    assert db.session.get(Item, org.pay1.id).status == "done"
    assert db.session.get(Item, org.pay2.id).status == "in_progress"


def test_a_cancellation_with_a_note_is_saved(db, client, org, sign_in):
    sign_in(org.users.pay_dev)
    form = week_page(client).set("PAY-2", status="cancelled", note="Merged into PAY-1")
    assert client.post("/status/my-week", data=form.data()).status_code == 302
    assert updates(db, org.pay2)[-1].note == "Merged into PAY-1"


def test_a_form_without_its_token_is_refused(db, client, org, sign_in):
    sign_in(org.users.pay_dev)
    form = week_page(client).set("PAY-2", no_change=True)
    del form.fields["submission"]
    before = count_updates(db)
    assert client.post("/status/my-week", data=form.data()).status_code == 400
    assert count_updates(db) == before


def test_a_row_for_another_teams_item_is_refused(db, client, org, sign_in):
    sign_in(org.users.pay_dev)
    form = week_page(client).set("PAY-2", no_change=True)
    form.fields[f"{form.rows['PAY-1']}-key"] = "CHK-1"
    before = count_updates(db)
    response = client.post("/status/my-week", data=form.data())
    assert response.status_code == 400
    assert "CHK-1 is not an item of this form&#39;s teams." in response.text
    assert count_updates(db) == before


def test_a_row_sent_twice_in_one_form_is_refused(db, client, org, sign_in):
    sign_in(org.users.pay_dev)
    form = week_page(client).set("PAY-2", no_change=True).set("PAY-1", no_change=True)
    form.fields[f"{form.rows['PAY-2']}-key"] = "PAY-1"
    before = count_updates(db)
    response = client.post("/status/my-week", data=form.data())
    assert response.status_code == 400
    assert "PAY-1 appears twice in the form." in response.text
    assert count_updates(db) == before


# Twice, and two people at once


def test_a_form_sent_twice_writes_nothing_twice(db, client, org, sign_in):
    sign_in(org.users.pay_dev)
    form = week_page(client).set("PAY-1", health="at_risk").set("PAY-2", no_change=True)
    client.post("/status/my-week", data=form.data())
    after_first = count_updates(db)
    response = client.post("/status/my-week", data=form.data(), follow_redirects=True)
    assert count_updates(db) == after_first
    assert "PAY-1 and PAY-2 had already been saved from this form" in response.text
    assert "was updated by" not in response.text


def row_input(key, **changes):
    fields = {"health": "on_track", "status": "committed", "progress": None, "note": ""}
    was = {"was_health": "on_track", "was_status": "committed", "was_progress": None}
    return operations.RowInput(
        key=key, no_change=True, last_update_id=0, **(fields | was | changes)
    )


def test_a_copy_of_the_form_racing_past_the_check_is_turned_away(db, org):
    """Two copies of one form sent at once: the second finds no earlier row (the first
    has not committed yet) and the unique (item, submission) constraint turns its
    copy of that row away, in a savepoint; its other rows are still written."""
    token = "a" * 36
    first = add_update(db, org.pay2, submission=token)
    due = [
        (org.pay2, row_input("PAY-2", health="at_risk")),
        (org.chk1, row_input("CHK-1", note="fine")),
    ]
    written = operations.write_rows(
        due, author=org.users.planner, submission=token, now=utcnow(), week=iso_week(utcnow())
    )
    assert written == {"CHK-1"}
    assert updates(db, org.pay2) == [first]
    assert updates(db, org.chk1)[-1].note == "fine"
    db.session.refresh(org.pay2)
    assert org.pay2.health == "on_track"


def test_two_members_updating_different_rows_keep_both(db, client, org, sign_in, make_user):
    other = make_user("contributor", teams=[org.pay])
    sign_in(org.users.pay_dev)
    mine = week_page(client).set("PAY-1", note="from me")
    sign_in(other)
    theirs = week_page(client).set("PAY-2", no_change=True)
    client.post("/status/my-week", data=theirs.data())
    sign_in(org.users.pay_dev)
    response = client.post("/status/my-week", data=mine.data(), follow_redirects=True)
    assert "Saved 1 update for" in response.text
    assert updates(db, org.pay1)[-1].note == "from me"
    assert updates(db, org.pay2)[-1].author == other.email


def test_a_row_updated_by_someone_else_since_loading_is_reported_not_saved(
    db, client, org, sign_in, make_user
):
    other = make_user("contributor", email="other@example.com", teams=[org.pay])
    sign_in(org.users.pay_dev)
    mine = week_page(client).set("PAY-1", health="off_track", note="mine").set("PAY-2", note="ok")
    sign_in(other)
    client.post("/status/my-week", data=week_page(client).set("PAY-1", note="theirs").data())
    sign_in(org.users.pay_dev)
    response = client.post("/status/my-week", data=mine.data())
    assert response.status_code == 302
    assert "moved=PAY-1" in response.headers["Location"]
    page = client.get(response.headers["Location"]).text
    assert "PAY-1 was updated by other@example.com at" in page
    assert "your row was not saved" in page
    assert 'id="row-PAY-1" class="moved' in page
    assert "Saved 1 update for" in page, "the other row is saved"
    assert updates(db, org.pay1)[-1].note == "theirs"
    db.session.expire_all()
    assert db.session.get(Item, org.pay1.id).health == "on_track"


def test_a_row_whose_item_a_planner_changed_since_loading_is_reported(db, client, org, sign_in):
    sign_in(org.users.pay_dev)
    mine = week_page(client).set("PAY-1", note="all fine")
    org.pay1.health = "at_risk"  # a planner's edit: no status update
    page = client.post("/status/my-week", data=mine.data(), follow_redirects=True).text
    assert "PAY-1 was changed (it is now in progress, at risk) since you loaded the page" in page
    assert updates(db, org.pay1)[-1].note == "Half way"


# Who may update what


def test_a_contributor_of_another_team_gets_403_and_no_form(db, client, org, sign_in):
    sign_in(org.users.chk_dev)
    before = count_updates(db)
    response = client.get("/status/teams/pay/update")
    assert response.status_code == 403
    assert "data-week-form" not in response.text and "PAY-1" not in response.text
    said = html.unescape(response.text)
    assert "Only Payments Platform's members, planners and admins can update" in said
    assert "error-page" in said and "requested resource" not in said, "not Werkzeug's text"
    form = {"submission": "0" * 36, "rows-0-key": "PAY-1", "rows-0-no_change": "y"}
    assert client.post("/status/teams/pay/update", data=form).status_code == 403
    assert count_updates(db) == before


def test_a_contributor_updates_their_own_team_on_the_team_form(db, client, org, sign_in):
    sign_in(org.users.pay_dev)
    form = week_page(client, "/status/teams/pay/update").set("PAY-2", no_change=True)
    response = client.post("/status/teams/pay/update", data=form.data())
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/status/teams/pay/update")
    assert updates(db, org.pay2)


def test_a_planner_fills_in_for_any_team(db, client, org, sign_in):
    sign_in(org.users.planner)
    page = client.get("/status/my-week").text
    assert "fill in the week for any team" in page
    response = client.get("/status/my-week?team=chk")
    assert response.headers["Location"].endswith("/status/teams/chk/update")
    form = week_page(client, "/status/teams/chk/update").set("CHK-1", health="at_risk")
    assert client.post("/status/teams/chk/update", data=form.data()).status_code == 302
    assert updates(db, org.chk1)[-1].author == "planner@example.com"


def test_a_contributor_without_a_team_is_told_so(db, client, org, sign_in, make_user):
    sign_in(make_user("contributor"))
    page = client.get("/status/my-week").text
    assert "not a member of any team yet" in page
    assert "team-choice" not in page


def test_viewers_read_but_do_not_update(db, client, org, sign_in):
    sign_in(org.users.viewer)
    assert client.get("/status/my-week").status_code == 403
    assert client.get("/status/teams/pay/update").status_code == 403
    assert client.get("/status/teams/pay").status_code == 200


def test_unknown_team_is_404(client, org, sign_in):
    sign_in(org.users.planner)
    assert client.get("/status/teams/nope/update").status_code == 404


def test_future_dated_history_does_not_hide_the_newest_row(db, client, org, sign_in):
    """An imported update dated later than now stays the item's newest update."""
    add_update(db, org.pay2, at=utcnow() + timedelta(days=3), note="from the future")
    sign_in(org.users.pay_dev)
    assert "from the future" in client.get("/status/my-week").text

"""One-click suggestion actions: a confirmation that says what will change, then
the change, made against the item's version."""

from web_helpers import audit_count, text_of


def test_the_item_page_offers_the_engines_actions_next_to_their_suggestions(
    db, client, late_plan, as_user
):
    as_user("planner")
    text = text_of(client.get("/items/CHK-1"))
    assert (
        "Move CHK-1 to 2031 Q4 (the first period after all its dependencies end) "
        "Move CHK-1 to 2031 Q4…"
    ) in text
    assert "Pull PAY-1 into 2031 Q1: Payments Platform has 40 person-weeks free there " in text
    assert "Move PAY-1 to 2031 Q1…" in text
    assert "Raise PAY-1 to P0 (CHK-1 needs PAY-1) Raise PAY-1 to P0…" in text


def test_moving_confirms_first_then_applies_and_says_what_it_resolved(
    db, client, late_plan, as_user
):
    as_user("planner")
    before = audit_count(db)
    url = "/items/CHK-1/suggested/move?to=2031+Q4&back=CHK-1"
    page = client.get(url)
    assert page.status_code == 200
    assert "Move CHK-1 from 2031 Q2 to 2031 Q4?" in text_of(page)
    assert audit_count(db) == before
    response = client.post(url, data={"version": 1}, follow_redirects=True)
    assert response.request.path == "/items/CHK-1"
    assert "Moved CHK-1 to 2031 Q4" in text_of(response)
    db.session.refresh(late_plan.chk1)
    assert late_plan.chk1.start_period_id == late_plan.chk1.end_period_id == late_plan.periods[3].id
    assert "schedule violation" not in text_of(client.get("/items/CHK-1"))


def test_a_move_keeps_the_items_span(db, client, late_plan, as_user):
    late_plan.chk1.end_period_id = late_plan.periods[2].id
    as_user("planner")
    page = client.get("/items/CHK-1/suggested/move?to=2031+Q4")
    assert "Move CHK-1 from 2031 Q2–Q3 to 2031 Q4–2032 Q1?" in text_of(page)


def test_raising_confirms_first_then_applies(db, client, late_plan, as_user):
    as_user("planner")
    url = "/items/PAY-1/suggested/raise?to=P0&back=CHK-1"
    assert "Raise PAY-1 from P3 to P0?" in text_of(client.get(url))
    response = client.post(url, data={"version": 1})
    assert response.headers["Location"] == "/items/CHK-1"
    db.session.refresh(late_plan.pay1)
    assert (late_plan.pay1.priority, late_plan.pay1.version) == (0, 2)
    again = client.get(url)
    assert again.status_code == 400
    assert "PAY-1 is already P0: nothing to raise." in again.text


def test_an_action_against_a_changed_item_is_refused_and_shows_the_new_state(
    db, client, late_plan, as_user
):
    as_user("planner")
    late_plan.pay1.priority = 2
    db.session.flush()
    assert late_plan.pay1.version == 2
    before = audit_count(db)
    response = client.post("/items/PAY-1/suggested/raise?to=P0", data={"version": 1})
    assert response.status_code == 409
    text = text_of(response)
    assert "PAY-1 was changed by" in text and "Nothing was saved" in text
    assert "Raise PAY-1 from P2 to P0?" in text
    assert 'name="version" type="hidden" value="2"' in response.text
    moved = client.post("/items/CHK-1/suggested/move?to=2031+Q4", data={"version": 7})
    assert moved.status_code == 409
    assert audit_count(db) == before
    db.session.refresh(late_plan.pay1)
    assert late_plan.pay1.priority == 2


def test_impossible_targets_are_refused_with_the_reason(db, client, late_plan, as_user):
    as_user("planner")
    cases = {
        "/items/CHK-1/suggested/move?to=2040+Q1": "There is no period named",
        "/items/CHK-1/suggested/move?to=2031+Q2": "already in 2031 Q2",
        "/items/CHK-1/suggested/raise?to=P0": "CHK-1 is already P0",
        "/items/CHK-1/suggested/raise?to=P9": "P0 to P3",
    }
    for url, reason in cases.items():
        for method in ("get", "post"):
            response = getattr(client, method)(url, data={"version": 1})
            assert response.status_code == 400, url
            assert reason in response.text, url


def test_only_planners_apply_suggestions(db, client, late_plan, as_user):
    for role, teams in (("viewer", ()), ("contributor", [late_plan.pay])):
        as_user(role, teams=teams)
        url = "/items/PAY-1/suggested/raise?to=P0"
        assert client.get(url).status_code == 403
        assert client.post(url, data={"version": 1}).status_code == 403
    db.session.refresh(late_plan.pay1)
    assert late_plan.pay1.priority == 3

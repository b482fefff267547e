"""The roadmap page, its filters, and rescheduling through the Move form and JSON."""

import re
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from web_helpers import audit_count

from app.models import AuditEvent, Item


@pytest.fixture
def plan(db, make_team, make_period, make_item, make_dependency):
    """Checkout's CHK-1 (P0, 2090 Q2) needs Payments' PAY-1 (2090 Q1 to Q3): late."""
    q1, q2, q3, q4 = (make_period(year=2090, quarter=q) for q in (1, 2, 3, 4))
    pay = make_team("pay", name="Payments Platform", kind="platform", default_capacity=40)
    chk = make_team("chk", name="Checkout", kind="product", default_capacity=10)
    pay1 = make_item(pay, title="Tokenised cards API", priority=1, start=q1, end=q3, estimate=6)
    chk1 = make_item(chk, title="One-click checkout", priority=0, start=q2, estimate=4)
    chk2 = make_item(chk, title="Saved cards", priority=2, start=q4, estimate=8)
    backlog = make_item(chk, title="Gift cards", priority=3, estimate=2)
    make_dependency(chk1, pay1, commitment="committed")
    return SimpleNamespace(
        q1=q1, q2=q2, q3=q3, q4=q4, pay=pay, chk=chk, pay1=pay1, chk1=chk1, chk2=chk2,
        backlog=backlog,
    )  # fmt: skip


def card_keys(html):
    return re.findall(r'class="rm-card[^"]*"[^>]*data-key="([^"]+)"', html)


def periods_of(db, item):
    db.session.expire_all()
    fresh = db.session.get(Item, item.id)
    start = fresh.start_period.name if fresh.start_period else None
    end = fresh.end_period.name if fresh.end_period else None
    return start, end, fresh.team.slug


# The page


def test_the_roadmap_shows_platform_rows_first_cards_lines_and_capacity(db, client, as_user, plan):
    as_user("viewer")
    html = client.get("/roadmap").get_data(as_text=True)
    assert html.index(">Payments Platform<") < html.index(">Checkout<")
    assert card_keys(html) == ["PAY-1", "CHK-1", "CHK-2", "CHK-3"]
    assert ">2090 Q1<" in html and ">Backlog<" in html
    assert 'class="rm-line violation"' in html
    assert f'data-from="{plan.pay1.id}" data-to="{plan.chk1.id}"' in html
    assert "CHK-1 One-click checkout: P0, 4 person-weeks, 2090 Q2, committed, on track" in html
    assert re.search(r'class="rm-badge sev-critical">.*?>2</text>', html)
    assert ">5%<" in html  # Payments: 2 of 40 person-weeks in each of 2090 Q1 to Q3
    assert ">40%<" in html  # Checkout: 4 of 10 in 2090 Q2
    assert 'href="/items/CHK-1"' in html
    assert 'src="/static/js/roadmap.js"' in html and 'type="module"' in html


def test_a_viewer_sees_no_edit_controls_and_a_planner_does(db, client, as_user, plan):
    as_user("viewer")
    html = client.get("/roadmap").get_data(as_text=True)
    for control in ('class="rm-move-link"', "data-move-url", 'class="rm-plus"', "/items/new"):
        assert control not in html
    as_user("planner")
    html = client.get("/roadmap").get_data(as_text=True)
    assert "<form" not in html.split('id="rm-board"')[1]  # no form per card
    assert html.count('class="rm-move-link"') == 4
    assert 'href="/roadmap/move/CHK-1?next=/roadmap"' in html
    assert 'data-move-url="/roadmap/move"' in html
    assert 'href="/items/new?team=chk&amp;period=2090+Q3"' in html
    assert 'href="/items/new?team=pay"' in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("team=chk", ["CHK-1", "CHK-2", "CHK-3"]),
        ("kind=platform", ["PAY-1"]),
        ("priority=P0&priority=P3", ["CHK-1", "CHK-3"]),
        ("conflicts=1", ["PAY-1", "CHK-1"]),
        ("q=CARDS", ["PAY-1", "CHK-2", "CHK-3"]),
        ("from=2090+Q3&periods=1", ["PAY-1", "CHK-3"]),
    ],
)
def test_filters_live_in_the_url(db, client, as_user, plan, query, expected):
    as_user("viewer")
    response = client.get(f"/roadmap?{query}")
    assert response.status_code == 200
    assert card_keys(response.get_data(as_text=True)) == expected


def test_the_period_range_can_move_earlier_and_later(db, client, as_user, plan):
    as_user("viewer")
    html = client.get("/roadmap?periods=2&team=chk").get_data(as_text=True)
    assert "2090 Q1–Q2 and the backlog" in html
    assert "Earlier period" not in html
    assert 'href="/roadmap?periods=2&amp;team=chk&amp;from=2090+Q2"' in html


def test_filters_it_does_not_understand_are_named_and_ignored(db, client, as_user, plan):
    as_user("viewer")
    response = client.get("/roadmap?from=1999+Q9&team=nope&priority=P7&team=chk")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is no period named &#39;1999 Q9&#39;." in html
    assert "Teams: &#39;nope&#39; is not a valid choice" in html
    assert card_keys(html) == ["PAY-1", "CHK-1", "CHK-2", "CHK-3"]


def test_an_empty_plan_still_has_a_roadmap(db, client, as_user):
    as_user("planner")
    response = client.get("/roadmap?from=2090+Q1")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "0 of 0 items on screen · the backlog (no periods exist yet)" in html
    assert client.get("/capacity").status_code == 200


def test_each_card_s_move_page_starts_at_its_place(db, client, as_user, plan):
    as_user("planner")
    response = client.get("/roadmap/move/CHK-1?next=/roadmap?team%3Dchk")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "now in 2090 Q2, Checkout." in html
    form = html[html.index('name="period"') :].split("</select>")[0]
    assert '<option selected value="2090 Q2">2090 Q2</option>' in form
    assert form.count("selected") == 1
    assert 'name="next" type="hidden" value="/roadmap?team=chk"' in html
    assert f'name="version" type="hidden" value="{plan.chk1.version}"' in html
    teams = html[html.index('name="team"') :].split("</select>")[0]
    assert '<option value="pay">Payments Platform</option>' in teams
    assert client.get("/roadmap/move/NOPE-9").status_code == 404
    assert client.get("/roadmap/move/CHK-1?next=https://evil.example/").status_code == 200


def test_the_page_costs_the_same_queries_whatever_the_number_of_items(
    db, client, as_user, make_item, make_dependency, plan, count_queries
):
    as_user("planner")
    client.get("/roadmap")
    with count_queries() as few:
        assert client.get("/roadmap").status_code == 200
    for _ in range(30):
        item = make_item(plan.chk, start=plan.q2, estimate=1)
        make_dependency(item, plan.pay1)
        make_item(plan.pay, start=plan.q1, end=plan.q2, health="at_risk")
    with count_queries() as many:
        assert client.get("/roadmap").status_code == 200
    assert many.n == few.n <= 13


# Moving with the form


def move(client, item, period, version=None, team="", next_url="/roadmap?team=chk", json=False):
    data = {
        "item": item.key if hasattr(item, "key") else item,
        "period": period,
        "team": team,
        "version": item.version if version is None else version,
        "next": next_url,
    }
    headers = {"Accept": "application/json"} if json else {}
    return client.post("/roadmap/move", data=data, headers=headers)


def test_the_move_form_reschedules_and_says_what_changed(db, client, as_user, plan):
    as_user("planner")
    response = move(client, plan.chk1, "2090 Q4")
    assert response.status_code == 302
    assert response.headers["Location"] == "/roadmap?team=chk"
    assert periods_of(db, plan.chk1) == ("2090 Q4", "2090 Q4", "chk")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert (
        "Moved CHK-1 to 2090 Q4: resolved 1 conflict (schedule violation with PAY-1); "
        "new: over capacity for Checkout in 2090 Q4 (120%)."
    ) in html
    event = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.entity == "item", AuditEvent.entity_id == plan.chk1.id)
        .order_by(AuditEvent.id)
    ).all()[-1]
    assert event.action == "update" and "start_period_id" in event.changes


def test_a_spanning_item_keeps_its_span_and_cannot_run_past_the_last_period(
    db, client, as_user, plan
):
    as_user("planner")
    assert move(client, plan.pay1, "2090 Q2").status_code == 302
    assert periods_of(db, plan.pay1) == ("2090 Q2", "2090 Q4", "pay")
    before = audit_count(db)
    response = move(client, plan.pay1, "2090 Q3")
    assert response.status_code == 400
    assert "PAY-1 spans 3 periods: starting in 2090 Q3 it would end after 2090 Q4" in (
        response.get_data(as_text=True)
    )
    assert periods_of(db, plan.pay1) == ("2090 Q2", "2090 Q4", "pay")
    assert audit_count(db) == before


def test_an_item_moves_to_the_backlog_to_another_team_and_back(db, client, as_user, plan):
    as_user("planner")
    assert move(client, plan.chk2, "backlog").status_code == 302
    assert periods_of(db, plan.chk2) == (None, None, "chk")
    assert move(client, plan.chk2, "2090 Q1", team="pay").status_code == 302
    assert periods_of(db, plan.chk2) == ("2090 Q1", "2090 Q1", "pay")


def test_moving_to_where_it_already_is_changes_nothing(db, client, as_user, plan):
    as_user("planner")
    before = audit_count(db)
    response = move(client, plan.chk2, "2090 Q4", json=True)
    assert response.status_code == 200
    assert response.json["moved"] is False
    assert response.json["message"] == "CHK-2 is already in 2090 Q4: nothing moved."
    assert audit_count(db) == before


def test_a_foreign_next_address_sends_you_back_to_the_roadmap(db, client, as_user, plan):
    as_user("planner")
    response = move(client, plan.chk2, "2090 Q3", next_url="https://evil.example/roadmap")
    assert response.headers["Location"] == "/roadmap"


# Moving with JSON (the drag-and-drop module)


def test_a_json_move_answers_with_the_changes(db, client, as_user, plan):
    as_user("planner")
    version = plan.chk1.version
    response = move(client, plan.chk1, "2090 Q4", json=True)
    assert response.status_code == 200
    body = response.json
    assert body["ok"] is True and body["moved"] is True
    assert body["message"].startswith("Moved CHK-1 to 2090 Q4: resolved 1 conflict")
    assert body["item"] == {
        "key": "CHK-1", "id": plan.chk1.id, "version": version + 1, "team": "chk",
        "start": "2090 Q4", "end": "2090 Q4",
    }  # fmt: skip
    assert [c["type"] for c in body["resolved"]] == ["schedule_violation"]
    assert [c["type"] for c in body["new"]] == ["over_capacity"]


def test_a_stale_move_changes_nothing_and_says_who_changed_the_item(db, client, as_user, plan):
    as_user("planner", email="first@example.com")
    loaded = plan.chk1.version
    assert move(client, plan.chk1, "2090 Q3", version=loaded).status_code == 302
    as_user("planner", email="second@example.com")
    before = audit_count(db)
    response = move(client, "CHK-1", "2090 Q4", version=loaded, json=True)
    assert response.status_code == 409
    assert response.json["error"] == "stale"
    assert re.match(
        r"CHK-1 was changed by first@example\.com at \d{4}-\d\d-\d\d \d\d:\d\d UTC, after you "
        r"loaded the roadmap\. Nothing was moved: it is now in 2090 Q3 \(Checkout\)\.",
        response.json["message"],
    )
    assert response.json["item"]["start"] == "2090 Q3"
    # the board redrawn as the plan stands: CHK-1 where the other planner put it
    board = response.json["fragments"]["rm-board"]
    assert re.search(rf'data-key="CHK-1" data-version="{loaded + 1}"[^>]*data-start="2"', board)
    assert periods_of(db, plan.chk1) == ("2090 Q3", "2090 Q3", "chk")
    assert audit_count(db) == before

    page = move(client, "CHK-1", "2090 Q4", version=loaded)
    assert page.status_code == 409
    html = page.get_data(as_text=True)
    assert "was changed by first@example.com" in html
    assert f'name="version" type="hidden" value="{loaded + 1}"' in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"item": "NOPE-1", "period": "2090 Q1", "version": 1}, "There is no item NOPE-1."),
        ({"item": "CHK-1", "period": "1999 Q9", "version": 1}, "Not a valid choice."),
        ({"item": "CHK-1", "period": "2090 Q1", "version": "x"}, "Not a valid integer value."),
        ({"item": "CHK-1", "period": "2090 Q1", "version": 1, "team": "zzz"}, "valid choice"),
        ({"period": "2090 Q1", "version": 1}, "This field is required."),
    ],
)
def test_bad_moves_get_a_400_with_a_reason(db, client, as_user, plan, data, message):
    as_user("planner")
    before = audit_count(db)
    response = client.post("/roadmap/move", data=data, headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert response.json["error"] == "invalid"
    assert message in response.json["message"]
    assert audit_count(db) == before
    html = client.post("/roadmap/move", data=data)
    assert html.status_code == 400
    assert message in html.get_data(as_text=True)


@pytest.mark.parametrize("role", ["viewer", "contributor"])
def test_only_planners_move(db, client, as_user, make_team, plan, role):
    as_user(role, teams=[plan.chk] if role == "contributor" else ())
    response = move(client, plan.chk1, "2090 Q4", json=True)
    assert response.status_code == 403
    assert response.json["error"] == "Forbidden"
    assert periods_of(db, plan.chk1) == ("2090 Q2", "2090 Q2", "chk")


# A page costs what it shows


def test_a_page_holds_a_few_teams_and_links_to_the_others(
    db, client, as_user, make_team, make_item, plan
):
    from app.roadmap.board import MAX_ROWS

    for n in range(MAX_ROWS + 2):
        make_item(make_team(f"t{n:02d}", name=f"Team {n:02d}", kind="product"), start=plan.q1)
    as_user("viewer")
    html = client.get("/roadmap").get_data(as_text=True)
    assert html.count('class="rm-row"') == MAX_ROWS
    assert "(page 1 of 2, 12 teams)" in html
    assert 'href="/roadmap?page=2" rel="next">Next teams' in html
    second = client.get("/roadmap?page=2").get_data(as_text=True)
    assert second.count('class="rm-row"') == 4 and ">Team 09<" in second
    assert client.get("/roadmap?page=99").status_code == 200  # the last page
    assert client.get("/roadmap?page=0").status_code == 400


def test_a_member_of_teams_starts_on_theirs(db, client, as_user, plan):
    as_user("planner", teams=[plan.chk])
    html = client.get("/roadmap").get_data(as_text=True)
    assert card_keys(html) == ["CHK-1", "CHK-2", "CHK-3"]
    assert "your teams: Checkout" in html
    assert 'href="/roadmap?all=1">Show all teams' in html
    assert card_keys(client.get("/roadmap?all=1").get_data(as_text=True))[0] == "PAY-1"


def test_a_line_to_an_item_off_the_page_ends_in_a_stub_that_links_to_it(db, client, as_user, plan):
    as_user("viewer")
    html = client.get("/roadmap?team=chk").get_data(as_text=True)
    assert "rm-line" not in html.split('<g class="rm-lines">')[1].split("</g>")[0]
    stub = re.search(
        r'<a class="rm-stub violation" href="([^"]+)"[^>]*>'
        r"<title>([^<]+)</title>.*?<text[^>]*>([^<]+)</text>",
        html,
    )
    assert stub[2] == "needs PAY-1, Payments Platform, 2090 Q1: show it on the roadmap"
    # as it fits: the team's name gives way, the period stays
    assert stub[3].startswith("needs PAY-1, Payments") and stub[3].endswith(", 2090 Q1")
    assert stub[1] == f"/roadmap?team=pay&amp;from=2090+Q1&amp;periods=4#card-{plan.pay1.id}"


def test_grey_lines_wait_behind_a_toggle(db, client, as_user, make_dependency, plan):
    make_dependency(plan.chk2, plan.pay1)  # CHK-2 in Q4 needs PAY-1 ending in Q3: fine
    as_user("viewer")
    html = client.get("/roadmap").get_data(as_text=True)
    assert 'class="rm-svg"' in html and 'class="rm-line ok"' in html  # hidden by the style
    assert 'href="/roadmap?lines=all" data-all="no">Show all lines' in html
    html = client.get("/roadmap?lines=all").get_data(as_text=True)
    assert 'class="rm-svg rm-all-lines"' in html
    assert 'href="/roadmap" data-all="yes">Show only red and amber lines' in html


def test_a_badge_counts_what_the_item_page_lists(db, client, as_user, make_item, plan):
    for _ in range(3):  # Checkout over capacity in 2090 Q2: a conflict of the team
        make_item(plan.chk, start=plan.q2, estimate=3)
    as_user("viewer")
    html = client.get("/roadmap?team=chk").get_data(as_text=True)
    item_page = client.get("/items/CHK-1").get_data(as_text=True)
    heading = r'id="conflicts-heading">Conflicts <span class="count">(\d+)<'
    listed = int(re.search(heading, item_page)[1])
    assert "Over capacity" in item_page or "over capacity" in item_page
    title = re.search(rf'id="card-{plan.chk1.id}".*?<title>([^<]+)</title>', html)[1]
    assert f"; {listed} conflicts (1 of its team&#39;s capacity), worst critical" in title
    badge = re.search(
        rf'id="card-{plan.chk1.id}".*?class="rm-badge sev-critical">.*?>(\d+)</text>', html
    )
    assert int(badge[1]) == listed


def test_a_json_move_carries_the_redrawn_board_of_the_view_it_was_made_on(
    db, client, as_user, plan
):
    as_user("planner")
    response = move(client, plan.chk1, "2090 Q4", json=True, next_url="/roadmap?team=chk&periods=4")
    body = response.json
    assert set(body["fragments"]) == {"rm-board", "rm-summary", "rm-list"}
    board = body["fragments"]["rm-board"]
    assert 'id="rm-svg"' in board
    assert f'id="card-{plan.chk1.id}"' in board
    assert re.search(
        rf'data-key="CHK-1" data-version="{plan.chk1.version}"[^>]*data-start="3"', board
    )
    assert ">120%<" in board  # Checkout's bar in 2090 Q4: 12 of 10
    assert body["shown"] is True
    away = move(client, plan.chk2, "2090 Q1", team="pay", json=True, next_url="/roadmap?team=chk")
    assert away.json["shown"] is False
    assert away.json["where_url"] == f"/roadmap?team=pay&from=2090+Q1#card-{plan.chk2.id}"
    assert f'id="card-{plan.chk2.id}"' not in away.json["fragments"]["rm-board"]

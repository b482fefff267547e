"""A team's status page, the managers' view and the item timeline partial."""

import re
from datetime import timedelta
from types import SimpleNamespace

from flask import render_template_string
from status_helpers import add_update

from app.clock import utcnow
from app.weeks import iso_week, last_weeks, week_start


def this_week(db, item, **fields):
    """An update written a moment ago: in the current ISO week."""
    return add_update(db, item, at=utcnow() - timedelta(seconds=1), **fields)


# The team page


def test_the_team_page_shows_completeness_of_this_week(db, client, org, sign_in):
    this_week(db, org.pay1, note="on it")
    sign_in(org.users.viewer)
    page = client.get("/status/teams/pay").text
    assert "1 of 2 active items updated or confirmed in " + iso_week(utcnow()) in page
    assert '<meter min="0" max="2" value="1"' in page
    assert "<strong>50%</strong>" in page
    assert "Update this week" not in page, "a viewer only reads"


def test_the_team_page_has_a_health_grid_of_the_last_eight_weeks(db, client, org, sign_in):
    weeks = last_weeks(iso_week(utcnow()), 8)
    add_update(db, org.pay1, at=week_start(weeks[3]) + timedelta(hours=9), health="at_risk",
               note="Vendor late")  # fmt: skip
    add_update(db, org.pay1, at=week_start(weeks[3]) + timedelta(hours=10), health="off_track",
               note="Blocked on the contract")  # fmt: skip
    sign_in(org.users.pay_dev)
    page = client.get("/status/teams/pay").text
    assert [f"{w[5:]}" for w in weeks] == re.findall(r'class="wk-head"[^>]*>(W\d\d)<', page)
    row = page[page.index('<span class="key">PAY-1</span>') :].split("</tr>")[0]
    cells = re.findall(r'<td class="wk wk-(\w+)" title="([^"]*)"', row)
    assert len(cells) == 8
    assert cells[3] == ("off_track", f"{weeks[3]}: off track, in progress: Blocked on the contract")
    assert cells[0] == ("none", f"{weeks[0]}: no update")
    assert "✕" in row, "readable without colour"
    assert "Update this week" in page


def test_the_team_page_lists_only_active_items(client, org, sign_in):
    sign_in(org.users.viewer)
    page = client.get("/status/teams/pay").text
    assert "PAY-1" in page and "PAY-2" in page
    assert "PAY-3" not in page and "PAY-4" not in page
    assert "stale: 30 days without an update" in page


def test_a_team_with_nothing_active_says_so(client, org, sign_in, make_team):
    make_team("idle", name="Idle Team")
    sign_in(org.users.viewer)
    page = client.get("/status/teams/idle").text
    assert "Idle Team has no active items this week" in page
    assert client.get("/status/teams/nope").status_code == 404


def test_the_team_page_costs_a_constant_number_of_queries(
    db, client, org, sign_in, make_item, count_queries
):
    sign_in(org.users.viewer)
    with count_queries() as few:
        client.get("/status/teams/pay")
    for n in range(10):
        item = make_item(org.pay, status="in_progress", start=org.now_q)
        add_update(db, item, days_ago=n, note=f"note {n}")
    with count_queries() as many:
        page = client.get("/status/teams/pay").text
    assert page.count('class="key"') == 12
    assert many.n == few.n


# The managers' view


def test_the_overview_ranks_stale_items_of_silent_teams_by_what_needs_them(
    db, client, org, sign_in, make_item, make_dependency
):
    month_ago = utcnow() - timedelta(days=30)
    pay5 = make_item(org.pay, status="in_progress", start=org.now_q, created_at=month_ago)
    for priority in (0, 1):
        needer = make_item(org.chk, status="proposed", priority=priority, start=org.next_q)
        make_dependency(needer, pay5)
    this_week(db, org.chk1)
    sign_in(org.users.viewer)
    page = client.get("/status").text
    silent = page[page.index("Teams that have not updated this week") :]
    assert "Payments Platform" in silent
    stale = re.findall(r'<li><span class="key">([A-Z]+-\d+)</span>', silent)
    assert stale == ["PAY-5", "PAY-2"], "needed by P0 and P1 work first"
    assert "needed by 2 items, highest P0" in silent
    assert 'href="/status/teams/pay"' in silent
    summary = page[: page.index("Teams that have not updated this week")]
    assert "0 of 3 (0%)" in summary and "1 of 1 (100%)" in summary


def test_the_overview_names_teams_with_nothing_active(client, org, sign_in, make_team):
    make_team("idle", name="Idle Team")
    sign_in(org.users.viewer)
    page = client.get("/status").text
    assert "No active items this week: Idle Team." in page
    assert 'href="/status/teams/idle"' not in page


def test_a_partly_updated_team_is_listed_apart(db, client, org, sign_in):
    this_week(db, org.pay1)
    this_week(db, org.chk1)
    sign_in(org.users.viewer)
    page = client.get("/status").text
    assert "Every team with active items has updated at least one item this week." in page
    partial = page[page.index("Teams partly updated") :]
    assert "Payments Platform" in partial and "PAY-2" in partial


def test_the_overview_costs_a_constant_number_of_queries(
    db, client, org, sign_in, make_team, make_item, count_queries
):
    sign_in(org.users.viewer)
    with count_queries() as few:
        client.get("/status")
    for n in range(5):
        team = make_team(f"x{n}")
        this_week(db, make_item(team, status="in_progress", start=org.now_q), note=f"{n}")
    with count_queries() as many:
        page = client.get("/status").text
    assert page.count('href="/status/teams/x') == 5
    assert many.n == few.n


# The item page's timeline


TIMELINE = '{% include "status/_timeline.html" %}'


def test_the_timeline_draws_twelve_weeks_with_notes(db, app, org):
    weeks = last_weeks(iso_week(utcnow()), 12)
    old = add_update(db, org.pay1, at=week_start(weeks[0]) - timedelta(days=3), note="too old")
    risky = add_update(db, org.pay1, at=week_start(weeks[10]) + timedelta(hours=1),
                       health="at_risk", note="Vendor <late>", progress=60)  # fmt: skip
    newest_first = [risky, old]
    with app.test_request_context():
        html = render_template_string(TIMELINE, item=org.pay1, status_updates=newest_first)
    assert html.count("<rect") == 12
    assert f"<title>{weeks[10]}: at risk, in progress, 60%: Vendor &lt;late&gt;</title>" in html
    assert html.count(">!</text>") == 1 and html.count(">·</text>") == 11
    assert "Vendor &lt;late&gt;" in html.split("</svg>")[1], "the notes are listed too"
    assert "too old" not in html
    assert "style=" not in html


def test_the_timeline_of_an_item_without_updates(app, org):
    item = SimpleNamespace(key="PAY-9")
    with app.test_request_context():
        html = render_template_string(TIMELINE, item=item, status_updates=[])
    assert html.count("<rect") == 12
    assert "No status update yet." in html
    assert "No status update since" not in html, "one sentence for one fact"


def test_the_timeline_of_an_item_whose_updates_are_all_older(db, app, org):
    weeks = last_weeks(iso_week(utcnow()), 12)
    old = add_update(db, org.pay1, at=week_start(weeks[0]) - timedelta(days=3), note="too old")
    with app.test_request_context():
        html = render_template_string(TIMELINE, item=org.pay1, status_updates=[old])
    assert f"No status update since {weeks[0]}." in html
    assert "No status update yet." not in html

"""The leadership dashboard: its sections, its numbers and its weekly snapshot."""

import json
import re
from collections import Counter
from datetime import timedelta

from sqlalchemy import select
from web_helpers import count, decide, text_of

from app.alignment.text import type_label
from app.clock import utcnow
from app.dashboard.snapshots import take_snapshot
from app.models import AuditEvent, SnapshotItem, WeeklySnapshot
from app.plan_store import analyze_plan
from app.weeks import iso_week

TILE = re.compile(r'<span class="tile-n">(\d+)</span>\s*<span class="tile-label">([^<]+)</span>')
TYPE_TILE = re.compile(r'<span class="tile-n">(\d+)</span>\s*([A-Z][^<]+)</a>')


def tiles(response) -> dict[str, int]:
    html = response.get_data(as_text=True)
    found = {label.strip(): int(n) for n, label in TILE.findall(html)}
    glance = html[html.index('id="glance-h"') : html.index('id="trend-h"')]
    found.update({f"type:{label.strip()}": int(n) for n, label in TYPE_TILE.findall(glance)})
    return found


def test_a_viewer_sees_every_section(contended_plan, as_user):
    client, _viewer = as_user("viewer")
    response = client.get("/dashboard")
    assert response.status_code == 200
    text = text_of(response)
    html = response.get_data(as_text=True)
    q0, q1 = contended_plan.periods[0].name, contended_plan.periods[1].name
    assert f"1 team over capacity in {q0}" in text
    assert f"Data Platform in {q0}" in text
    assert "4 person-weeks would have to move" in text
    assert "Checkout P0 DATA-1 (8) 8" in text and "Mobile App P1 DATA-2 (6) 6" in text
    assert "PAY-1 Tokenised cards Payments Platform at risk 8 1 item (1 P0)" in text
    assert "PAY-1 Tokenised cards Payments Platform P3 P0 CHK-2 (P0) needs PAY-1 (P3)" in text
    assert "No risk has been accepted." in text
    assert f'href="/roadmap?team=data&amp;from={q0.replace(" ", "+")}&amp;periods=1"' in html
    assert 'href="/items/PAY-1"' in html
    assert "140%" in text and q1 in text
    assert 'role="img"' in html and '<title id="trend-title">' in html
    assert "Acknowledge" not in text


def test_the_tiles_agree_with_flask_conflicts(app, db, contended_plan, as_user):
    analysis = analyze_plan()
    accepted = analysis.conflicts[0]
    decide(db, accepted, "accepted", "we live with it", by="lead@example.com")
    db.session.flush()
    result = app.test_cli_runner().invoke(args=["conflicts", "--format", "json"])
    assert result.exit_code in (0, 3), result.output
    rows = json.loads(result.output)
    unaccepted = [r for r in rows if r["state"] != "accepted"]

    client, _viewer = as_user("viewer")
    found = tiles(client.get("/dashboard"))
    assert found["open conflicts"] == len(unaccepted)
    severities = Counter(r["severity"] for r in unaccepted)
    for severity in ("critical", "high", "medium", "low"):
        assert found[severity] == severities[severity], severity
    assert found["accepted risk"] == len(rows) - len(unaccepted) == 1
    assert found["stale item"] == sum(r["type"] == "stale_status" for r in unaccepted) == 1
    types = Counter(r["type"] for r in unaccepted)
    assert {k: v for k, v in found.items() if k.startswith("type:")} == {
        f"type:{type_label(t)}": n for t, n in types.items()
    }
    text = text_of(client.get("/dashboard"))
    assert "we live with it" in text and "lead@example.com" in text


def test_viewing_the_dashboard_writes_nothing_and_says_the_week_has_no_snapshot(
    db, contended_plan, as_user, app
):
    client, _viewer = as_user("viewer")
    audit_before = count(db, AuditEvent)
    text = text_of(client.get("/dashboard"))
    assert count(db, WeeklySnapshot) == 0 and count(db, AuditEvent) == audit_before
    week = iso_week(utcnow())
    assert f"This week ({week}) has no snapshot yet" in text
    result = app.test_cli_runner().invoke(args=["snapshot"])
    assert result.exit_code == 0, result.output
    snapshot = db.session.scalars(select(WeeklySnapshot)).one()
    assert snapshot.week == week
    assert snapshot.counts["open"] == analyze_plan().counts().open
    assert count(db, SnapshotItem) == 7
    assert "has no snapshot yet" not in text_of(client.get("/dashboard"))


def test_the_trend_shows_stored_weeks_and_what_was_resolved_since(db, contended_plan, as_user):
    now = utcnow()
    last_week = iso_week(now - timedelta(days=7))
    analysis = analyze_plan(now)
    take_snapshot(analysis, last_week, now - timedelta(days=7))
    stored = db.session.scalars(select(WeeklySnapshot)).one()
    stored.counts = {**stored.counts, "by_severity": {"critical": 9, "high": 0}}
    stored.fingerprints = [*stored.fingerprints, "0123456789abcdef", "fedcba9876543210"]

    client, _viewer = as_user("viewer")
    text = text_of(client.get("/dashboard"))
    assert f"{last_week} 9 0 0 0 9 —" in text
    live = analysis.counts().by_severity
    this_week = " ".join(str(live[s]) for s in ("critical", "high", "medium", "low"))
    assert f"{iso_week(now)} (now) {this_week} {analysis.counts().open} 2" in text
    assert "2 conflicts of last snapshot are gone this week" in text


def test_the_print_view(contended_plan, as_user):
    client, _viewer = as_user("viewer")
    html = client.get("/dashboard?print=1").get_data(as_text=True)
    assert 'class="dash print-view"' in html
    assert 'src="/static/js/print.js"' in html
    assert 'aria-label="Dashboard"' not in html
    assert 'id="heat-title"' in html


def test_an_empty_plan(db, as_user):
    client, _viewer = as_user("viewer")
    response = client.get("/dashboard")
    assert response.status_code == 200
    text = text_of(response)
    assert "No open conflicts: the plan holds together." in text
    assert "No teams or no current or upcoming periods yet." in text


def test_the_dashboard_reads_a_fixed_number_of_rows_whatever_the_plan(
    db, contended_plan, as_user, make_team, make_item, make_dependency, count_queries
):
    client, _viewer = as_user("viewer")
    client.get("/dashboard")
    with count_queries() as small:
        client.get("/dashboard")
    for n in range(12):
        team = make_team(f"x{n}", kind="product" if n % 2 else "platform", default_capacity=1)
        item = make_item(team, start=contended_plan.periods[n % 3], estimate=3, health="off_track")
        make_dependency(make_item(team, priority=0, start=contended_plan.periods[3]), item)
    analysis = analyze_plan()
    for conflict in analysis.conflicts[:5]:
        decide(db, conflict, "accepted", "fine")
    with count_queries() as large:
        response = client.get("/dashboard")
    assert "fine" in text_of(response)
    assert large.n == small.n

"""The weekly digest: the page, its markdown and text, and `flask digest`."""

from datetime import timedelta

import pytest
from status_helpers import add_update

from app.clock import utcnow
from app.models import WeeklySnapshot
from app.plan_store import analyze_plan
from app.weeks import iso_week, shift_week, week_start

THIS_WEEK = iso_week(utcnow())
PAST = shift_week(THIS_WEEK, -3)


def at(week, **offset):
    return week_start(week) + timedelta(**offset)


@pytest.fixture
def cli(app, db):
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=["digest", *args])


def snapshot(db, week, conflicts):
    db.session.add(WeeklySnapshot(week=week, taken_at=at(week, hours=6), conflicts=conflicts))
    db.session.flush()


def entry(fingerprint, message, teams=("pay",), severity="high", type_="over_capacity"):
    return {
        "fingerprint": fingerprint,
        "type": type_,
        "severity": severity,
        "state": "open",
        "items": [],
        "teams": list(teams),
        "period": None,
        "message": message,
    }


def test_health_changes_of_the_week_with_their_notes(db, client, org, sign_in):
    add_update(db, org.pay1, at=at(PAST, days=-2), health="on_track")
    add_update(db, org.pay1, at=at(PAST, days=1), health="off_track", note="early blip")
    add_update(db, org.pay1, at=at(PAST, days=2), health="at_risk", note="Vendor *late*",
               author="pay.dev@example.com")  # fmt: skip
    add_update(db, org.chk1, at=at(PAST, days=1), health="on_track", note="fine")
    sign_in(org.users.viewer)
    page = client.get(f"/status/digest?week={PAST}").text
    assert "Health changed" in page
    assert "PAY-1 Item 1: on track → at risk (by pay.dev@example.com): “Vendor *late*”" in page, (
        "from the newest update before the week to the newest in it"
    )
    assert "CHK-1" not in page.split("Needs a decision")[0], "no change"
    markdown = client.get(f"/status/digest?week={PAST}&format=markdown").text
    assert "“Vendor \\*late\\*”" in markdown, "people's text cannot make markup"
    assert "## Payments Platform (pay)" in markdown


def test_a_first_update_is_a_change_only_when_not_on_track(db, client, org, sign_in):
    add_update(db, org.pay2, at=at(PAST, days=1), health="at_risk", note="new risk")
    sign_in(org.users.viewer)
    assert "first update: at risk" in client.get(f"/status/digest?week={PAST}").text


def test_items_that_became_stale_in_the_week(db, client, org, sign_in, make_item):
    quiet = make_item(org.pay, status="in_progress", start=org.now_q, key="PAY-7",
                      created_at=at(PAST, days=-30))  # fmt: skip
    add_update(db, quiet, at=at(PAST, days=-7, hours=12))
    add_update(db, quiet, at=at(PAST, days=20), note="written later: not yet known then")
    sign_in(org.users.viewer)
    page = client.get(f"/status/digest?week={PAST}").text
    assert "Became stale" in page and "PAY-7 &#39;Item" in page
    later = client.get(f"/status/digest?week={shift_week(PAST, 1)}").text
    assert "PAY-7 &#39;Item" not in later.split("Needs a decision")[0], "already stale then"


def test_new_and_resolved_conflicts_since_the_previous_weeks_snapshot(db, client, org, sign_in):
    current = [c.to_dict() for c in analyze_plan().conflicts]
    stale_pay2 = next(c for c in current if c["type"] == "stale_status" and "PAY-2" in c["items"])
    kept = [c for c in current if c is not stale_pay2]
    gone = entry("f" * 16, "Payments Platform was over capacity last week.")
    snapshot(db, shift_week(THIS_WEEK, -1), [*kept, gone])
    sign_in(org.users.viewer)
    page = client.get("/status/digest").text
    new = page[page.index("New conflicts") : page.index("Resolved conflicts")]
    assert "stale status" in new and "PAY-2" in new
    resolved = page[page.index("Resolved conflicts") :]
    assert "Payments Platform was over capacity last week." in resolved
    assert f"compared with {shift_week(THIS_WEEK, -1)}" in page


def test_without_a_snapshot_of_the_previous_week_nothing_is_called_new(db, client, org, sign_in):
    snapshot(db, shift_week(THIS_WEEK, -2), [entry("e" * 16, "Two weeks ago")])
    sign_in(org.users.viewer)
    page = client.get("/status/digest").text
    assert f"No snapshot of the previous week ({shift_week(THIS_WEEK, -1)}) to compare with" in page
    assert "New conflicts" not in page and "Resolved conflicts" not in page


def test_a_past_week_uses_its_own_snapshot(db, client, org, sign_in):
    snapshot(db, PAST, [entry("a" * 16, "Then: Checkout was over capacity.", teams=("chk",))])
    snapshot(db, shift_week(PAST, -1), [])
    sign_in(org.users.viewer)
    page = client.get(f"/status/digest?week={PAST}").text
    assert f"Conflicts: the snapshot of {PAST}, taken" in page
    assert "Then: Checkout was over capacity." in page.split("Resolved")[0]


def test_needs_a_decision_lists_each_open_conflict_once_under_its_holder(
    db, client, org, sign_in, make_item, make_dependency
):
    chk2 = make_item(org.chk, status="committed", priority=1, start=org.now_q, key="CHK-2")
    make_dependency(chk2, org.pay2, commitment="requested")
    sign_in(org.users.viewer)
    markdown = client.get("/status/digest?format=markdown").text
    pay = markdown[markdown.index("## Payments Platform") :]
    assert "uncommitted dependency: CHK-2" in pay
    assert markdown.count("uncommitted dependency: CHK-2") == 1


def test_formats_and_refusals(db, client, org, sign_in):
    sign_in(org.users.viewer)
    markdown = client.get("/status/digest?format=markdown")
    assert markdown.mimetype == "text/markdown"
    assert markdown.text.startswith(f"# Weekly digest {THIS_WEEK}\n")
    text = client.get("/status/digest?format=text")
    assert text.mimetype == "text/plain"
    assert text.text.startswith(f"Weekly digest {THIS_WEEK}\n=====")
    page = client.get("/status/digest").text
    assert "<textarea" in page and f"# Weekly digest {THIS_WEEK}" in page
    bad = client.get("/status/digest?week=2027-W60")
    assert bad.status_code == 400 and "is not an ISO week" in bad.text
    assert client.get("/status/digest?week=nope&format=text").status_code == 400
    future = client.get(f"/status/digest?week={shift_week(THIS_WEEK, 1)}")
    assert future.status_code == 400 and "has not begun yet" in future.text
    assert client.get("/status/digest?format=pdf").status_code == 400


def test_the_command_prints_the_digest(db, org, cli):
    result = cli()
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"# Weekly digest {THIS_WEEK}\n")
    result = cli("--week", PAST, "--format", "text")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Weekly digest {PAST}\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--week", "2027-5"], "Error: --week: '2027-5' is not an ISO week: write it like"),
        (["--week", "2027-W54"], "Error: --week: '2027-W54' is not an ISO week"),
        (["--week", shift_week(THIS_WEEK, 2)], "Error: --week: " + shift_week(THIS_WEEK, 2)),
        (["--format", "html"], "Invalid value for '--format'"),
    ],
)
def test_the_command_refuses_bad_arguments_with_exit_2(db, org, cli, args, message):
    result = cli(*args)
    assert result.exit_code == 2
    assert message in result.stderr

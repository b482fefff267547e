"""The pure parts of weekly status: the rules of an update, which items a team
reports on, the health cells of a timeline, and the digest's build and text."""

from dataclasses import replace
from datetime import datetime
from types import SimpleNamespace

import pytest

from app.alignment import Item
from app.status.board import key_order, on_week_list
from app.status.digest import (
    ConflictLine,
    HealthChange,
    StaleItem,
    build_digest,
    to_markdown,
    to_text,
)
from app.status.operations import RowInput, row_problems, transition_problem
from app.status.timeline import week_cells

ROW = RowInput(
    key="PAY-1",
    health="on_track",
    status="in_progress",
    progress=40,
    note="",
    no_change=False,
    last_update_id=7,
    was_health="on_track",
    was_status="in_progress",
    was_progress=40,
)


# The rules of an update


def test_an_untouched_row_is_neither_changed_nor_chosen():
    assert not ROW.changed and not ROW.chosen
    assert replace(ROW, no_change=True).chosen
    assert replace(ROW, note="news").changed
    assert replace(ROW, progress=None).changed
    assert replace(ROW, health="at_risk").chosen


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, set()),
        ({"status": "done", "progress": 100}, set()),
        ({"status": "done", "progress": None}, set()),
        ({"status": "done", "health": "off_track", "progress": 100}, {"health"}),
        ({"status": "done", "health": "at_risk", "progress": 90}, {"health", "progress"}),
        ({"status": "cancelled"}, {"note"}),
        ({"status": "cancelled", "note": "dropped"}, set()),
        ({"progress": 101}, {"progress"}),
        ({"progress": -1}, {"progress"}),
        ({"note": "x" * 500}, set()),
        ({"note": "x" * 501}, {"note"}),
        ({"status": "committed"}, {"status"}),
        ({"health": "green"}, {"health"}),
        ({"status": "paused"}, {"status"}),
    ],
)
def test_row_problems(changes, expected):
    assert set(row_problems(replace(ROW, **changes))) == expected


@pytest.mark.parametrize(
    ("was", "now", "allowed"),
    [
        ("proposed", "committed", True),
        ("proposed", "in_progress", True),
        ("committed", "done", True),
        ("in_progress", "done", True),
        ("in_progress", "cancelled", True),
        ("proposed", "cancelled", True),
        ("committed", "committed", True),
        ("in_progress", "committed", False),
        ("committed", "proposed", False),
        ("done", "in_progress", False),
        ("done", "cancelled", False),
        ("cancelled", "proposed", False),
    ],
)
def test_updates_move_items_forward_only(was, now, allowed):
    assert (transition_problem(was, now) is None) == allowed


# Which items a team reports on


def plan_item(status, start=None, end=None):
    return Item(1, "PAY-1", 1, "t", 2, start, end, None, status, "on_track", datetime(2027, 1, 1))


@pytest.mark.parametrize(
    ("status", "start", "end", "listed"),
    [
        ("in_progress", None, None, True),
        ("in_progress", 3, 3, True),
        ("committed", 1, 1, True),
        ("proposed", 0, 2, True),
        ("committed", 2, 3, False),
        ("committed", None, None, False),
        ("proposed", 0, 0, False),
        ("done", 1, 1, False),
        ("cancelled", 1, 1, False),
    ],
)
def test_the_weekly_list_is_work_in_progress_or_planned_for_now(status, start, end, listed):
    assert on_week_list(plan_item(status, start, end), current_period=1) is listed


def test_nothing_is_planned_for_now_without_a_current_period():
    assert not on_week_list(plan_item("committed", 0, 5), current_period=None)
    assert on_week_list(plan_item("in_progress"), current_period=None)


def test_keys_sort_by_number():
    assert sorted(["PAY-10", "PAY-2", "CHK-1", "PAY-1"], key=key_order) == [
        "CHK-1",
        "PAY-1",
        "PAY-2",
        "PAY-10",
    ]


# Timeline cells


def update(week, health, at, note=""):
    return SimpleNamespace(
        week=week, health=health, status="in_progress", progress=None, note=note, author=None,
        at=datetime(2027, 1, 1, at),
    )  # fmt: skip


def test_a_week_shows_its_newest_update_and_a_silent_week_a_gap():
    cells = week_cells(
        [update("2027-W02", "at_risk", 10, "late"), update("2027-W02", "on_track", 9)],
        ["2027-W01", "2027-W02"],
    )
    assert [(c.week, c.health, c.mark) for c in cells] == [
        ("2027-W01", None, "·"),
        ("2027-W02", "at_risk", "!"),
    ]
    assert cells[1].text == "2027-W02: at risk, in progress: late"


# The digest


def conflict(fingerprint, teams, severity="medium", type_="over_capacity", state="open"):
    message = f"conflict {fingerprint}"
    return ConflictLine(fingerprint, type_, severity, state, tuple(teams), message)


TEAMS = [(1, "pay", "Payments Platform"), (2, "chk", "Checkout"), (3, "gw", "API Gateway")]


def digest(conflicts, previous):
    return build_digest(
        week="2027-W05",
        previous_week="2027-W04",
        generated_at=datetime(2027, 2, 3, 9, 30),
        teams=TEAMS,
        health_changes=[HealthChange(1, "PAY-1", "Cards API", "on_track", "at_risk", "late", None)],
        became_stale=[StaleItem(2, "CHK-1", "CHK-1 is stale.")],
        conflicts=conflicts,
        conflicts_from="the plan as it is now",
        previous=previous,
    )


def test_new_and_resolved_conflicts_go_to_every_team_they_involve():
    result = digest(
        [conflict("a", ["pay", "chk"]), conflict("b", ["pay"])],
        [conflict("b", ["pay"]), conflict("c", ["chk", "gw"])],
    )
    pay, chk, gw = (next(t for t in result.teams if t.slug == s) for s in ("pay", "chk", "gw"))
    assert [c.fingerprint for c in pay.new_conflicts] == ["a"]
    assert [c.fingerprint for c in chk.new_conflicts] == ["a"]
    assert [c.fingerprint for c in chk.resolved_conflicts] == ["c"]
    assert [c.fingerprint for c in gw.resolved_conflicts] == ["c"]
    assert not pay.resolved_conflicts


def test_without_the_previous_snapshot_nothing_is_new_or_resolved():
    result = digest([conflict("a", ["pay"])], None)
    assert not any(t.new_conflicts or t.resolved_conflicts for t in result.teams)
    assert "No snapshot of the previous week (2027-W04) to compare with" in to_markdown(result)


def test_decisions_are_open_serious_or_uncommitted_and_listed_once_under_their_holder():
    result = digest(
        [
            conflict("a", ["chk", "pay"], "high", "schedule_violation"),
            conflict("b", ["chk", "pay"], "low", "uncommitted_dependency"),
            conflict("c", ["pay"], "critical", state="accepted"),
            conflict("d", ["gw"], "medium"),
        ],
        [],
    )
    decisions = {t.slug: [c.fingerprint for c in t.needs_decision] for t in result.teams}
    assert decisions == {"chk": ["a"], "pay": ["b"], "gw": []}


def test_markdown_and_text_say_the_same_thing():
    result = digest([conflict("a", ["pay"], "high")], [])
    markdown, text = to_markdown(result), to_text(result)
    assert markdown.splitlines()[0] == "# Weekly digest 2027-W05"
    assert "## Payments Platform (pay)" in markdown
    assert "**Health changed**\n- PAY-1 Cards API: on track → at risk: “late”" in markdown
    assert "- [high] over capacity: conflict a" in markdown
    assert "Nothing to report: API Gateway." in markdown
    assert text.splitlines()[:2] == ["Weekly digest 2027-W05", "======================"]
    assert "Health changed:\n  - PAY-1 Cards API: on track → at risk: “late”" in text
    assert "*" not in text and "#" not in text


def test_lists_are_capped():
    many = [conflict(str(n), ["pay"], "high") for n in range(12)]
    markdown = to_markdown(digest(many, None))
    assert "- and 4 more" in markdown

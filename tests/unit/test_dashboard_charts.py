"""Chart geometry, weekly snapshot helpers and the conflict list's selection."""

from datetime import datetime

import pytest

from app.alignment import Conflict, Decision, Team, select_conflicts
from app.dashboard.charts import heat_chart, nice_ceiling, spread, ticks, trend_chart
from app.dashboard.listing import PER_PAGE, page_of, to_csv
from app.dashboard.sections import HeatCell, HeatMap
from app.dashboard.snapshots import TrendWeek, conflict_counts, resolved_between


@pytest.mark.parametrize(
    ("value", "expected"), [(0, 1), (1, 1), (3, 5), (7, 10), (11, 20), (45, 50), (100, 100)]
)
def test_nice_ceiling(value, expected):
    assert nice_ceiling(value) == expected


def test_ticks_and_label_spreading():
    assert ticks(20) == [0, 5, 10, 15, 20]
    assert ticks(1) == [0, 1]
    assert spread([10, 12, 40], 14) == [10, 24, 40]
    assert spread([30, 10], 14) == [30, 10]


def week(name, by_severity=None, resolved=None, live=False):
    return TrendWeek(name, by_severity, resolved, live)


def sev(critical=0, high=0, medium=0, low=0):
    return {"critical": critical, "high": high, "medium": medium, "low": low}


def test_the_trend_breaks_its_lines_at_weeks_without_a_snapshot():
    weeks = [
        week("2027-W01", sev(2, 4), None),
        week("2027-W02"),
        week("2027-W03", sev(1, 8), 3),
        week("2027-W04", sev(0, 6), 2, live=True),
    ]
    chart = trend_chart(weeks)
    critical = next(s for s in chart.series if s.severity == "critical")
    assert len(critical.segments) == 2
    assert [p.value for p in critical.points] == [2, 1, 0]
    assert critical.last == 0 and critical.marker == "circle"
    high = next(s for s in chart.series if s.severity == "high")
    top = min(p.y for p in high.points)
    assert top == next(p.y for p in high.points if p.value == 8)
    assert [b.value for b in chart.bars] == [3, 2]
    assert [label for _x, label in chart.axis.x_labels] == ["W01", "W02", "W03", "W04"]
    label_ys = sorted(s.label_y for s in chart.series)
    assert all(b - a >= 14 for a, b in zip(label_ys, label_ys[1:], strict=False))


def test_a_trend_of_one_week_has_no_bars_without_an_earlier_snapshot():
    chart = trend_chart([week("2027-W04", sev(1), None, live=True)])
    assert chart.bars == []
    assert all(len(s.points) == 1 for s in chart.series)


def test_the_heat_chart_groups_teams_and_describes_every_cell():
    pay = Team(1, "pay", "Payments", "platform", 10)
    chk = Team(2, "chk", "Checkout", "product")
    ops = Team(3, "ops", "Ops", "platform", 0)
    heat = HeatMap(
        ["2027 Q1"],
        [
            (pay, [HeatCell(pay, "2027 Q1", 10, 12, 1.2, 5)]),
            (ops, [HeatCell(ops, "2027 Q1", 0, 3, None, 7)]),
            (chk, [HeatCell(chk, "2027 Q1", None, 4, None, 0)]),
        ],
    )
    chart = heat_chart(heat)
    assert [label for _y, label in chart.groups] == ["Platform teams", "Product teams"]
    assert [(c.text, c.over) for c in chart.cells] == [("120%", True), ("over", True), ("—", False)]
    assert chart.cells[0].title == "Payments, 2027 Q1: 120% of capacity (12 of 10 person-weeks)"
    assert "no capacity set" in chart.cells[2].title
    assert chart.height > chart.cells[-1].y


def conflict(fingerprint, severity="high", state="open", teams=("pay",), type_="over_capacity"):
    decision = None
    if state != "open":
        decision = Decision(fingerprint, state, "=SUM(A1)", "ana@example.com", datetime(2027, 1, 4))
    return Conflict(
        type_,
        severity,
        ["PAY-1"],
        list(teams),
        "2027 Q1",
        "msg",
        ["-do this"],
        fingerprint,
        state,
        decision,
    )


def test_snapshot_counts_leave_accepted_risks_out_of_open_and_by_team():
    conflicts = [
        conflict("a", "critical", teams=("pay", "chk")),
        conflict("b", "low", "acknowledged"),
        conflict("c", "high", "accepted"),
    ]
    counts = conflict_counts(conflicts, previous=["a", "x", "y"])
    assert (counts["open"], counts["accepted"], counts["acknowledged"]) == (2, 1, 1)
    assert counts["by_severity"] == {"critical": 1, "high": 0, "medium": 0, "low": 1}
    assert counts["by_team"]["chk"] == {"critical": 1, "high": 0, "medium": 0, "low": 0}
    assert counts["by_team"]["pay"]["low"] == 1
    assert counts["resolved"] == 2
    assert resolved_between(None, ["a"]) is None


def test_selection_by_filters_and_paging():
    conflicts = [
        conflict("a", "critical"),
        conflict("b", "high", "acknowledged", teams=("chk",)),
        conflict("c", "high", "accepted", type_="stale_status"),
    ]
    assert [c.fingerprint for c in select_conflicts(conflicts, severity="high")] == ["b", "c"]
    assert [c.fingerprint for c in select_conflicts(conflicts, state="unaccepted")] == ["a", "b"]
    assert [c.fingerprint for c in select_conflicts(conflicts, state="open")] == ["a"]
    assert [c.fingerprint for c in select_conflicts(conflicts, team="chk")] == ["b"]
    assert [c.fingerprint for c in select_conflicts(conflicts, type="stale_status")] == ["c"]
    assert select_conflicts(conflicts, period="2027 Q2") == []
    many = [conflict(str(n)) for n in range(PER_PAGE + 5)]
    last = page_of(many, 99)
    assert (last.number, last.pages, len(last.rows), last.first, last.last) == (
        2,
        2,
        5,
        PER_PAGE + 1,
        PER_PAGE + 5,
    )
    assert page_of([], None).first == 0


def test_csv_keeps_spreadsheet_formulas_out():
    lines = to_csv([conflict("c", state="accepted")]).splitlines()
    assert lines[0].startswith("type,severity,items,teams,period,message,suggestions,fingerprint")
    assert "'-do this" in lines[1]
    assert "'=SUM(A1)" in lines[1]
    assert "ana@example.com,2027-01-04T00:00:00" in lines[1]

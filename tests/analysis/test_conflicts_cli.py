"""End to end: `flask plan import` of a small plan, then `flask conflicts`."""

import csv
import io
import json
from pathlib import Path

import pytest

from app.models import ConflictDecision

PLAN = Path(__file__).with_name("small_plan.json")


@pytest.fixture
def cli(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["plan", "import", str(PLAN)])
    assert result.exit_code == 0, result.output

    def run(*args):
        return runner.invoke(args=["conflicts", *args])

    return run


def test_json_report_field_by_field(cli):
    result = cli("--format", "json", "--as-of", "2027-01-15")
    assert result.exit_code == 3  # open critical conflicts remain
    conflicts = json.loads(result.output)
    assert [c["type"] for c in conflicts] == [
        "priority_inversion",
        "schedule_violation",
        "uncommitted_dependency",
    ]
    for conflict in conflicts:
        assert set(conflict) >= {
            "type", "severity", "items", "teams", "period", "message", "suggestions",
            "fingerprint", "state",
        }  # fmt: skip
        assert conflict["state"] == "open"
        assert len(conflict["fingerprint"]) == 16
        assert conflict["suggestions"]

    inversion, violation, uncommitted = conflicts
    assert inversion["severity"] == "critical"
    assert inversion["items"] == ["PAY-1", "CHK-3"]
    assert inversion["teams"] == ["pay", "chk"]
    assert inversion["period"] is None
    assert "is P3" in inversion["message"] and "effective priority is P0" in inversion["message"]
    assert inversion["suggestions"][0].startswith("Raise PAY-1 to P0")

    assert violation["severity"] == "critical"
    assert violation["items"] == ["CHK-3", "PAY-1"]
    assert violation["teams"] == ["chk", "pay"]
    assert violation["period"] == "2027 Q2"
    assert "finish PAY-1 in 2027 Q3, 1 period late" in violation["message"]
    # PAY-1 (8 person-weeks over two periods) fits in Q1-Q2 of a 10 person-week team
    assert any("Pull PAY-1 into 2027 Q1" in s for s in violation["suggestions"])

    assert uncommitted["severity"] == "high"
    assert uncommitted["items"] == ["CHK-3", "PAY-1"]
    assert "has not committed to PAY-1" in uncommitted["message"]


def test_as_of_sets_the_moment_for_staleness(cli):
    before = json.loads(cli("--format", "json", "--as-of", "2027-01-15").output)
    after = json.loads(cli("--format", "json", "--as-of", "2027-05-01").output)
    assert "stale_status" not in {c["type"] for c in before}
    stale = [c for c in after if c["type"] == "stale_status"]
    # both items are committed with a start period that has begun, and never updated
    assert sorted(c["items"][0] for c in stale) == ["CHK-3", "PAY-1"]


def test_filters(cli):
    by_severity = json.loads(cli("--format", "json", "--severity", "critical").output)
    assert {c["severity"] for c in by_severity} == {"critical"}
    by_period = json.loads(cli("--format", "json", "--period", "2027 Q2").output)
    assert by_period and {c["period"] for c in by_period} == {"2027 Q2"}
    quiet = cli("--format", "json", "--period", "2027 Q3", "--as-of", "2027-01-15")
    assert quiet.exit_code == 0
    assert json.loads(quiet.output) == []
    by_team = json.loads(cli("--format", "json", "--team", "chk").output)
    assert by_team and all("chk" in c["teams"] for c in by_team)


def test_accepted_risks_do_not_hold_the_exit_code(cli, db):
    critical = [
        c for c in json.loads(cli("--format", "json", "--as-of", "2027-01-15").output)
        if c["severity"] == "critical"
    ]  # fmt: skip
    for conflict in critical:
        db.session.add(
            ConflictDecision(
                fingerprint=conflict["fingerprint"],
                conflict_type=conflict["type"],
                state="accepted",
                note="Leadership accepts this for Q2",
            )
        )
    db.session.flush()
    result = cli("--format", "json", "--as-of", "2027-01-15")
    assert result.exit_code == 0
    states = {c["fingerprint"]: c["state"] for c in json.loads(result.output)}
    assert all(states[c["fingerprint"]] == "accepted" for c in critical)


def test_csv_and_table_formats(cli):
    rows = list(csv.DictReader(io.StringIO(cli("--format", "csv", "--as-of", "2027-01-15").output)))
    assert [r["type"] for r in rows] == [
        "priority_inversion",
        "schedule_violation",
        "uncommitted_dependency",
    ]
    assert rows[1]["items"] == "CHK-3; PAY-1"
    table = cli("--as-of", "2027-01-15").output
    assert table.startswith("CRITICAL (2)")
    assert "HIGH (1)" in table
    assert "-> Raise PAY-1 to P0" in table


@pytest.mark.parametrize(
    ("args", "complaint"),
    [
        (["--as-of", "2027-13-01"], "--as-of"),
        (["--team", "nope"], 'unknown team "nope"'),
        (["--period", "2031 Q9"], 'unknown period "2031 Q9"'),
        (["--severity", "urgent"], "--severity"),
        (["--format", "xml"], "--format"),
    ],
)
def test_bad_arguments_exit_2(cli, args, complaint):
    result = cli(*args)
    assert result.exit_code == 2
    assert complaint in result.output

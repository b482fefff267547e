"""The conflicts CSV (`flask conflicts --format csv` and the list's download) lets
no cell start a spreadsheet formula, whatever column the text lands in."""

import csv
import io
import json
from pathlib import Path

import pytest

from app.models import ConflictDecision
from app.plan_io import import_plan
from app.plan_store import analyze_plan

PLAN = Path(__file__).with_name("small_plan.json")
FORMULA_STARTS = ["=", "+", "-", "@", "\t", "\r"]


def plan_with_period_named(name: str) -> dict:
    """The small plan, its 2027 Q2 (where the schedule violation is) renamed."""
    text = PLAN.read_text(encoding="utf-8").replace('"2027 Q2"', json.dumps(name))
    return json.loads(text)


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_the_cli_csv_guards_the_period(app, db, start):
    name = f"{start}HYPERLINK(1)"
    import_plan(plan_with_period_named(name))
    result = app.test_cli_runner().invoke(
        args=["conflicts", "--format", "csv", "--as-of", "2027-01-15"]
    )
    assert result.exit_code == 3, result.output
    periods = {row["period"] for row in rows_of(result.stdout)}
    assert "'" + name in periods
    assert name not in periods


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_the_download_guards_the_period_and_the_decision_author(db, as_user, start):
    period = f"{start}cmd|' /C calc'!A0"
    author = f"{start}SUM(A1:A9)"
    import_plan(plan_with_period_named(period))
    violation = next(c for c in analyze_plan().conflicts if c.type == "schedule_violation")
    db.session.add(
        ConflictDecision(
            fingerprint=violation.fingerprint,
            conflict_type=violation.type,
            state="acknowledged",
            note=f"{start}note",
            by=author,
        )
    )
    db.session.flush()
    client, _viewer = as_user("viewer")

    response = client.get("/conflicts?type=schedule_violation&format=csv")
    assert response.status_code == 200
    [row] = rows_of(response.get_data(as_text=True))
    assert row["period"] == "'" + period
    assert row["decision_by"] == "'" + author
    assert row["decision_note"] == f"'{start}note"
    for column, cell in row.items():
        assert not cell.startswith(tuple(FORMULA_STARTS)), column

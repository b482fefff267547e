"""flask plan import / export."""

import json

import pytest
from sqlalchemy import func, select

from app.models import Item, Team
from app.plan_io import export_plan


@pytest.fixture
def runner(app, db):
    return app.test_cli_runner()


def _items(db):
    return db.session.scalar(select(func.count()).select_from(Item))


def _write(tmp_path, doc, name="plan.json"):
    path = tmp_path / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return str(path)


def test_import_a_file(runner, db, plan, tmp_path):
    result = runner.invoke(args=["plan", "import", _write(tmp_path, plan)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Imported 2 periods, 2 teams, 3 items, 2 dependencies")
    assert _items(db) == 3


def test_import_from_standard_input(runner, db, plan):
    result = runner.invoke(args=["plan", "import", "-"], input=json.dumps(plan))
    assert result.exit_code == 0, result.output
    assert _items(db) == 3


def test_problems_go_to_stderr_with_exit_code_2(runner, db, plan, tmp_path):
    plan["items"][1]["team"] = "pyy"
    plan["items"][2]["priority"] = "P5"
    result = runner.invoke(args=["plan", "import", _write(tmp_path, plan)])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        'items[1].team: unknown team "pyy"',
        'items[2].priority: "P5" is not one of P0, P1, P2, P3',
    ]
    assert result.stdout == ""
    assert _items(db) == 0


def test_a_missing_file(runner, db, tmp_path):
    missing = str(tmp_path / "nope.json")
    result = runner.invoke(args=["plan", "import", missing])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{missing}: cannot read the file")


def test_invalid_json(runner, db, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"format": "roadmap-plan/1",\n "periods": [}', encoding="utf-8")
    result = runner.invoke(args=["plan", "import", str(path)])
    assert result.exit_code == 2
    assert "not valid JSON" in result.stderr and "line 2" in result.stderr


def test_nan_is_not_json(runner, db):
    result = runner.invoke(args=["plan", "import", "-"], input='{"estimate": NaN}')
    assert result.exit_code == 2
    assert result.stderr.startswith("<stdin>: not valid JSON")


def test_a_second_import_needs_replace(runner, db, plan, tmp_path):
    path = _write(tmp_path, plan)
    assert runner.invoke(args=["plan", "import", path]).exit_code == 0
    refused = runner.invoke(args=["plan", "import", path])
    assert refused.exit_code == 2
    assert refused.stderr.startswith("$: the database already holds a plan")

    plan["teams"][1]["name"] = "Checkout and Payments UX"
    replaced = runner.invoke(args=["plan", "import", _write(tmp_path, plan), "--replace"])
    assert replaced.exit_code == 0, replaced.output
    assert "replacing the previous plan" in replaced.stdout
    assert db.session.scalar(select(Team.name).where(Team.slug == "chk")) == (
        "Checkout and Payments UX"
    )
    assert _items(db) == 3


def test_export_to_stdout_and_to_a_file(runner, db, plan, tmp_path):
    runner.invoke(args=["plan", "import", _write(tmp_path, plan)])
    result = runner.invoke(args=["plan", "export"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == export_plan()

    target = tmp_path / "out.json"
    result = runner.invoke(args=["plan", "export", str(target)])
    assert result.exit_code == 0
    assert "Exported 3 items, 2 dependencies and 2 status updates" in result.stdout
    assert json.loads(target.read_text(encoding="utf-8")) == export_plan()


def test_export_to_an_unwritable_place(runner, db, tmp_path):
    result = runner.invoke(args=["plan", "export", str(tmp_path / "no" / "such" / "dir.json")])
    assert result.exit_code == 2
    assert "cannot write the file" in result.stderr

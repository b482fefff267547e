"""flask seed scale: a deterministic, acyclic synthetic organisation."""

from datetime import date

from sqlalchemy import func, select

from app.models import Dependency, Item, Team
from app.plan_io import import_plan, validate_plan
from app.seed.scale import build_scale_plan

DAY = date(2027, 3, 3)


def test_same_seed_same_plan():
    assert build_scale_plan(500, 7, today=DAY) == build_scale_plan(500, 7, today=DAY)
    assert build_scale_plan(500, 7, today=DAY) != build_scale_plan(500, 8, today=DAY)


def test_the_shape_of_the_plan():
    plan = build_scale_plan(500, 3, today=DAY)
    assert validate_plan(plan) == []
    assert len(plan["items"]) == 500
    assert len(plan["periods"]) == 12 and plan["periods"][0]["name"] == "2027 Q1"
    kinds = [team["kind"] for team in plan["teams"]]
    assert len(kinds) == 4 and kinds.count("platform") == 2
    assert 2.5 <= len(plan["dependencies"]) / len(plan["items"]) <= 3.5
    assert {item["status"] for item in plan["items"]} >= {"proposed", "committed", "in_progress"}
    assert {item["health"] for item in plan["items"]} == {"on_track", "at_risk", "off_track"}
    assert len(build_scale_plan(50_000 // 10, 1, today=DAY)["teams"]) == 20


def test_dependencies_point_backwards_so_there_is_no_cycle():
    plan = build_scale_plan(800, 5, today=DAY)
    position = {item["key"]: i for i, item in enumerate(plan["items"])}
    kind = {team["slug"]: team["kind"] for team in plan["teams"]}
    team_of = {item["key"]: item["team"] for item in plan["items"]}
    assert all(position[d["dependency"]] < position[d["dependent"]] for d in plan["dependencies"])
    on_platform = sum(kind[team_of[d["dependency"]]] == "platform" for d in plan["dependencies"])
    assert on_platform / len(plan["dependencies"]) > 0.8


def test_the_scale_plan_imports(db):
    summary = import_plan(build_scale_plan(300, 2, today=DAY))
    assert summary.items == 300
    assert db.session.scalar(select(func.count()).select_from(Item)) == 300
    assert db.session.scalar(select(func.count()).select_from(Dependency)) == summary.dependencies


def test_seed_scale_command(app, db):
    result = app.test_cli_runner().invoke(args=["seed", "scale", "--items", "200", "--seed", "4"])
    assert result.exit_code == 0, result.output
    assert "Imported 12 periods, 4 teams, 200 items" in result.stdout
    assert db.session.scalar(select(func.count()).select_from(Team)) == 4
    again = app.test_cli_runner().invoke(args=["seed", "scale", "--items", "200"])
    assert again.exit_code == 2
    replaced = app.test_cli_runner().invoke(args=["seed", "scale", "--items", "250", "--replace"])
    assert replaced.exit_code == 0, replaced.output
    assert db.session.scalar(select(func.count()).select_from(Item)) == 250

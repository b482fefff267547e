"""An imported item's newest status update (by `at`) sets its health and status, and
the analysis sees the item as that update left it."""

import json
from datetime import datetime

import pytest
from sqlalchemy import select

from app.models import Item
from app.plan_io import export_plan, import_plan
from app.plan_store import analyze_plan

AS_OF = datetime(2027, 2, 10)


def small_plan(health="on_track", status="committed", updates=()):
    """PLAT-1 (P3) is needed by the P0 feature APP-1: a critical priority inversion
    while PLAT-1 is active."""
    return {
        "format": "roadmap-plan/1",
        "periods": [{"name": "2027 Q1", "start": "2027-01-01", "end": "2027-03-31"}],
        "teams": [
            {"slug": "plat", "name": "Platform", "kind": "platform"},
            {"slug": "app", "name": "App", "kind": "product"},
        ],
        "items": [
            {
                "key": "PLAT-1",
                "team": "plat",
                "title": "Event bus",
                "priority": "P3",
                "start": "2027 Q1",
                "end": "2027 Q1",
                "estimate": 4,
                "status": status,
                "health": health,
                "created_at": "2027-01-04T09:00:00Z",
            },
            {
                "key": "APP-1",
                "team": "app",
                "title": "Live feed",
                "priority": "P0",
                "start": "2027 Q1",
                "end": "2027 Q1",
                "estimate": 2,
                "status": "committed",
                "created_at": "2027-01-04T09:00:00Z",
            },
        ],
        "dependencies": [{"dependent": "APP-1", "dependency": "PLAT-1", "commitment": "committed"}],
        "status_updates": [{"item": "PLAT-1", **update} for update in updates],
    }


def conflicts_on(key):
    return {c.type: c for c in analyze_plan(AS_OF).conflicts if key in c.items}


def item(db, key):
    return db.session.scalar(select(Item).where(Item.key == key))


def test_an_item_reported_off_track_is_an_at_risk_dependency(db):
    import_plan(
        small_plan(
            updates=[{"health": "off_track", "status": "in_progress", "at": "2027-02-08T10:00:00Z"}]
        )
    )
    plat = item(db, "PLAT-1")
    assert (plat.health, plat.status) == ("off_track", "in_progress")
    at_risk = conflicts_on("PLAT-1")["at_risk_dependency"]
    assert at_risk.items[0] == "PLAT-1" and "APP-1" in at_risk.items


def test_an_item_reported_done_raises_no_priority_inversion(db):
    assert "priority_inversion" in conflicts_on_imported(db, small_plan())
    plan = small_plan(
        updates=[{"health": "on_track", "status": "done", "at": "2027-02-08T10:00:00Z"}]
    )
    import_plan(plan, replace=True)
    assert item(db, "PLAT-1").status == "done"
    assert "priority_inversion" not in conflicts_on("PLAT-1")


def conflicts_on_imported(db, plan):
    import_plan(plan)
    return conflicts_on("PLAT-1")


def test_the_newest_by_time_wins_not_the_last_in_the_file(db):
    import_plan(
        small_plan(
            health="at_risk",
            updates=[
                {"health": "off_track", "status": "in_progress", "at": "2027-02-08T10:00:00Z"},
                {"health": "at_risk", "status": "committed", "at": "2027-01-25T10:00:00Z"},
            ],
        )
    )
    plat = item(db, "PLAT-1")
    assert (plat.health, plat.status) == ("off_track", "in_progress")


def test_on_a_tie_the_later_in_the_file_wins(db):
    at = "2027-02-08T10:00:00Z"
    import_plan(
        small_plan(
            updates=[
                {"health": "at_risk", "status": "in_progress", "at": at},
                {"health": "off_track", "status": "committed", "at": at},
            ]
        )
    )
    plat = item(db, "PLAT-1")
    assert (plat.health, plat.status) == ("off_track", "committed")


def test_an_update_without_a_status_sets_only_the_health(db):
    import_plan(
        small_plan(
            updates=[
                {"health": "on_track", "status": "done", "at": "2027-01-25T10:00:00Z"},
                {"health": "off_track", "at": "2027-02-08T10:00:00Z"},
            ]
        )
    )
    plat = item(db, "PLAT-1")
    assert (plat.health, plat.status) == ("off_track", "committed")
    assert {"at_risk_dependency", "priority_inversion"} <= set(conflicts_on("PLAT-1"))


@pytest.mark.parametrize("at", ["2027-02-08T10:00:00Z", "2027-02-08T12:00:00+02:00"])
def test_export_writes_the_item_as_it_now_stands_and_round_trips(db, at):
    import_plan(
        small_plan(updates=[{"health": "at_risk", "status": "done", "progress": 100, "at": at}])
    )
    first = export_plan()
    plat = next(i for i in first["items"] if i["key"] == "PLAT-1")
    assert (plat["health"], plat["status"]) == ("at_risk", "done")

    import_plan(json.loads(json.dumps(first)), replace=True)
    second = export_plan()
    assert json.dumps(second, indent=2) == json.dumps(first, indent=2)


def test_the_cli_report_follows_the_newest_update(app, db, tmp_path):
    path = tmp_path / "plan.json"
    plan = small_plan(
        updates=[{"health": "on_track", "status": "done", "at": "2027-01-08T10:00:00Z"}]
    )
    path.write_text(json.dumps(plan), encoding="utf-8")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["plan", "import", str(path)]).exit_code == 0
    result = runner.invoke(args=["conflicts", "--format", "json", "--as-of", "2027-01-09"])
    assert result.exit_code == 0, result.output  # no open critical conflict is left
    assert "priority_inversion" not in {c["type"] for c in json.loads(result.stdout)}

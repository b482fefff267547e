"""export_plan: complete, ordered, and a faithful round trip."""

import json
from datetime import date

from app.plan_io import export_plan, import_plan, validate_plan
from app.seed.demo import build_demo_plan


def test_export_lists_everything_in_a_fixed_order(db, plan):
    import_plan(plan)
    exported = export_plan()
    assert exported["format"] == "roadmap-plan/1"
    assert [p["name"] for p in exported["periods"]] == ["2027 Q1", "2027 Q2"]
    assert [t["slug"] for t in exported["teams"]] == ["chk", "pay"]
    assert exported["teams"][0]["capacity"] == {"default": None, "periods": {}}
    assert exported["teams"][1]["capacity"] == {"default": 40, "periods": {"2027 Q2": 30}}
    assert [i["key"] for i in exported["items"]] == ["PAY-1", "CHK-3", "PAY-7"]
    assert exported["items"][2] == {
        "key": "PAY-7",
        "team": "pay",
        "title": "Instalments provider",
        "description": "",
        "priority": "P3",
        "start": None,
        "end": None,
        "estimate": None,
        "status": "proposed",
        "health": "on_track",
        "owner": None,
        "created_at": exported["items"][2]["created_at"],
    }
    assert exported["items"][0]["estimate"] == 12 and isinstance(
        exported["items"][0]["estimate"], int
    )
    assert exported["items"][1]["estimate"] == 4.5
    assert [(d["dependent"], d["dependency"]) for d in exported["dependencies"]] == [
        ("CHK-3", "PAY-1"),
        ("CHK-3", "PAY-7"),
    ]
    assert exported["dependencies"][1] == {
        "dependent": "CHK-3",
        "dependency": "PAY-7",
        "needed_by": None,
        "commitment": "requested",
    }
    assert exported["status_updates"][0] == {
        "item": "CHK-3",
        "week": "2027-W05",
        "health": "on_track",
        "status": "in_progress",
        "progress": None,
        "note": "",
        "author": None,
        "at": "2027-02-03T09:30:00Z",
    }
    assert validate_plan(exported) == []


def test_export_reads_the_plan_in_a_few_queries(db, plan, count_queries):
    import_plan(plan)
    with count_queries() as counted:
        export_plan()
    assert counted.n <= 6


def test_updates_are_ordered_by_item_then_time(db, plan):
    plan["status_updates"].append(
        {"item": "PAY-1", "health": "on_track", "at": "2027-01-20T10:00:00Z"}
    )
    import_plan(plan)
    updates = [(u["item"], u["at"]) for u in export_plan()["status_updates"]]
    assert updates == [
        ("CHK-3", "2027-02-03T09:30:00Z"),
        ("PAY-1", "2027-01-20T10:00:00Z"),
        ("PAY-1", "2027-02-01T10:00:00Z"),
    ]


def test_the_demo_plan_round_trips_unchanged(db):
    demo = build_demo_plan(date(2027, 2, 10))
    import_plan(demo)
    first = export_plan()
    assert first == demo

    import_plan(json.loads(json.dumps(first)), replace=True)
    second = export_plan()
    assert json.dumps(second, indent=2) == json.dumps(first, indent=2)

"""Validation of roadmap-plan/1 documents: each rule reports the exact JSON path."""

from datetime import datetime

import pytest

from app.plan_io import PlanError, parse_plan, validate_plan


def _set(path, value):
    """A change to the document: set (or, with value ..., delete) one field."""

    def change(doc):
        *parents, last = path
        target = doc
        for part in parents:
            target = target[part]
        if value is ...:
            del target[last]
        else:
            target[last] = value

    return change


def _append(path, value):
    def change(doc):
        target = doc
        for part in path:
            target = target[part]
        target.append(value)

    return change


def _period(name, start, end):
    return {"name": name, "start": start, "end": end}


CASES = [
    # the document
    ("unknown top-level key", _set(["colour"], "red"), "colour", "unknown key"),
    ("missing items", _set(["items"], ...), "items", "missing"),
    ("missing format", _set(["format"], ...), "format", "missing"),
    ("wrong format", _set(["format"], "roadmap-plan/2"), "format", "unsupported format"),
    ("periods not a list", _set(["periods"], {}), "periods", "must be an array"),
    ("updates not a list", _set(["status_updates"], "x"), "status_updates", "must be an array"),
    # periods
    ("period not an object", _set(["periods", 0], "2027 Q1"), "periods[0]", "must be an object"),
    ("period name missing", _set(["periods", 0, "name"], ...), "periods[0].name", "missing"),
    ("period name too long", _set(["periods", 0, "name"], "Q" * 41), "periods[0].name", "40"),
    ("period name empty", _set(["periods", 0, "name"], " "), "periods[0].name", "empty"),
    ("impossible date", _set(["periods", 0, "start"], "2027-02-30"), "periods[0].start", "date"),
    ("date not a string", _set(["periods", 0, "start"], 20270101), "periods[0].start", "string"),
    ("end before start", _set(["periods", 0, "end"], "2026-12-01"), "periods[0].end", "before"),
    (
        "overlapping periods",
        _set(["periods", 1, "start"], "2027-03-15"),
        "periods[1].start",
        'overlaps period "2027 Q1"',
    ),
    (
        "period inside a long one",
        _append(["periods"], _period("Spring", "2027-01-15", "2027-02-15")),
        "periods[2].start",
        "overlaps",
    ),
    (
        "duplicate period name",
        _append(["periods"], _period("2027 q1", "2027-07-01", "2027-09-30")),
        "periods[2].name",
        "duplicate period",
    ),
    ("unknown period key", _set(["periods", 0, "colour"], 1), "periods[0].colour", "unknown key"),
    # teams
    ("bad slug", _set(["teams", 0, "slug"], "Pay!"), "teams[0].slug", "lowercase"),
    ("slug too long", _set(["teams", 0, "slug"], "p" * 21), "teams[0].slug", "20"),
    ("duplicate slug", _set(["teams", 1, "slug"], "pay"), "teams[1].slug", "duplicate team"),
    ("bad kind", _set(["teams", 0, "kind"], "core"), "teams[0].kind", "platform, product"),
    ("empty team name", _set(["teams", 0, "name"], ""), "teams[0].name", "empty"),
    ("team name too long", _set(["teams", 0, "name"], "n" * 121), "teams[0].name", "120"),
    (
        "negative capacity",
        _set(["teams", 0, "capacity", "default"], -1),
        "teams[0].capacity.default",
        "from 0 to 100,000",
    ),
    (
        "capacity for an unknown period",
        _set(["teams", 0, "capacity", "periods"], {"2029 Q1": 10}),
        'teams[0].capacity.periods["2029 Q1"]',
        'unknown period "2029 Q1"',
    ),
    (
        "capacity not a number",
        _set(["teams", 0, "capacity", "periods"], {"2027 Q2": "30"}),
        'teams[0].capacity.periods["2027 Q2"]',
        "number",
    ),
    (
        "unknown capacity key",
        _set(["teams", 0, "capacity", "extra"], 1),
        "teams[0].capacity.extra",
        "unknown key",
    ),
    ("capacity not an object", _set(["teams", 0, "capacity"], 40), "teams[0].capacity", "object"),
    # items
    ("unknown team", _set(["items", 0, "team"], "pyy"), "items[0].team", 'unknown team "pyy"'),
    ("key missing", _set(["items", 0, "key"], ...), "items[0].key", "missing"),
    ("key too long", _set(["items", 0, "key"], "K" * 33), "items[0].key", "32"),
    ("key with a space", _set(["items", 0, "key"], "PAY 1"), "items[0].key", "not valid"),
    ("duplicate key", _set(["items", 2, "key"], "PAY-1"), "items[2].key", "duplicate item key"),
    ("title too long", _set(["items", 0, "title"], "t" * 201), "items[0].title", "200"),
    (
        "description too long",
        _set(["items", 0, "description"], "d" * 20_001),
        "items[0].description",
        "20000",
    ),
    ("title missing", _set(["items", 0, "title"], ...), "items[0].title", "missing"),
    ("bad priority", _set(["items", 0, "priority"], "P4"), "items[0].priority", "P0, P1"),
    ("numeric priority", _set(["items", 0, "priority"], 1), "items[0].priority", "number"),
    ("bad status", _set(["items", 0, "status"], "started"), "items[0].status", "proposed"),
    ("bad health", _set(["items", 0, "health"], "green"), "items[0].health", "on_track"),
    ("negative estimate", _set(["items", 0, "estimate"], -2), "items[0].estimate", "from 0 to"),
    ("estimate as text", _set(["items", 0, "estimate"], "12"), "items[0].estimate", "number"),
    ("estimate as boolean", _set(["items", 0, "estimate"], True), "items[0].estimate", "boolean"),
    ("estimate not finite", _set(["items", 0, "estimate"], float("nan")), "items[0].estimate", ""),
    ("start without end", _set(["items", 0, "end"], ...), "items[0].end", "both"),
    ("end without start", _set(["items", 0, "start"], None), "items[0].start", "both"),
    ("unknown start", _set(["items", 0, "start"], "2029 Q1"), "items[0].start", "unknown period"),
    ("start after end", _set(["items", 1, "end"], "2027 Q1"), "items[1].end", "before the start"),
    ("owner too long", _set(["items", 0, "owner"], "o" * 121), "items[0].owner", "120"),
    ("bad created_at", _set(["items", 0, "created_at"], "yesterday"), "items[0].created_at", ""),
    ("null description", _set(["items", 0, "description"], None), "items[0].description", "null"),
    ("unknown item key", _set(["items", 0, "colour"], "red"), "items[0].colour", "unknown key"),
    # dependencies
    (
        "unknown dependency",
        _set(["dependencies", 0, "dependency"], "PAY-99"),
        "dependencies[0].dependency",
        'unknown item "PAY-99"',
    ),
    (
        "self-dependency",
        _set(["dependencies", 0, "dependency"], "CHK-3"),
        "dependencies[0].dependency",
        "itself",
    ),
    (
        "duplicate pair",
        _append(["dependencies"], {"dependent": "CHK-3", "dependency": "PAY-1"}),
        "dependencies[2]",
        "duplicate of dependencies[0]",
    ),
    (
        "unknown needed-by period",
        _set(["dependencies", 0, "needed_by"], "2030 Q1"),
        "dependencies[0].needed_by",
        "unknown period",
    ),
    (
        "bad commitment",
        _set(["dependencies", 0, "commitment"], "maybe"),
        "dependencies[0].commitment",
        "requested",
    ),
    (
        "dependent missing",
        _set(["dependencies", 0, "dependent"], ...),
        "dependencies[0].dependent",
        "missing",
    ),
    # status updates
    (
        "update of unknown item",
        _set(["status_updates", 0, "item"], "X-1"),
        "status_updates[0].item",
        "unknown item",
    ),
    (
        "update without time",
        _set(["status_updates", 0, "at"], ...),
        "status_updates[0].at",
        "missing",
    ),
    (
        "update without health",
        _set(["status_updates", 1, "health"], ...),
        "status_updates[1].health",
        "missing",
    ),
    (
        "week 54",
        _set(["status_updates", 0, "week"], "2027-W54"),
        "status_updates[0].week",
        "ISO week",
    ),
    (
        "week malformed",
        _set(["status_updates", 0, "week"], "2027-5"),
        "status_updates[0].week",
        "ISO week",
    ),
    (
        "progress over 100",
        _set(["status_updates", 0, "progress"], 101),
        "status_updates[0].progress",
        "between 0 and 100",
    ),
    (
        "progress fraction",
        _set(["status_updates", 0, "progress"], 40.5),
        "status_updates[0].progress",
        "whole",
    ),
    (
        "bad update status",
        _set(["status_updates", 0, "status"], "wip"),
        "status_updates[0].status",
        "",
    ),
    (
        "author too long",
        _set(["status_updates", 0, "author"], "a" * 255),
        "status_updates[0].author",
        "254",
    ),
    (
        "offset out of range",
        _set(["status_updates", 0, "at"], "2027-02-01T10:00:00+25:00"),
        "status_updates[0].at",
        "",
    ),
]


def test_the_sample_plan_is_valid(plan):
    assert validate_plan(plan) == []


@pytest.mark.parametrize(
    ("change", "path", "fragment"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_each_rule_reports_its_path(plan, change, path, fragment):
    change(plan)
    problems = validate_plan(plan)
    at_path = [p for p in problems if p.path == path]
    assert at_path, f"no problem at {path}: {problems}"
    assert any(fragment in p.message for p in at_path), at_path


def test_unknown_team_message_is_exact(plan):
    plan["items"][1]["team"] = "pyy"
    assert [str(p) for p in validate_plan(plan)] == ['items[1].team: unknown team "pyy"']


def test_a_document_that_is_not_an_object():
    assert [str(p) for p in validate_plan([])] == ["$: a plan must be a JSON object, got array"]


def test_every_problem_is_reported_at_once(plan):
    plan["teams"][0]["kind"] = "core"
    plan["items"][0]["priority"] = "urgent"
    plan["items"][2]["team"] = "nope"
    plan["dependencies"][1]["dependency"] = "CHK-3"
    plan["status_updates"][1]["progress"] = -1
    paths = {p.path for p in validate_plan(plan)}
    assert paths == {
        "teams[0].kind",
        "items[0].priority",
        "items[2].team",
        "dependencies[1].dependency",
        "status_updates[1].progress",
    }


def test_parse_plan_raises_with_every_problem(plan):
    plan["items"][0]["priority"] = "P9"
    plan["items"][1]["status"] = "later"
    with pytest.raises(PlanError) as caught:
        parse_plan(plan)
    assert len(caught.value.problems) == 2
    assert "2 problems" in str(caught.value)


def test_cycles_are_accepted(plan):
    plan["dependencies"].append({"dependent": "PAY-1", "dependency": "CHK-3"})
    plan["dependencies"].append({"dependent": "PAY-7", "dependency": "PAY-1"})
    plan["dependencies"].append({"dependent": "PAY-1", "dependency": "PAY-7"})
    assert validate_plan(plan) == []


def test_defaults_and_normalised_times(plan):
    now = datetime(2027, 1, 5, 8, 0)
    parsed = parse_plan(plan, now=now)
    backlog = parsed.items[2]
    assert backlog["status"] == "proposed"
    assert backlog["health"] == "on_track"
    assert backlog["description"] == ""
    assert backlog["start"] is backlog["end"] is None
    assert backlog["estimate"] is None and backlog["owner"] is None
    assert backlog["created_at"] == now
    assert parsed.items[0]["created_at"] == datetime(2026, 11, 2, 9, 0)
    assert parsed.items[0]["priority"] == 1
    assert parsed.dependencies[1]["commitment"] == "requested"
    assert parsed.dependencies[1]["needed_by"] is None
    update = parsed.status_updates[1]
    assert update["at"] == datetime(2027, 2, 3, 9, 30)  # +02:00 to naive UTC
    assert update["week"] == "2027-W05"
    assert update["status"] == "in_progress"  # the item's own status
    assert update["progress"] is None and update["note"] == "" and update["author"] is None
    assert parsed.teams[1]["default_capacity"] is None and parsed.teams[1]["capacities"] == {}


def test_nulls_are_allowed_where_a_value_is_optional(plan):
    plan["items"][0].update(start=None, end=None, estimate=None, owner=None)
    plan["teams"][0]["capacity"] = None
    plan["dependencies"][0]["needed_by"] = None
    plan["status_updates"][0].update(progress=None, author=None)
    assert validate_plan(plan) == []

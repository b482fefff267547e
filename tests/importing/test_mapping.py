"""The TOML mapping: read with every problem listed, defaults where it is silent,
and written back so that it reads the same."""

import pytest

from app.importing.issues import ImportProblems
from app.importing.mapping import default_mapping, parse_mapping

EXAMPLE = """
[teams.FCREPO]
slug = "fcrepo"
name = "Fedora Repository"
kind = "platform"
capacity = 40

[priorities]
Blocker = "P0"

[status]
"In Review" = "in_progress"

[links]
needs = ["depends on", "is blocked by", "requires"]
commitment = "committed"

[periods]
sources = ["fixVersions", "duedate"]
length = "quarter"

[estimate]
field = "customfield_10016"
unit = "points"
person_week_seconds = 144000
points_per_person_week = 4

[versions]
"2027.1" = "2027-03-31"
"""


def test_the_documented_example_reads():
    mapping = parse_mapping(EXAMPLE, "jira")
    team = mapping.teams["FCREPO"]
    assert (team.slug, team.name, team.kind, team.capacity) == (
        "fcrepo",
        "Fedora Repository",
        "platform",
        40,
    )
    assert mapping.priority("blocker") == "P0"
    assert mapping.priority("Trivial") == "P3"  # a default
    assert mapping.priority("Weird") is None
    assert mapping.mapped_status("in review") == "in_progress"
    assert mapping.commitment == "committed"
    assert (mapping.estimate_field, mapping.unit, mapping.points_per_person_week) == (
        "customfield_10016",
        "points",
        4,
    )
    assert mapping.versions["2027.1"].isoformat() == "2027-03-31"


def test_a_mapping_written_back_reads_the_same():
    mapping = parse_mapping(EXAMPLE, "jira")
    again = parse_mapping(mapping.to_toml(unknown={"status": ["Odd"]}), "jira")
    assert again == mapping


def test_the_defaults_of_each_source():
    assert default_mapping("jira").estimate_field == "timeoriginalestimate"
    assert (default_mapping("linear").estimate_field, default_mapping("linear").unit) == (
        "Estimate",
        "points",
    )


def test_every_problem_is_listed_by_its_path():
    text = """
    [teams.X]
    slug = "Not A Slug"
    kind = "both"
    capacity = -1
    colour = "red"
    [priorities]
    Blocker = "P9"
    [status]
    Open = 3
    [links]
    commitment = "maybe"
    [periods]
    length = "month"
    [estimate]
    unit = "hours"
    [other]
    """
    with pytest.raises(ImportProblems) as refused:
        parse_mapping(text, "jira", name="m.toml")
    assert [str(p) for p in refused.value.problems] == [
        "m.toml: other: unknown section (expected: teams, priorities, status, links, periods, "
        "estimate, versions, fields)",
        "m.toml: teams.X.colour: unknown key (expected: slug, name, kind, capacity, key)",
        'm.toml: teams.X.slug: "Not A Slug" is not valid: 2 to 20 lowercase letters, digits or '
        "hyphens",
        'm.toml: teams.X.kind: "both" is not one of platform, product',
        "m.toml: teams.X.capacity: must be a number from 0 to 100,000",
        'm.toml: priorities."Blocker": "P9" is not one of P0, P1, P2, P3',
        'm.toml: status."Open": int is not one of proposed, committed, in_progress, done, '
        "cancelled",
        'm.toml: links.commitment: "maybe" is not one of requested, committed, declined',
        'm.toml: periods.length: "month": only "quarter" is supported',
        'm.toml: estimate.unit: "hours" is not one of seconds, points, person-weeks',
    ]


def test_toml_that_does_not_parse():
    with pytest.raises(ImportProblems) as refused:
        parse_mapping("[teams\n", "jira")
    assert str(refused.value.problems[0]).startswith("mapping: not valid TOML")


def test_a_teams_key_prefix_renames_its_items_keys_and_is_written_back():
    mapping = parse_mapping('[teams."LONG-REPOSITORY"]\nkey = "LR"\n', "github")
    assert mapping.item_key("LONG-REPOSITORY-7") == "LR-7"
    assert mapping.item_key("long-repository-7") == "LR-7"
    assert mapping.item_key("OTHER-7") == "OTHER-7"
    again = parse_mapping(mapping.to_toml(), "github")
    assert again.teams["LONG-REPOSITORY"].key == "LR"

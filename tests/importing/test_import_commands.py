"""Importing from each source through `flask import`: what is created, the
dry run, re-sync (import, change the source, import again), and files with
problems (every problem listed, exit code 2, nothing written)."""

import json

import pytest
from import_helpers import FIXTURES, JIRA_FILES, paths
from sqlalchemy import func, select

from app.models import (
    AuditEvent,
    AuditEventItem,
    Dependency,
    Item,
    Period,
    StatusUpdate,
    Team,
    TeamCapacity,
)


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def item(db, key) -> Item:
    return db.session.scalar(select(Item).where(Item.key == key))


def pairs(db) -> set[tuple[str, str]]:
    keys = dict(db.session.execute(select(Item.id, Item.key)).all())
    return {
        (keys[a], keys[b])
        for a, b in db.session.execute(select(Dependency.dependent_id, Dependency.dependency_id))
    }


def invoke(runner, *args):
    return runner.invoke(args=["import", *args])


def state(db) -> dict:
    return {
        model.__tablename__: count(db, model)
        for model in (Item, Team, Period, Dependency, AuditEvent)
    }


def test_jira_json_imports_teams_periods_items_and_dependencies(runner, db):
    result = invoke(runner, "jira", *paths(*JIRA_FILES))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Imported 6 new items and updated 0 (0 unchanged), with 3 new")

    teams = {t.slug: t for t in db.session.scalars(select(Team))}
    assert {slug: t.kind for slug, t in teams.items()} == {"fcrepo": "platform", "web": "product"}
    assert teams["fcrepo"].name == "Fedora Repository"
    assert teams["fcrepo"].item_seq == 700  # keys made here go on after the imported ones
    assert [p.name for p in db.session.scalars(select(Period).order_by(Period.start_date))] == [
        "2027 Q1",
        "2027 Q2",
        "2027 Q3",
    ]
    storage = item(db, "FCREPO-644")
    assert (storage.source, storage.source_key, storage.source_url) == (
        "jira",
        "FCREPO-644",
        "https://example.atlassian.net/browse/FCREPO-644",
    )
    assert (storage.start_period.name, storage.end_period.name) == ("2027 Q1", "2027 Q2")
    assert (storage.priority_name, storage.status, storage.estimate) == ("P1", "in_progress", 4)
    assert storage.owner == "Ann Archivist"
    assert storage.created_at.isoformat() == "2026-10-01T09:15:00"
    assert item(db, "FCREPO-645").status == "cancelled"  # resolved Won't Fix
    assert (item(db, "WEB-1").status, item(db, "WEB-1").priority_name) == ("committed", "P0")
    assert item(db, "WEB-1").created_at.isoformat() == "2026-10-05T10:00:00"  # +0200 to UTC
    assert (item(db, "WEB-2").status, item(db, "WEB-2").start_period_id) == ("proposed", None)
    assert item(db, "FCREPO-700").description.startswith("Goal\nCheck every binary nightly")
    assert pairs(db) == {
        ("WEB-1", "FCREPO-644"),  # is blocked by
        ("WEB-2", "FCREPO-644"),  # depends on
        ("WEB-3", "FCREPO-700"),  # from the single-issue file
    }
    events = db.session.scalars(select(AuditEvent)).all()
    assert [(e.entity, e.action) for e in events] == [("plan", "import")]
    assert events[0].actor == "flask import"
    assert sorted(events[0].changes["items_created"]) == sorted(
        ["FCREPO-644", "FCREPO-645", "FCREPO-700", "WEB-1", "WEB-2", "WEB-3"]
    )
    assert events[0].changes["teams_created"] == ["fcrepo", "web"]


def test_a_dry_run_writes_nothing_and_writes_the_mapping(runner, db, tmp_path):
    before = state(db)
    out = tmp_path / "mapping.toml"
    result = invoke(runner, "jira", *paths(*JIRA_FILES), "--dry-run", "--mapping-out", str(out))
    assert result.exit_code == 0, result.output
    assert state(db) == before
    text = result.stdout
    assert (
        "fcrepo               Fedora Repository (new, 3 items): platform: issues of WEB need"
        in text
    )
    assert "to create: 2027 Q1, 2027 Q2, 2027 Q3" in text
    assert "Items: 6 to create, 0 to update, 0 unchanged." in text
    assert "Dependencies: 3 to create, 0 unchanged, 0 to remove." in text
    assert "WEB-1: its link to OTHER-1 is left out" in text
    assert "Conflicts the plan would show after the import: 5 (5 new)" in text
    assert "schedule_violation       1" in text
    assert "critical schedule_violation: WEB-1, FCREPO-644 (new)" in text
    mapping = out.read_text()
    assert (
        '[teams."FCREPO"]\nslug = "fcrepo"\nname = "Fedora Repository"\nkind = "platform"'
        in mapping
    )
    assert '"Critical" = "P1"' in mapping

    # the mapping written, edited and passed back
    out.write_text(mapping.replace('kind = "platform"', 'kind = "product"', 1))
    result = invoke(runner, "jira", *paths(*JIRA_FILES), "--mapping", str(out))
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(Team.kind).where(Team.slug == "fcrepo")) == "product"


def test_resync_updates_instead_of_duplicating_and_keeps_what_is_only_here(
    runner, db, tmp_path, make_user
):
    assert invoke(runner, "jira", *paths(*JIRA_FILES)).exit_code == 0
    storage = item(db, "FCREPO-644")
    version = storage.version
    fcrepo = db.session.scalar(select(Team).where(Team.slug == "fcrepo"))
    q1 = db.session.scalar(select(Period).where(Period.name == "2027 Q1"))
    db.session.add(TeamCapacity(team_id=fcrepo.id, period_id=q1.id, person_weeks=12))
    fcrepo.default_capacity = 30
    dep = db.session.scalar(select(Dependency).where(Dependency.dependency_id == storage.id))
    dep.commitment = "committed"
    db.session.add(
        StatusUpdate(item_id=storage.id, week="2026-W46", health="at_risk", status="in_progress",
                     note="Late.", at=storage.created_at)
    )  # fmt: skip
    made_here = Item(key="FCREPO-701", team_id=fcrepo.id, title="Made here", priority=2,
                     status="proposed", health="on_track")  # fmt: skip
    db.session.add(made_here)
    db.session.commit()

    page = json.loads((FIXTURES / "jira_v2_search.json").read_text())
    fields = page["issues"][0]["fields"]
    fields["summary"] = "Tokenised storage API, v2"
    fields["priority"] = {"name": "Blocker"}
    fields["fixVersions"][0]["releaseDate"] = "2027-08-20"
    del page["issues"][1]  # FCREPO-645 is gone from the source
    changed = tmp_path / "page1.json"
    changed.write_text(json.dumps(page))
    files = [str(changed), *paths("jira_v3_page2.json", "jira_single_issue.json")]

    dry = invoke(runner, "jira", *files, "--dry-run", "--mapping-out", str(tmp_path / "m.toml"))
    assert dry.exit_code == 0, dry.output
    assert "Items: 0 to create, 1 to update, 4 unchanged." in dry.stdout
    assert (
        "FCREPO-644: title 'Tokenised storage API' -> 'Tokenised storage API, v2'; "
        "priority 'P1' -> 'P0'; end '2027 Q2' -> '2027 Q3'" in dry.stdout
    )
    assert "No longer in the source (kept, not deleted): FCREPO-645" in dry.stdout

    result = invoke(runner, "jira", *files)
    assert result.exit_code == 0, result.output
    assert "updated 1 (4 unchanged)" in result.stdout
    assert "no longer in the source: FCREPO-645" in result.stdout
    db.session.expire_all()
    assert count(db, Item) == 7  # six imported, one made here: nothing duplicated
    storage = item(db, "FCREPO-644")
    assert (storage.title, storage.priority_name, storage.end_period.name) == (
        "Tokenised storage API, v2",
        "P0",
        "2027 Q3",
    )
    assert storage.version == version + 1  # a form loaded before is stale
    assert item(db, "FCREPO-645") is not None  # listed, not deleted
    assert item(db, "FCREPO-701").title == "Made here"
    assert db.session.scalar(select(Dependency.commitment).where(Dependency.id == dep.id)) == (
        "committed"
    )
    assert count(db, TeamCapacity) == 1
    assert db.session.scalar(select(Team.default_capacity).where(Team.slug == "fcrepo")) == 30
    assert count(db, StatusUpdate) == 1
    last = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (last.entity, last.action) == ("plan", "import")
    assert last.changes["items_updated"] == ["FCREPO-644"]
    part = db.session.get(AuditEventItem, (storage.id, last.id))  # the item's changes
    assert part.changes["title"] == [
        "Tokenised storage API",
        "Tokenised storage API, v2",
    ]
    assert last.changes["gone_from_source"] == ["FCREPO-645"]

    again = invoke(runner, "jira", *files)
    assert "Imported 0 new items and updated 0 (5 unchanged)" in again.stdout


def test_jira_csv_with_versions_from_the_mapping_and_two_spellings_of_blocks(runner, db, tmp_path):
    mapping = tmp_path / "m.toml"
    mapping.write_text(
        '[versions]\n"2027.1" = "2027-03-31"\n"2027.2" = "2027-06-30"\n'
        '[estimate]\nfield = "Custom field (Story Points)"\nunit = "points"\n'
    )
    result = invoke(runner, "jira-csv", *paths("jira_export.csv"), "--mapping", str(mapping))
    assert result.exit_code == 0, result.output
    assert pairs(db) == {
        ("DATA-2", "DATA-1"),
        ("APP-1", "DATA-1"),
        ("APP-1", "DATA-2"),
        ("APP-2", "DATA-2"),  # "Blocker", a second spelling of the type
        ("APP-1", "APP-3"),  # APP-3 "blocks" APP-1 (outward)
    }
    data1 = item(db, "DATA-1")
    assert (data1.end_period.name, data1.estimate, data1.status) == ("2027 Q1", 1, "in_progress")
    assert (item(db, "APP-1").status, item(db, "APP-2").status) == ("committed", "done")
    assert item(db, "DATA-2").created_at.isoformat() == "2026-10-02T10:00:00"
    kinds = dict(db.session.execute(select(Team.slug, Team.kind)).all())
    assert kinds == {"data": "platform", "app": "product"}


def test_jira_csv_that_is_not_utf8_is_noted(runner, db, tmp_path):
    result = invoke(
        runner, "jira-csv", *paths("jira_cp1252.csv"), "--dry-run",
        "--mapping-out", str(tmp_path / "m.toml"),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (
        "jira_cp1252.csv is not UTF-8 (byte 0xe8 on line 2): read as Windows-1252" in result.stdout
    )
    assert "Café Team" in result.stdout


@pytest.mark.parametrize("name", ["linear_30.csv", "linear_34.csv"])
def test_linear_csv(runner, db, name):
    result = invoke(runner, "linear-csv", *paths(name))
    assert result.exit_code == 0, result.output
    tokens = item(db, "ENG-12")
    assert (tokens.priority_name, tokens.status, tokens.estimate) == ("P1", "in_progress", 1.6)
    assert tokens.end_period.name == "2027 Q1"
    assert tokens.source == "linear"
    assert item(db, "ENG-13").status == "cancelled"
    assert item(db, "ENG-14").status == "done"
    assert item(db, "ENG-14").priority_name == "P3"  # No priority
    if name == "linear_34.csv":
        assert pairs(db) == {("GRO-1", "ENG-12"), ("GRO-2", "ENG-12"), ("GRO-2", "GRO-1")}
        kinds = dict(db.session.execute(select(Team.slug, Team.kind)).all())
        assert kinds == {"eng": "platform", "gro": "product"}


def test_github_issues(runner, db):
    result = invoke(runner, "github", *paths("github_issues.json"))
    assert result.exit_code == 0, result.output
    assert pairs(db) == {("STOREFRONT-3", "API-GATEWAY-7"), ("STOREFRONT-4", "STOREFRONT-3")}
    gateway = item(db, "API-GATEWAY-7")
    assert (gateway.priority_name, gateway.end_period.name, gateway.status) == (
        "P1",
        "2027 Q2",
        "committed",
    )
    assert gateway.source_url == "https://github.com/acme/api-gateway/issues/7"
    assert item(db, "STOREFRONT-4").status == "cancelled"
    kinds = dict(db.session.execute(select(Team.slug, Team.kind)).all())
    assert kinds == {"api-gateway": "platform", "storefront": "product"}


def test_existing_periods_are_used(runner, db, make_period):
    q2 = make_period(name="Spring 2027", year=2027, quarter=2)
    db.session.commit()
    assert invoke(runner, "github", *paths("github_issues.json")).exit_code == 0
    assert item(db, "API-GATEWAY-7").end_period_id == q2.id
    assert count(db, Period) == 1


def _bad_page(tmp_path):
    page = json.loads((FIXTURES / "jira_v2_search.json").read_text())
    issues = page["issues"]
    issues[0]["fields"]["status"] = {"name": "Waiting for Godot"}
    issues[1]["fields"]["priority"] = {"name": "Sky-high"}
    issues[2]["fields"]["duedate"] = "31/31/2027"
    issues[3]["fields"]["summary"] = "a\u0000b"
    issues.append({"key": "X" * 40 + "-1", "fields": {"summary": "Too long a key"}})
    issues.append({"key": "WEB-9", "fields": {"project": {"key": "WEB"}}})
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(page))
    return str(path)


def test_problems_are_all_listed_exit_2_and_nothing_is_written(runner, db, tmp_path):
    before = state(db)
    result = invoke(runner, "jira", _bad_page(tmp_path))
    assert result.exit_code == 2
    assert result.stdout == ""
    # the issues' problems and the plan validator's, all at once
    assert result.stderr.splitlines() == [
        "bad.json: issues[0] (FCREPO-644): unknown status 'Waiting for Godot': "
        "map it under [status]",
        "bad.json: issues[1] (FCREPO-645): unknown priority 'Sky-high': map it under [priorities]",
        "bad.json: issues[2] (WEB-1): due date: '31/31/2027' is not a date",
        "bad.json: issues[3] (WEB-2): title: must not contain a NUL character (\\u0000)",
        f"bad.json: issues[4] ({'X' * 40}-1): key: longer than 32 characters (42): give its "
        f'items a shorter key prefix in the mapping, [teams."{"X" * 40}"] key = "XXXXXXXX"',
        "bad.json: issues[5] (WEB-9): title: missing",
    ]
    assert state(db) == before


def test_a_long_key_prefix_renamed_by_the_mapping(runner, db, tmp_path):
    """A GitHub repository whose name makes keys longer than the plan allows: the
    mapping gives its items a shorter prefix; re-sync and links follow the rename."""
    issues = json.loads((FIXTURES / "github_issues.json").read_text())
    long_name = "a-very-long-repository-name-indeed"
    text = json.dumps(issues).replace("/api-gateway", f"/{long_name}")
    source = tmp_path / "issues.json"
    source.write_text(text)
    refused = invoke(runner, "github", str(source))
    assert refused.exit_code == 2
    prefix = long_name.upper()
    assert (
        f"({prefix}-7): key: longer than 32 characters (36): give its items a shorter key "
        f'prefix in the mapping, [teams."{prefix}"] key = "AVLRNI"'
    ) in refused.stderr
    mapping = tmp_path / "m.toml"
    mapping.write_text(f'[teams."{prefix}"]\nslug = "gateway"\nkey = "GW"\n')
    result = invoke(runner, "github", str(source), "--mapping", str(mapping))
    assert result.exit_code == 0, result.output
    gateway = item(db, "GW-7")
    assert (gateway.source, gateway.source_key) == ("github", f"{prefix}-7")
    assert gateway.team.slug == "gateway"
    assert ("STOREFRONT-3", "GW-7") in pairs(db)
    again = invoke(runner, "github", str(source), "--mapping", str(mapping))
    assert "Imported 0 new items" in again.stdout
    assert count(db, Item) == 3  # nothing duplicated

    bad = tmp_path / "bad.toml"
    bad.write_text(f'[teams."{prefix}"]\nkey = "G W"\n')
    result = invoke(runner, "github", str(source), "--mapping", str(bad))
    assert result.exit_code == 2
    assert f'teams.{prefix}.key: "G W" is not a key prefix: at most 25 characters' in (
        result.stderr
    )


def test_a_dry_run_of_a_file_with_problems_lists_them_and_exits_2(runner, db, tmp_path):
    result = invoke(
        runner, "jira", _bad_page(tmp_path), "--dry-run", "--mapping-out", str(tmp_path / "m.toml")
    )
    assert result.exit_code == 2
    assert "Problems (6): nothing can be imported until they are fixed" in result.stdout
    assert "Unmapped values:\n" in result.stdout
    assert "  priorities: 'Sky-high'\n" in result.stdout
    assert "  status: 'Waiting for Godot'\n" in result.stdout
    assert '# "Waiting for Godot" = "?"  # unknown: map it' in (tmp_path / "m.toml").read_text()


def test_an_item_made_here_with_the_same_key_is_a_problem(runner, db, make_team, make_item):
    web = make_team("web", kind="product")
    make_item(web, key="WEB-1")
    db.session.commit()
    before = state(db)
    result = invoke(runner, "jira", *paths(*JIRA_FILES))
    assert result.exit_code == 2
    assert "(WEB-1): the plan has an item WEB-1 already (made here)" in result.stderr
    assert state(db) == before


def test_links_to_items_already_in_the_plan_are_kept(runner, db):
    assert invoke(runner, "jira", *paths("jira_v3_page2.json")).exit_code == 0
    result = invoke(runner, "jira", *paths("jira_single_issue.json"))
    assert result.exit_code == 0, result.output
    assert pairs(db) == {("WEB-3", "FCREPO-700")}


def test_unreadable_and_missing_files(runner, db, tmp_path):
    missing = str(tmp_path / "nope.json")
    result = invoke(runner, "jira", missing)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{missing}: cannot read the file")
    bad_mapping = tmp_path / "m.toml"
    bad_mapping.write_bytes(b"\xff\xfe\x00")
    result = invoke(runner, "jira", *paths("jira_v2_search.json"), "--mapping", str(bad_mapping))
    assert result.exit_code == 2
    result = invoke(runner, "github")
    assert result.exit_code == 2  # no files: a usage error


def test_a_large_import_shows_a_progress_bar(runner, db, tmp_path):
    from bench.importing import issues, write_pages

    files = write_pages(tmp_path, issues(2_100))
    result = invoke(runner, "jira", *files)
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("Importing")  # a bar on a terminal
    assert count(db, Item) == 2_100
    quiet = invoke(runner, "jira", *paths("jira_single_issue.json"))
    assert quiet.stderr == ""

"""Re-sync of links (those an import made and the source no longer has are removed,
those made here kept), and what an import leaves on an item's page: the link back to
the source, and the item's history with the one import event that made or changed
it."""

import io
import json
import re
from pathlib import Path

import pytest
from import_helpers import FIXTURES, JIRA_FILES, paths
from sqlalchemy import func, select

from app.models import AuditEvent, AuditEventItem, Dependency, Item, Period


def item(db, key) -> Item:
    return db.session.scalar(select(Item).where(Item.key == key))


def links(db) -> dict[tuple[str, str], Dependency]:
    keys = dict(db.session.execute(select(Item.id, Item.key)).all())
    return {
        (keys[d.dependent_id], keys[d.dependency_id]): d
        for d in db.session.scalars(select(Dependency))
    }


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def without_web1_blocked_by_storage(tmp_path) -> list[str]:
    page = json.loads((FIXTURES / "jira_v2_search.json").read_text())
    web1 = next(i for i in page["issues"] if i["key"] == "WEB-1")
    del web1["fields"]["issuelinks"][0]  # "is blocked by FCREPO-644"
    changed = tmp_path / "page1.json"
    changed.write_text(json.dumps(page))
    return [str(changed), *paths("jira_v3_page2.json", "jira_single_issue.json")]


@pytest.fixture
def imported(runner, db):
    result = runner.invoke(args=["import", "jira", *paths(*JIRA_FILES)])
    assert result.exit_code == 0, result.output
    return result


def test_imported_links_are_marked_with_their_source(db, imported):
    assert {pair: d.source for pair, d in links(db).items()} == {
        ("WEB-1", "FCREPO-644"): "jira",
        ("WEB-2", "FCREPO-644"): "jira",
        ("WEB-3", "FCREPO-700"): "jira",
    }


def test_resync_removes_links_gone_from_the_source_and_keeps_the_others(
    runner, db, imported, tmp_path, make_dependency
):
    kept = links(db)[("WEB-2", "FCREPO-644")]
    kept.commitment = "committed"
    kept.needed_by_period_id = db.session.scalar(select(Period.id).where(Period.name == "2027 Q3"))
    needed_by = kept.needed_by_period_id
    make_dependency(item(db, "WEB-1"), item(db, "FCREPO-700"))  # made here
    db.session.commit()
    files = without_web1_blocked_by_storage(tmp_path)

    dry = runner.invoke(
        args=["import", "jira", *files, "--dry-run", "--mapping-out", str(tmp_path / "m.toml")]
    )
    assert dry.exit_code == 0, dry.output
    assert "Dependencies: 0 to create, 2 unchanged, 1 to remove." in dry.stdout
    assert "no longer in the source, removed: WEB-1 needs FCREPO-644" in dry.stdout
    assert ("WEB-1", "FCREPO-644") in links(db)  # a dry run removes nothing

    result = runner.invoke(args=["import", "jira", *files])
    assert result.exit_code == 0, result.output
    assert "Removed 1 dependency an earlier import made" in result.stdout
    assert "removed, no longer in the source: WEB-1 needs FCREPO-644" in result.stdout
    db.session.expire_all()
    after = links(db)
    assert set(after) == {("WEB-2", "FCREPO-644"), ("WEB-3", "FCREPO-700"), ("WEB-1", "FCREPO-700")}
    assert after[("WEB-1", "FCREPO-700")].source is None
    assert (
        after[("WEB-2", "FCREPO-644")].commitment,
        after[("WEB-2", "FCREPO-644")].needed_by_period_id,
    ) == (
        "committed",
        needed_by,
    )  # set here, kept while the link stays
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event.changes["dependencies_removed"] == [["WEB-1", "FCREPO-644"]]
    parts = db.session.scalars(select(AuditEventItem).where(AuditEventItem.event_id == event.id))
    assert [(p.item_id, p.changes) for p in parts] == [
        (item(db, "WEB-1").id, {"needs": ["FCREPO-644", None]})
    ]


def test_the_import_page_lists_the_links_it_removes(db, imported, tmp_path, as_user):
    planner, _ = as_user("planner")
    files = without_web1_blocked_by_storage(tmp_path)
    data = {
        "kind": "jira",
        "files": [(io.BytesIO(Path(f).read_bytes()), Path(f).name) for f in files],
    }
    preview = planner.post("/import", data=data, content_type="multipart/form-data")
    assert preview.status_code == 200
    text = text_of(preview)
    assert "Dependencies to remove 1" in text
    assert "Dependencies no longer in the source" in text
    assert "WEB-1 needs FCREPO-644" in text
    assert ("WEB-1", "FCREPO-644") in links(db)  # the preview removes nothing


def test_an_import_of_some_files_removes_no_link_of_the_items_it_lacks(runner, db, imported):
    result = runner.invoke(args=["import", "jira", *paths("jira_single_issue.json")])
    assert result.exit_code == 0, result.output
    assert len(links(db)) == 3


def test_the_item_page_links_back_to_the_source(db, imported, as_user, runner):
    client, _ = as_user("viewer")
    page = client.get("/items/FCREPO-644").get_data(as_text=True)
    assert (
        'Imported from Jira: <a href="https://example.atlassian.net/browse/FCREPO-644" '
        'rel="noopener noreferrer">FCREPO-644</a>' in page
    )
    assert runner.invoke(args=["import", "linear-csv", *paths("linear_30.csv")]).exit_code == 0
    linear = client.get("/items/ENG-12").get_data(as_text=True)
    assert "Imported from Linear: ENG-12</p>" in linear  # no address to link to


def test_a_source_address_that_is_not_a_web_link_is_left_out(runner, db, tmp_path):
    issues = json.loads((FIXTURES / "github_issues.json").read_text())
    # a page of gh api --slurp, its first issue's address a script
    issues[0][0]["html_url"] = "javascript:alert(1)//github.com/acme/api-gateway/issues/7"
    path = tmp_path / "issues.json"
    path.write_text(json.dumps(issues))
    result = runner.invoke(args=["import", "github", str(path)])
    assert result.exit_code == 0, result.output
    assert item(db, "API-GATEWAY-7").source_url is None


def test_the_history_shows_the_import_that_made_and_changed_the_item(
    runner, db, imported, tmp_path, as_user
):
    client, _ = as_user("viewer")
    made = text_of(client.get("/items/FCREPO-644"))
    assert "FCREPO-644 imported from Jira" in made
    assert "title : — → Tokenised storage API" in made
    assert "priority : — → P1" in made
    assert "end period : — → 2027 Q2" in made

    page = json.loads(Path(without_web1_blocked_by_storage(tmp_path)[0]).read_text())
    page["issues"][0]["fields"]["summary"] = "Tokenised storage API, v2"
    changed = tmp_path / "page1.json"
    changed.write_text(json.dumps(page))
    files = [str(changed), *paths("jira_v3_page2.json", "jira_single_issue.json")]
    assert runner.invoke(args=["import", "jira", *files]).exit_code == 0
    imports = select(func.count()).where(AuditEvent.entity == "plan")
    assert db.session.scalar(imports) == 2  # one event an import
    # the items each import made or changed: six, then FCREPO-644 (title) and WEB-1 (a link)
    assert db.session.scalar(select(func.count()).select_from(AuditEventItem)) == 8

    storage = text_of(client.get("/items/FCREPO-644"))
    assert "title : Tokenised storage API → Tokenised storage API, v2" in storage
    assert storage.count("imported from Jira") == 2
    web1 = text_of(client.get("/items/WEB-1"))
    assert "needs : FCREPO-644 → —" in web1
    unchanged = text_of(client.get("/items/WEB-3"))
    assert unchanged.count("imported from Jira") == 1  # not changed by the second import


def test_items_made_here_show_no_source_rows(db, make_item, as_user):
    client, _ = as_user("viewer")
    made = make_item(key="HERE-1")
    db.session.commit()
    page = text_of(client.get(f"/items/{made.key}"))
    assert "HERE-1 created" in page
    assert "Imported from" not in page
    assert "source" not in page


def test_planners_find_the_import_page_in_the_navigation(db, as_user):
    planner, _ = as_user("planner")
    assert '<a href="/import"' in planner.get("/roadmap").get_data(as_text=True)
    viewer, _ = as_user("viewer")
    assert '<a href="/import"' not in viewer.get("/roadmap").get_data(as_text=True)

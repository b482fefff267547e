"""`flask import jira --url --jql` against a stub of Jira's search endpoint on
127.0.0.1: pages linked by nextPageToken, a 429 with Retry-After, a 401."""

import base64
import json

import pytest
from import_helpers import FIXTURES
from sqlalchemy import func, select

from app.importing.issues import ImportProblems
from app.importing.sources.jira_live import fetch
from app.models import Item

ENV = {"JIRA_EMAIL": "ann@example.com", "JIRA_TOKEN": "secret-token"}


def _issues(name):
    return json.loads((FIXTURES / name).read_text())["issues"]


@pytest.fixture
def two_pages(jira_stub):
    first = _issues("jira_v2_search.json")
    jira_stub.pages = [first[:2], first[2:], _issues("jira_v3_page2.json")]
    return jira_stub


def test_pages_are_followed_by_their_token(two_pages):
    read = fetch(two_pages.url, "project in (FCREPO, WEB)", env=ENV, sleep=lambda s: None)
    assert [issue.key for issue in read.issues] == [
        "FCREPO-644", "FCREPO-645", "WEB-1", "WEB-2", "FCREPO-700",
    ]  # fmt: skip
    asked = two_pages.requests
    assert [r.path for r in asked] == ["/rest/api/3/search/jql"] * 3
    assert [r.query.get("nextPageToken") for r in asked] == [None, "page-1", "page-2"]
    assert asked[0].query["jql"] == "project in (FCREPO, WEB)"
    assert "issuelinks" in asked[0].query["fields"].split(",")
    expected = base64.b64encode(b"ann@example.com:secret-token").decode()
    assert asked[0].auth == f"Basic {expected}"


def test_a_bearer_token_alone(two_pages):
    fetch(two_pages.url, "x", env={"JIRA_TOKEN": "pat"}, sleep=lambda s: None)
    assert two_pages.requests[0].auth == "Bearer pat"


def test_a_429_is_retried_after_its_retry_after(two_pages):
    two_pages.answers = [(429, {"Retry-After": "3"}), (429, {"Retry-After": "0"})]
    slept = []
    read = fetch(two_pages.url, "x", env=ENV, sleep=slept.append)
    assert slept == [3.0, 0.0]
    assert len(read.issues) == 5


def test_a_401_says_the_credentials_were_refused(two_pages):
    two_pages.answers = [(401, {})]
    with pytest.raises(ImportProblems) as refused:
        fetch(two_pages.url, "x", env=ENV, sleep=lambda s: None)
    assert str(refused.value.problems[0]).startswith(
        "jira: Jira refused the credentials (401): check JIRA_EMAIL and JIRA_TOKEN"
    )


def test_no_token_and_a_bad_url():
    with pytest.raises(ImportProblems) as refused:
        fetch("https://example.atlassian.net", "x", env={})
    assert "set JIRA_TOKEN" in str(refused.value.problems[0])
    with pytest.raises(ImportProblems) as refused:
        fetch("file:///etc/passwd", "x", env=ENV)
    assert "is not an http(s) address" in str(refused.value.problems[0])


def test_the_cli_imports_live(runner, db, two_pages, monkeypatch):
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    two_pages.answers = [(429, {"Retry-After": "0"})]
    result = runner.invoke(
        args=["import", "jira", "--url", two_pages.url, "--jql", "project = FCREPO"]
    )
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count()).select_from(Item)) == 5
    url = db.session.scalar(select(Item.source_url).where(Item.key == "FCREPO-644"))
    assert url == "https://example.atlassian.net/browse/FCREPO-644"  # the issue's own site


def test_the_cli_says_a_401_and_writes_nothing(runner, db, two_pages, monkeypatch):
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    two_pages.answers = [(401, {})]
    result = runner.invoke(args=["import", "jira", "--url", two_pages.url, "--jql", "x"])
    assert result.exit_code == 2
    assert "Jira refused the credentials (401)" in result.stderr
    assert db.session.scalar(select(func.count()).select_from(Item)) == 0
    result = runner.invoke(args=["import", "jira", "--url", two_pages.url])
    assert result.exit_code == 2  # --jql missing: a usage error

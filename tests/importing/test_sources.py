"""Each source reads its documented shape into issues: Jira JSON (v2 and v3, the
Atlassian Document Format flattened), Jira CSV (repeated columns, link columns by
prefix, a file that is not UTF-8), Linear CSV (30 and 34 columns), GitHub."""

import json

import pytest
from import_helpers import JIRA_FILES, uploaded

from app.importing.issues import ImportProblems, UploadedFile, parse_moment
from app.importing.sources import read_files
from app.importing.sources.jira_json import flatten_adf


def by_key(read):
    return {issue.key: issue for issue in read.issues}


def test_jira_json_v2_and_v3_pages_and_a_single_issue():
    issues = by_key(read_files("jira", uploaded(*JIRA_FILES)))
    assert sorted(issues) == ["FCREPO-644", "FCREPO-645", "FCREPO-700", "WEB-1", "WEB-2", "WEB-3"]
    storage = issues["FCREPO-644"]
    assert (storage.project, storage.project_name) == ("FCREPO", "Fedora Repository")
    assert storage.description == "Store binaries by content address.\nSecond line."
    assert (storage.priority, storage.status, storage.status_category) == (
        "Critical",
        "In Progress",
        "indeterminate",
    )
    assert storage.versions[0].release == "2027-05-20"
    assert storage.owner == "Ann Archivist"
    assert storage.url == "https://example.atlassian.net/browse/FCREPO-644"
    web = issues["WEB-1"]
    assert [(link.other, link.direction, link.inward) for link in web.links] == [
        ("FCREPO-644", "inward", "is blocked by"),
        ("FCREPO-645", "outward", "relates to"),
        ("OTHER-1", "inward", "is blocked by"),
    ]
    assert issues["WEB-3"].description == "Dark."


def test_the_document_format_is_flattened_to_text():
    issues = by_key(read_files("jira", uploaded("jira_v3_page2.json")))
    assert issues["FCREPO-700"].description == (
        "Goal\nCheck every binary nightly, ask @Ann Archivist\nthen report.\n"
        "- SHA-256\n- Café notes"
    )
    assert flatten_adf({"type": "doc", "content": "not a list"}) == ""


def test_jira_csv_repeated_columns_and_link_columns_by_prefix():
    issues = by_key(read_files("jira-csv", uploaded("jira_export.csv")))
    assert sorted(issues) == ["APP-1", "APP-2", "APP-3", "DATA-1", "DATA-2"]
    assert [v.name for v in issues["DATA-1"].versions] == ["2027.1", "2027.2"]
    assert issues["DATA-1"].description == 'Kafka topics, with "quotes"'
    assert issues["APP-1"].description == "Multi\nline"
    assert [(k.other, k.direction, k.type_name) for k in issues["APP-1"].links] == [
        ("DATA-1", "inward", "Blocks"),
        ("DATA-2", "inward", "Blocks"),
    ]
    assert [(k.other, k.direction, k.type_name) for k in issues["APP-2"].links] == [
        ("DATA-2", "inward", "Blocker"),
        ("APP-1", "outward", "Cloners"),
    ]
    assert [(k.other, k.direction, k.type_name) for k in issues["APP-3"].links] == [
        ("APP-1", "outward", "blocks")
    ]
    assert issues["DATA-1"].fields["original estimate"] == "432000"


def test_a_csv_that_is_not_utf8_is_read_and_said_so():
    read = read_files("jira-csv", uploaded("jira_cp1252.csv"))
    assert read.issues[0].title == "Crème brûlée café menu"
    assert read.issues[0].project_name == "Café Team"
    assert read.notes == [
        "jira_cp1252.csv is not UTF-8 (byte 0xe8 on line 2): read as Windows-1252; check the names"
    ]


def test_json_that_is_not_utf8_is_refused():
    with pytest.raises(ImportProblems) as refused:
        read_files("jira", [UploadedFile("x.json", '{"key": "é"}'.encode("latin-1"))])
    assert str(refused.value.problems[0]) == "x.json: not UTF-8 text: byte 0xe9 on line 1"


@pytest.mark.parametrize("name", ["linear_30.csv", "linear_34.csv"])
def test_linear_csv_both_shapes(name):
    issues = by_key(read_files("linear-csv", uploaded(name)))
    tokens = issues["ENG-12"]
    assert (tokens.project, tokens.project_name, tokens.priority) == (
        "ENG",
        "Engineering",
        "Urgent",
    )
    assert tokens.due == "2027-02-10"
    assert parse_moment(tokens.created).isoformat() == "2026-10-05T10:20:30"
    assert issues["ENG-13"].resolution == "Canceled"
    assert issues["ENG-14"].status_category == "done"
    if name == "linear_34.csv":
        assert issues["GRO-2"].needs == ["ENG-12", "GRO-1"]


def test_github_issues_with_blocked_by():
    issues = by_key(read_files("github", uploaded("github_issues.json")))
    assert sorted(issues) == ["API-GATEWAY-7", "STOREFRONT-3", "STOREFRONT-4"]  # no pull request
    checkout = issues["STOREFRONT-3"]
    assert checkout.needs == ["API-GATEWAY-7"]
    assert checkout.priority == "P0"
    assert issues["STOREFRONT-4"].needs == ["STOREFRONT-3"]
    assert issues["STOREFRONT-4"].resolution == "Won't Do"
    gateway = issues["API-GATEWAY-7"]
    assert (gateway.project, gateway.versions[0].release) == ("API-GATEWAY", "2027-04-30T07:00:00Z")
    assert gateway.url == "https://github.com/acme/api-gateway/issues/7"


BAD_FILES = {
    "not JSON": (b'{"issues": [', "not valid JSON: Expecting value (line 1, column 13)"),
    "a number": (b"7", 'not Jira issues: expected a search response with "issues"'),
    "deep": (b"[" * 5000 + b"]" * 5000, "nested"),
    "NaN": (b'{"issues": [NaN]}', "not valid JSON: NaN is not a JSON number"),
    "an issue that is a string": (b'{"issues": ["x"]}', "an issue must be an object, got string"),
    "no fields": (b'{"issues": [{"key": "A-1"}]}', "not a Jira issue: no fields"),
}


@pytest.mark.parametrize("data,message", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_bad_jira_files_say_what_is_wrong(data, message):
    with pytest.raises(ImportProblems) as refused:
        read_files("jira", [UploadedFile("bad.json", data)])
    assert message in str(refused.value.problems[0])


def test_every_problem_of_every_file_is_listed():
    files = [
        UploadedFile("a.json", b"[1, 2]"),
        UploadedFile("b.csv", b"Summary\nx\n"),
        UploadedFile("c.json", json.dumps({"issues": [{"key": "A-1"}]}).encode()),
    ]
    with pytest.raises(ImportProblems) as refused:
        read_files("jira", [files[0], files[2]])
    assert [str(p) for p in refused.value.problems] == [
        "a.json: [0]: an issue must be an object, got number",
        "a.json: [1]: an issue must be an object, got number",
        "c.json: issues[0] (A-1): not a Jira issue: no fields",
    ]
    with pytest.raises(ImportProblems) as refused:
        read_files("jira-csv", [files[1]])
    assert str(refused.value.problems[0]) == "b.csv: not this export: no column Issue key"


def test_a_nul_in_a_csv_is_refused():
    with pytest.raises(ImportProblems) as refused:
        read_files("linear-csv", [UploadedFile("n.csv", b"ID,Team,Title\nA-1,T,x\x00y\n")])
    assert str(refused.value.problems[0]) == "n.csv: holds a NUL character on line 2"

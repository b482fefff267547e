"""The planners' Import page: upload, preview, adjust the mapping, import."""

import io
import re
from html.parser import HTMLParser

import pytest
from import_helpers import FIXTURES, JIRA_FILES
from sqlalchemy import func, select

from app.models import AuditEvent, Item, Team
from app.models.import_draft import ImportDraft


class _Fields(HTMLParser):
    """The fields of the page's mapping form, as a browser would send them."""

    def __init__(self):
        super().__init__()
        self.fields, self._select = {}, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name") or ""
        if tag == "input" and a.get("type") == "hidden" and name:
            self.fields[name] = a.get("value", "")
        elif tag == "select":
            self._select = name
            self.fields.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            self.fields[self._select] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def fields(response) -> dict:
    parser = _Fields()
    parser.feed(response.get_data(as_text=True))
    return parser.fields


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def upload(client, kind, *names, mapping=None):
    data = {
        "kind": kind,
        "files": [(io.BytesIO((FIXTURES / n).read_bytes()), n) for n in names],
    }
    if mapping is not None:
        data["mapping"] = (io.BytesIO(mapping.encode()), "mapping.toml")
    return client.post("/import", data=data, content_type="multipart/form-data")


def token_of(response) -> str:
    return re.search(r'action="/import/([0-9a-f]{32})"', response.get_data(as_text=True))[1]


@pytest.fixture
def planner(as_user):
    client, _user = as_user("planner")
    return client


def test_the_page_is_for_planners(db, planner, as_user):
    page = planner.get("/import")
    assert page.status_code == 200
    assert "Preview the import" in page.get_data(as_text=True)
    viewer, _ = as_user("viewer")
    assert viewer.get("/import").status_code == 403


def test_upload_preview_then_import(db, planner):
    preview = upload(planner, "jira", *JIRA_FILES)
    assert preview.status_code == 200, preview.get_data(as_text=True)[:2000]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", preview.get_data(as_text=True)))
    assert "6 issues from Jira issues (JSON from the REST API)" in text
    assert "Items to create 6" in text
    assert "Dependencies to create 3" in text
    assert "platform: issues of WEB need its issues" in text
    assert "Conflicts the plan would show after the import" in text
    assert "schedule violation" in text
    assert "WEB-1: its link to OTHER-1 is left out" in text
    assert count(db, Item) == 0 and count(db, Team) == 0  # a preview writes nothing
    assert count(db, ImportDraft) == 1

    form = fields(preview)
    assert form["teams-0-name"] == "FCREPO" and form["teams-0-value"] == "platform"
    form["confirm"] = "y"
    done = planner.post(f"/import/{token_of(preview)}", data=form)
    assert done.status_code == 302
    assert done.headers["Location"] == "/roadmap"
    assert count(db, Item) == 6
    assert count(db, ImportDraft) == 0
    imports = db.session.scalars(select(AuditEvent).where(AuditEvent.entity != "user")).all()
    assert [(e.entity, e.action) for e in imports] == [("plan", "import")]
    assert imports[0].actor.endswith("@example.com")


def test_the_mapping_is_adjusted_on_the_page(db, planner):
    bad = (FIXTURES / "jira_v2_search.json").read_text().replace('"Backlog"', '"Parked"')
    data = {"kind": "jira", "files": [(io.BytesIO(bad.encode()), "page.json")]}
    preview = planner.post("/import", data=data, content_type="multipart/form-data")
    assert preview.status_code == 200
    body = preview.get_data(as_text=True)
    assert "unknown status &#39;Parked&#39;: map it under [status]" in body
    assert 'name="confirm"' not in body  # nothing to import until it is mapped
    form = fields(preview)
    parked = next(k for k, v in form.items() if v == "Parked").replace("-name", "-value")
    form[parked] = "proposed"
    web = next(k for k, v in form.items() if v == "WEB").replace("-name", "-value")
    form[web] = "platform"
    blocker = next(k for k, v in form.items() if v == "Blocker").replace("-name", "-value")
    form[blocker] = "P1"
    again = planner.post(f"/import/{token_of(preview)}", data={**form, "again": "y"})
    assert again.status_code == 200
    assert "map it under [status]" not in again.get_data(as_text=True)
    assert count(db, Item) == 0
    form = fields(again) | {"confirm": "y"}
    assert planner.post(f"/import/{token_of(again)}", data=form).status_code == 302
    assert db.session.scalar(select(Team.kind).where(Team.slug == "web")) == "platform"
    assert db.session.scalar(select(Item.status).where(Item.key == "WEB-2")) == "proposed"
    assert db.session.scalar(select(Item.priority).where(Item.key == "WEB-1")) == 1


def test_the_mapping_can_be_downloaded_and_uploaded(db, planner):
    preview = upload(planner, "linear-csv", "linear_34.csv")
    mapping = planner.get(f"/import/{token_of(preview)}/mapping.toml")
    assert mapping.status_code == 200
    text = mapping.get_data(as_text=True)
    assert '[teams."ENG"]' in text and 'kind = "platform"' in text
    preview = upload(
        planner, "linear-csv", "linear_34.csv", mapping=text.replace('"platform"', '"product"')
    )
    assert preview.status_code == 200
    assert "product: as the mapping says" in preview.get_data(as_text=True)


BAD_UPLOADS = {
    "not JSON": ("jira", b'{"issues": [', "not valid JSON"),
    "NUL in CSV": ("linear-csv", b"ID,Team,Title\nA-1,T,a\x00b\n", "holds a NUL character"),
    "wrong encoding JSON": ("github", '[{"title": "é"}]'.encode("latin-1"), "not UTF-8 text"),
    "deep": ("jira", b"[" * 100_000 + b"]" * 100_000, "nested"),
    "wrong types": ("github", b'{"number": "7"}', "not a GitHub issue"),
    "not this export": ("jira-csv", b"a,b\n1,2\n", "no column Issue key"),
}


@pytest.mark.parametrize("kind,data,message", BAD_UPLOADS.values(), ids=BAD_UPLOADS.keys())
def test_bad_files_are_refused_with_a_message_and_change_nothing(db, planner, kind, data, message):
    before = (count(db, Item), count(db, AuditEvent), count(db, ImportDraft))
    response = planner.post(
        "/import",
        data={"kind": kind, "files": [(io.BytesIO(data), "bad.file")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert (count(db, Item), count(db, AuditEvent), count(db, ImportDraft)) == before


def test_no_file_and_a_bad_mapping(db, planner):
    response = planner.post("/import", data={"kind": "jira"}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Choose at least one file to import." in response.get_data(as_text=True)
    response = upload(planner, "jira", "jira_v2_search.json", mapping="[teams\n")
    assert response.status_code == 400
    assert "not valid TOML" in response.get_data(as_text=True)
    response = planner.post(
        "/import", data={"kind": "nope", "files": [(io.BytesIO(b"[]"), "x.json")]},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert response.status_code == 400
    assert count(db, ImportDraft) == 0


def test_a_draft_is_its_uploaders_own(db, planner, as_user):
    preview = upload(planner, "jira", "jira_v2_search.json")
    other, _ = as_user("planner", email="other@example.com")
    token = token_of(preview)
    assert other.get(f"/import/{token}/mapping.toml").status_code == 404
    assert other.post(f"/import/{token}", data={"confirm": "y"}).status_code == 404
    assert count(db, Item) == 0


def test_bad_adjustments_are_refused(db, planner):
    preview = upload(planner, "jira", *JIRA_FILES)
    form = fields(preview) | {"teams-0-value": "both", "priorities-0-value": "P9", "confirm": "y"}
    response = planner.post(f"/import/{token_of(preview)}", data=form)
    assert response.status_code == 400
    assert count(db, Item) == 0


def test_a_file_too_large_is_refused(app, db, planner, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 10_000)
    response = planner.post(
        "/import",
        data={"kind": "jira", "files": [(io.BytesIO(b" " * 20_000), "big.json")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    assert count(db, ImportDraft) == 0
    monkeypatch.setattr("app.importing.routes.FILE_MAX_BYTES", 1_000)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 10_000_000)
    response = upload(planner, "jira", "jira_v2_search.json")
    assert response.status_code == 400
    assert "jira_v2_search.json: larger than" in response.get_data(as_text=True)

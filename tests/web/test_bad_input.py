"""Bad input is refused with a 400 (a field error where there is a form) and
changes nothing: NUL characters anywhere, JSON bodies of any shape sent to the HTML
forms, numbers out of range, ids beyond 64 bits, bodies that do not parse."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from werkzeug.security import generate_password_hash

from app import create_app
from app.alignment import select_conflicts
from app.clock import utcnow
from app.extensions import db as _db
from app.forms import InputChecks
from app.plan_store import analyze_plan
from config import TestingConfig

NUL = "a\x00b"
PASSWORD = "a-users-password"


class _PostForms(HTMLParser):
    """The POST forms of a page, each as a browser would send it (no button)."""

    def __init__(self):
        super().__init__()
        self.forms: list[SimpleNamespace] = []
        self._form = self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._form = SimpleNamespace(action=a.get("action"), fields={}, text=[])
            self.forms.append(self._form)
        form, name = self._form, a.get("name")
        if form is None or not name:
            return
        kind = a.get("type", "text")
        if tag == "input" and kind in ("text", "email", "password", "search"):
            form.fields[name] = a.get("value", "")
            form.text.append(name)
        elif tag == "input" and kind in ("checkbox", "radio"):
            if "checked" in a or name not in form.fields:
                form.fields[name] = a.get("value", "y")
        elif tag == "input" and kind != "submit":
            form.fields[name] = a.get("value", "")
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select:
            if "selected" in a or self._select not in form.fields:
                form.fields[self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = name
            form.fields[name] = ""
            form.text.append(name)

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def post_form(page: str, field: str) -> SimpleNamespace:
    reader = _PostForms()
    reader.feed(page)
    return next(form for form in reader.forms if field in form.fields)


def database_state(db) -> dict[str, list[str]]:
    """Every row of every table (sign-in sessions aside: signing in is not a change)."""
    return {
        table.name: sorted(repr(row) for row in db.session.execute(table.select()))
        for table in db.metadata.sorted_tables
        if "session" not in table.name
    }


@pytest.fixture
def plan(db, make_quarters, make_team, make_item, make_dependency, make_user):
    q0, q1, q2 = make_quarters(utcnow().date(), 3)
    pay = make_team("pay", name="Payments Platform", default_capacity=20)
    chk = make_team("chk", kind="product", name="Checkout")
    pay1 = make_item(pay, title="Tokenised cards", priority=3, start=q2, estimate=4)
    chk1 = make_item(chk, title="Saved cards", priority=0, start=q1, estimate=2)
    make_item(pay, title="Ledger", start=q0, estimate=3, status="in_progress")
    dep = make_dependency(chk1, pay1)
    other = make_user("viewer", email="other@example.com")
    return SimpleNamespace(
        periods=(q0, q1, q2), pay=pay, chk=chk, pay1=pay1, chk1=chk1, dep=dep, other=other
    )


@pytest.fixture
def admin_client(plan, as_user):
    client, _admin = as_user("admin", email="root@example.com")
    return client


def _conflict_page(plan) -> str:
    conflict = select_conflicts(analyze_plan().conflicts, type="schedule_violation")[0]
    return f"/conflicts/{conflict.fingerprint}"


# (page with the form, a field that picks the form, values for a valid submission)
FORM_PAGES = {
    "new item": ("/items/new", "title", {"title": "Fraud checks"}),
    "edit item": ("/items/{pay1}/edit", "title", {}),
    "new team": ("/admin/teams/new", "slug", {"name": "Identity", "slug": "idp"}),
    "edit team": ("/admin/teams/{pay_id}", "name", {}),
    "new user": (
        "/admin/users/new",
        "email",
        {"name": "Ann", "email": "ann@example.com", "password": "a-long-enough-password-9"},
    ),
    "edit user": ("/admin/users/{other_id}", "name", {}),
    "new period": (
        "/admin/periods/new",
        "start_date",
        {"name": "2031 Q1", "start_date": "2031-01-01", "end_date": "2031-03-31"},
    ),
    "edit period": ("/admin/periods/{period_id}", "start_date", {}),
    "answer a request": ("/dependencies/{dep_id}/answer", "note", {"commitment": "committed"}),
    "decide a conflict": ("{conflict}", "note", {"state": "accepted", "note": "Known."}),
    "weekly update": ("/status/teams/pay/update", "submission", {"rows-0-note": "Fine."}),
    "new scenario": ("/scenarios", "name", {"name": "PAY-1 slips", "source": "live"}),
}


def _form_cases():
    # the text fields of each form, as its page shows them (checked in the test)
    text_fields = {
        "new item": ("title", "description", "owner"),
        "edit item": ("title", "description", "owner"),
        "new team": ("name", "slug"),
        "edit team": ("name",),
        "new user": ("name", "email", "password"),
        "edit user": ("name", "password"),
        "new period": ("name",),
        "edit period": ("name",),
        "answer a request": ("note",),
        "decide a conflict": ("note",),
        "weekly update": ("rows-0-note",),
        "new scenario": ("name",),
    }
    for form, fields in text_fields.items():
        for field in fields:
            yield pytest.param(form, field, id=f"{form}: {field}")


@pytest.mark.parametrize(("form_name", "field"), _form_cases())
def test_a_nul_in_any_text_field_is_a_field_error_and_changes_nothing(
    db, plan, admin_client, form_name, field
):
    path, picks, valid = FORM_PAGES[form_name]
    path = path.format(
        pay1=plan.pay1.key,
        pay_id=plan.pay.id,
        other_id=plan.other.id,
        period_id=plan.periods[0].id,
        dep_id=plan.dep.id,
        conflict=_conflict_page(plan) if "{conflict}" in path else "",
    )
    page = admin_client.get(path)
    assert page.status_code == 200
    form = post_form(page.get_data(as_text=True), picks)
    assert field in form.text, f"{field} is not a text field of {form_name}: {form.text}"
    before = database_state(db)

    data = {**form.fields, **valid, field: NUL}
    response = admin_client.post(form.action or path, data=data)

    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "NUL character" in body
    assert 'class="error"' in body  # shown on the form, next to the field
    assert database_state(db) == before


def test_every_text_field_of_every_form_is_walked(db, plan, admin_client):
    """The walk above covers each page's every text field: a new one joins it."""
    walked = {(form, field) for param in _form_cases() for form, field in [param.values]}
    for form_name, (path, picks, _valid) in FORM_PAGES.items():
        path = path.format(
            pay1=plan.pay1.key,
            pay_id=plan.pay.id,
            other_id=plan.other.id,
            period_id=plan.periods[0].id,
            dep_id=plan.dep.id,
            conflict=_conflict_page(plan) if "{conflict}" in path else "",
        )
        form = post_form(admin_client.get(path).get_data(as_text=True), picks)
        shown = {name for name in form.text if not re.match(r"rows-[1-9]", name)}
        assert shown <= {f for n, f in walked if n == form_name}, form_name


def test_a_nul_in_the_move_forms_item_is_refused(db, plan, as_user):
    client, _planner = as_user("planner")
    before = database_state(db)
    form = {"item": plan.pay1.key + "\x00", "period": "backlog", "version": "1"}
    response = client.post("/roadmap/move", data=form)
    assert response.status_code == 400
    assert "NUL character" in response.get_data(as_text=True)
    response = client.post("/roadmap/move", data=form, headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert "NUL character" in " ".join(response.get_json()["errors"]["item"])
    assert database_state(db) == before


def test_a_nul_in_the_sign_in_form_is_a_field_error(client, db, make_user):
    user = make_user("viewer", email="v@example.com")
    response = client.post("/login", data={"email": user.email, "password": NUL})
    assert response.status_code == 400
    assert "NUL character" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    [
        "/items/a%00b",
        "/items/a%00b/edit",
        "/teams/a%00b",
        "/status/teams/a%00b",
        "/status/teams/a%00b/update",
        "/conflicts/a%00b",
        "/roadmap?q=a%00b",
        "/roadmap?team=pay&q=a%00b",
        "/conflicts?team=a%00b",
        "/items/new?team=a%00b",
        "/items/PAY-1/dependencies/new?q=a%00b",
        "/dashboard/slipped?since=a%00b",
        "/status/digest?week=a%00b",
        "/roadmap?a%00b=1",
        "/no-such-page/%00",
    ],
)
def test_a_nul_in_the_address_is_refused(db, plan, admin_client, path):
    response = admin_client.get(path)
    assert response.status_code == 400
    assert "NUL character" in response.get_data(as_text=True)


def test_a_nul_in_a_header_or_a_field_name_is_refused(db, plan, admin_client):
    before = database_state(db)
    response = admin_client.get("/roadmap", headers={"X-Note": NUL})
    assert response.status_code == 400
    response = admin_client.post("/items/new", data={NUL: "x", "title": "Fraud checks"})
    assert response.status_code == 400
    assert database_state(db) == before


def test_a_nul_in_a_post_address_changes_nothing(db, plan, admin_client):
    before = database_state(db)
    response = admin_client.post(f"/items/{plan.pay1.key}%00/cancel", data={"version": "1"})
    assert response.status_code == 400
    assert database_state(db) == before


class CsrfConfig(TestingConfig):
    WTF_CSRF_ENABLED = True


@pytest.fixture(scope="module")
def csrf_app(app):
    """A second app with CSRF protection on, on the test's rolled-back connection."""
    csrf_app = create_app(CsrfConfig)
    yield csrf_app
    with csrf_app.app_context():
        _db.engine.dispose()


def _token(client, path: str = "/login") -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


DEEP_ARRAY = "[" * 100_000 + "]" * 100_000
DEEP_OBJECT = '{"email":' * 100_000 + "1" + "}" * 100_000
BAD_JSON_BODIES = {
    "array": "[1,2,3]",
    "string": '"x"',
    "number": "7",
    "null": "null",
    "true": "true",
    "an infinite number": '{"email": 1e999, "password": "x"}',
    "NaN": '{"email": NaN, "password": "x"}',
    "a huge whole number": '{"email": ' + "9" * 5000 + ', "password": "x"}',
    "a number for the e-mail": '{"email": 1, "password": "x"}',
    "a list for the e-mail": '{"email": ["v@example.com"], "password": "x"}',
    "an object for the e-mail": '{"email": {"a": 1}, "password": "x"}',
    "a list for the check box": '{"email": "v@example.com", "password": "x", "remember": [1]}',
    "a nested unknown key": '{"email": "v@example.com", "password": "x", "more": {"a": 1}}',
    "a NUL": '{"email": "v@example.com\\u0000", "password": "x"}',
    "an unpaired surrogate": '{"email": "\\ud800@example.com", "password": "x"}',
    "malformed": '{"email": ',
    "invalid UTF-8": b'{"email": "\xff\xfe"}',
    "a 100,000-deep array": DEEP_ARRAY,
    "a 100,000-deep object": DEEP_OBJECT,
}


@pytest.mark.parametrize("body", ["[1, 2, 3]", '"x"', "7"])
def test_a_json_sign_in_that_is_not_an_object_says_so_on_the_form(db, csrf_app, body):
    client = csrf_app.test_client()
    headers = {"X-CSRFToken": _token(client)}
    response = client.post("/login", data=body, content_type="application/json", headers=headers)
    assert response.status_code == 400
    assert "Send the form&#39;s fields as a JSON object of field values." in response.text


@pytest.mark.parametrize("body", BAD_JSON_BODIES.values(), ids=BAD_JSON_BODIES.keys())
def test_a_json_sign_in_of_the_wrong_shape_is_refused(db, csrf_app, make_user, body):
    make_user("viewer", email="v@example.com")
    client = csrf_app.test_client()
    headers = {"X-CSRFToken": _token(client)}
    response = client.post("/login", data=body, content_type="application/json", headers=headers)
    assert response.status_code == 400
    assert b"<form" in response.data or b"error-page" in response.data

    headers["Accept"] = "application/json"
    response = client.post("/login", data=body, content_type="application/json", headers=headers)
    assert response.status_code == 400
    assert response.is_json or b"<form" in response.data


def _with_password(db, user):
    user.password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    return user


def test_a_json_sign_in_of_the_right_shape_still_signs_in(db, csrf_app, make_user):
    user = _with_password(db, make_user("viewer", email="v@example.com"))
    client = csrf_app.test_client()
    response = client.post(
        "/login",
        json={"email": user.email, "password": PASSWORD, "remember": False},
        headers={"X-CSRFToken": _token(client)},
    )
    assert response.status_code == 302


def test_a_json_sign_in_shows_the_field_it_refuses(db, csrf_app):
    client = csrf_app.test_client()
    response = client.post(
        "/login",
        json={"email": 1, "password": "x"},
        headers={"X-CSRFToken": _token(client)},
    )
    assert response.status_code == 400
    assert "Expected text or a number here." in response.get_data(as_text=True) or (
        "Invalid email address." in response.get_data(as_text=True)
    )


@pytest.mark.parametrize(
    "body",
    [DEEP_ARRAY, DEEP_OBJECT, "[1,2,3]", '"x"', "7", '{"item": 1e999}', '{"item": [["x"]]}'],
    ids=["deep array", "deep object", "array", "string", "number", "1e999", "nested"],
)
def test_a_json_move_of_the_wrong_shape_is_refused(db, plan, csrf_app, make_user, body):
    planner = _with_password(db, make_user("planner", email="p@example.com"))
    client = csrf_app.test_client()
    signed_in = client.post(
        "/login",
        data={"email": planner.email, "password": PASSWORD, "csrf_token": _token(client)},
    )
    assert signed_in.status_code == 302
    before = database_state(db)
    headers = {"X-CSRFToken": _token(client, "/items/new"), "Accept": "application/json"}
    response = client.post(
        "/roadmap/move", data=body, content_type="application/json", headers=headers
    )
    assert response.status_code == 400
    assert response.is_json
    assert database_state(db) == before


def test_a_json_move_of_the_right_shape_moves(db, plan, as_user):
    client, _planner = as_user("planner")
    response = client.post(
        "/roadmap/move",
        json={"item": plan.pay1.key, "period": plan.periods[1].name, "version": 1},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["item"]["start"] == plan.periods[1].name


# The fuzz: every POST route, asked with every kind of bad body

HUGE = "99999999999999999999999"
NUMBER_FIELDS = {
    name: value
    for name in (
        "estimate",
        "default_capacity",
        "version",
        "year",
        "progress",
        "priority",
        "rows-0-last_update_id",
        "rows-0-progress",
        "team",
        "start",
        "end",
        "needed_by",
        "other",
        "teams",
    )
    for value in (HUGE,)
}
BAD_BODIES = {
    "malformed JSON": {"data": '{"title": ', "content_type": "application/json"},
    "JSON array": {"data": "[1,2,3]", "content_type": "application/json"},
    "JSON string": {"data": '"x"', "content_type": "application/json"},
    "JSON number": {"data": "7", "content_type": "application/json"},
    "JSON 1e999": {
        "data": '{"title": 1e999, "estimate": 1e999, "version": 1e999, "note": 1e999}',
        "content_type": "application/json",
    },
    "JSON huge numbers": {
        "data": json.dumps({name: int(HUGE) for name in NUMBER_FIELDS}),
        "content_type": "application/json",
    },
    "JSON nested values": {
        "data": json.dumps({"title": {"a": 1}, "version": [[1]], "note": [1], "item": None}),
        "content_type": "application/json",
    },
    "JSON deep array": {"data": DEEP_ARRAY, "content_type": "application/json"},
    "JSON deep object": {"data": DEEP_OBJECT, "content_type": "application/json"},
    "JSON NUL": {"data": '{"title": "a\\u0000b"}', "content_type": "application/json"},
    "wrong content type": {"data": '{"title": "x"}', "content_type": "text/plain"},
    "broken multipart": {
        "data": b"--x\r\ngarbage",
        "content_type": "multipart/form-data; boundary=x",
    },
    "invalid UTF-8": {
        "data": b"title=%ff%fe&note=\xff\xfe&name=\xc3(&version=1",
        "content_type": "application/x-www-form-urlencoded",
    },
    "huge numbers": {
        "data": {
            **NUMBER_FIELDS,
            "estimate": "1e400",
            "default_capacity": "1e400",
            "title": "Fraud checks",
            "name": "Identity",
        }
    },
    "not-a-number numbers": {"data": {"estimate": "nan", "default_capacity": "inf"}},
    "NUL everywhere": {
        "data": dict.fromkeys(
            (
                "title",
                "description",
                "owner",
                "name",
                "slug",
                "email",
                "password",
                "note",
                "item",
                "next",
                "loaded",
                "submission",
                "rows-0-key",
                "rows-0-note",
                "version",
            ),
            NUL,
        )
    },
}


@pytest.mark.parametrize("body", BAD_BODIES.values(), ids=BAD_BODIES.keys())
def test_no_post_route_fails_or_writes_on_a_bad_body(app, db, plan, client, login, make_user, body):
    admin = make_user("admin", email="root@example.com")
    url_values = {
        # the actions that need no body are aimed where they change nothing
        "user_id": admin.id,  # an admin cannot deactivate themself
        "team_id": plan.pay.id,
        "period_id": plan.periods[0].id,
        "key": plan.pay1.key,
        "slug": plan.pay.slug,
        "dep_id": plan.dep.id,
        "fingerprint": "0" * 16,
        "token_id": 999,  # no such token
    }
    # A token needs nothing but a name: where a body holds one, a token is made.
    needs_only_a_name = {"auth.create_token"}
    urls = app.url_map.bind("localhost")
    wrong = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.endpoint):
        if "POST" not in rule.methods:
            continue
        path = urls.build(rule.endpoint, {arg: url_values.get(arg, 1) for arg in rule.arguments})
        login(admin)
        before = database_state(db)
        response = client.post(path, **body)
        if response.status_code >= 500:
            wrong.append(f"POST {path}: {response.status_code}")
        elif rule.endpoint in needs_only_a_name and response.status_code == 201:
            continue
        elif rule.endpoint != "auth.logout" and database_state(db) != before:
            after = database_state(db)
            changed = {t: (set(after[t]) ^ set(before[t])) for t in after if after[t] != before[t]}
            wrong.append(f"POST {path}: {response.status_code}, and changed {changed}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(
    "path",
    [
        f"/admin/users/{HUGE}",
        f"/admin/teams/{HUGE}",
        f"/admin/periods/{HUGE}",
        f"/dependencies/{HUGE}/edit",
        f"/dependencies/{HUGE}/answer",
        f"/admin/users/{2**63}",
        "/admin/users/-1",
        "/dependencies/-1/edit",
        "/items/-1",
        f"/items/{HUGE}",
        f"/items/{HUGE}/edit",
    ],
)
def test_ids_out_of_range_in_the_address_are_not_found(db, plan, admin_client, path):
    assert admin_client.get(path).status_code == 404
    assert admin_client.post(path, data={"version": "1"}).status_code in (404, 405)


@pytest.mark.parametrize(
    "query",
    [
        f"page={HUGE}",
        "page=-1",
        f"periods={HUGE}",
        "periods=1e400",
        "from=%ff%fe",
        "q=%ff%fe",
        f"week={HUGE}",
        "week=2027-W99",
        f"since={HUGE}",
        "team=%ff",
        "moved=" + "x," * 5000,
    ],
)
def test_no_page_fails_on_a_bad_query(app, db, plan, admin_client, query):
    urls = app.url_map.bind("localhost")
    url_values = {
        "user_id": plan.other.id,
        "team_id": plan.pay.id,
        "period_id": plan.periods[0].id,
        "key": plan.pay1.key,
        "slug": plan.pay.slug,
        "dep_id": plan.dep.id,
        "fingerprint": "0" * 16,
    }
    failed = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        path = urls.build(rule.endpoint, {arg: url_values.get(arg, 1) for arg in rule.arguments})
        response = admin_client.get(f"{path}?{query}")
        if response.status_code >= 500:
            failed.append(f"GET {path}?{query[:40]}: {response.status_code}")
    assert not failed, "\n".join(failed)


def test_every_form_of_the_app_checks_what_its_fields_hold():
    """A new form that derives from wtforms or flask_wtf directly would skip the
    checks of app.forms.Form and app.forms.FlaskForm."""
    from wtforms import Form as WTForm

    import app.admin.forms
    import app.auth.forms
    import app.dashboard.forms
    import app.planning.forms
    import app.roadmap.forms
    import app.status.forms  # noqa: F401

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = [c for c in subclasses(WTForm) if c.__module__.startswith("app.")]
    assert ours
    unchecked = [c.__qualname__ for c in ours if not issubclass(c, InputChecks)]
    assert not unchecked


def test_a_version_beyond_64_bits_is_a_field_error(db, plan, as_user):
    client, _planner = as_user("planner")
    before = database_state(db)
    response = client.post(
        "/roadmap/move",
        data={"item": plan.pay1.key, "period": plan.periods[1].name, "version": HUGE},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400
    assert response.get_json()["errors"]["version"] == ["This number is too large."]
    assert database_state(db) == before


def test_json_is_read_at_most_64_deep_and_with_finite_numbers(app):
    from app.guards import MAX_JSON_DEPTH

    assert app.json.loads("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH)
    for text in (
        "[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1),
        '{"a":' * 100_000 + "1" + "}" * 100_000,
        "[1e999]",
        "[-Infinity]",
        "[NaN]",
    ):
        with pytest.raises(ValueError):
            app.json.loads(text)
    assert app.json.loads('{"a": [1.5, 2, "x"]}') == {"a": [1.5, 2, "x"]}

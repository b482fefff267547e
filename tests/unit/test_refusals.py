"""One way to refuse: every area's error is a Refused carrying its field, the
limits are one set, and one helper each decides JSON and safe redirects."""

import pytest
from flask import Flask

from app import fields
from app.admin.operations import AdminError
from app.auth.operations import AccountError
from app.dashboard.operations import DecisionError
from app.errors import Refused
from app.models import Item, Team
from app.plan_io import PlanError
from app.plan_io.problems import Problem
from app.planning.operations import PlanningError
from app.status.operations import StatusError
from app.web import local_url, wants_json
from app.weeks import WeekError


@pytest.mark.parametrize(
    "kind", [AdminError, AccountError, DecisionError, PlanningError, WeekError]
)
def test_every_area_refuses_with_one_base_class_that_names_the_field(kind):
    error = kind("A title has at most 200 characters.", "title")
    assert isinstance(error, Refused)
    assert error.errors() == [{"field": "title", "message": "A title has at most 200 characters."}]


def test_refusals_of_several_fields_list_each_one():
    rows = StatusError({1: {"note": "Too long.", "health": "Unknown."}})
    assert isinstance(rows, Refused)
    assert rows.errors() == [
        {"field": "rows[1].note", "message": "Too long."},
        {"field": "rows[1].health", "message": "Unknown."},
    ]
    plan = PlanError([Problem("items[0].title", "missing")])
    assert isinstance(plan, Refused)
    assert plan.errors() == [{"field": "items[0].title", "message": "missing"}]


def test_the_models_store_what_the_limits_allow():
    assert Item.__table__.c.title.type.length == fields.TITLE_MAX
    assert Item.__table__.c.key.type.length == fields.KEY_MAX
    assert Item.__table__.c.owner.type.length == fields.OWNER_MAX
    assert Team.__table__.c.slug.type.length == fields.SLUG_MAX
    assert Team.__table__.c.name.type.length == fields.NAME_MAX


def test_too_long_reads_as_a_sentence():
    assert fields.too_long("title", 200) == "A title has at most 200 characters."
    assert fields.too_long("owner", 120) == "An owner has at most 120 characters."
    assert fields.too_long("description", 20_000) == (
        "A description has at most 20,000 characters."
    )


@pytest.mark.parametrize(
    ("value", "ok"),
    [(None, True), (0, True), (100_000, True), (100_000.5, False), (-1, False),
     (float("nan"), False), (float("inf"), False)],
)  # fmt: skip
def test_person_weeks_are_bounded_and_finite(value, ok):
    assert fields.is_person_weeks(value) is ok


@pytest.mark.parametrize(
    ("target", "under", "expected"),
    [
        ("/roadmap?team=pay", "/", "/roadmap?team=pay"),
        ("/roadmap?team=pay#card", "/roadmap", "/roadmap?team=pay"),
        ("/conflicts", "/roadmap", None),
        ("https://evil.example/", "/", None),
        ("//evil.example/", "/", None),
        ("/\\evil.example", "/", None),
        ("/\t/evil.example", "/", None),
        ("/\n/evil.example", "/", None),
        ("javascript:alert(1)", "/", None),
        ("", "/", None),
        (None, "/", None),
    ],
)
def test_a_local_url_never_leads_to_another_host(target, under, expected):
    assert local_url(target, under) == expected


@pytest.mark.parametrize(
    ("path", "accept", "expected"),
    [
        ("/api/v1/items", "text/html", True),
        ("/roadmap/move", "application/json", True),
        ("/roadmap/move", "text/html,application/json;q=0.9", False),
        ("/roadmap", "*/*", False),
    ],
)
def test_wants_json_for_the_api_and_for_requests_that_prefer_it(path, accept, expected):
    with Flask(__name__).test_request_context(path, headers={"Accept": accept}):
        assert wants_json() is expected

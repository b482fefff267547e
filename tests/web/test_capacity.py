"""The teams and capacity page: demand beside capacity, and saving capacity."""

import re
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from web_helpers import audit_count

from app.models import Team, TeamCapacity
from app.roadmap.forms import decode_table, encode_table


@pytest.fixture
def plan(db, make_team, make_period, make_item, make_capacity):
    """Payments: 40 a period by default, 20 in 2090 Q2 (where 30 are planned)."""
    q1, q2 = make_period(year=2090, quarter=1), make_period(year=2090, quarter=2)
    pay = make_team("pay", name="Payments Platform", kind="platform", default_capacity=40)
    chk = make_team("chk", name="Checkout", kind="product")
    make_item(pay, start=q1, estimate=10)
    make_item(pay, start=q2, estimate=30)
    make_item(chk, start=q1, estimate=5)
    make_capacity(pay, q2, 20)
    return SimpleNamespace(q1=q1, q2=q2, pay=pay, chk=chk)


def inputs(html):
    """{name: {attribute: value}} of the page's input elements."""
    found = {}
    for tag in re.findall(r"<input [^>]*>", html):
        attributes = dict(re.findall(r'([\w-]+)="([^"]*)"', tag))
        found[attributes["name"]] = attributes
    return found


def form_of(client):
    """The capacity form as the page renders it: every cell with its value."""
    html = client.get("/capacity").get_data(as_text=True)
    return {name: attrs.get("value", "") for name, attrs in inputs(html).items()}


def capacities(db):
    db.session.expire_all()
    overrides = {
        (row.team.slug, row.period.name): row.person_weeks
        for row in db.session.scalars(select(TeamCapacity))
    }
    defaults = {t.slug: t.default_capacity for t in db.session.scalars(select(Team))}
    return defaults, overrides


def test_everyone_sees_demand_beside_capacity_but_only_planners_get_the_form(
    db, client, as_user, plan
):
    as_user("viewer")
    html = client.get("/capacity").get_data(as_text=True)
    assert 'class="cap-form"' not in html
    assert inputs(html.split("<main")[1]) == {}
    assert "10 / 40 pw · <strong>25%</strong>" in html
    assert "30 / 20 pw · <strong>150%</strong>" in html
    assert 'class="cap-cell over"' in html
    assert '40 <span class="muted">(default)</span>' in html
    as_user("planner")
    html = client.get("/capacity").get_data(as_text=True)
    pay, q2 = plan.pay.id, plan.q2.id
    fields = inputs(html)
    assert fields[f"c{pay}_{q2}"]["value"] == "20"
    assert (fields[f"c{pay}_{plan.q1.id}"]["value"], fields[f"d{pay}"]["value"]) == ("", "40")
    assert (
        f'<label class="visually-hidden" for="c{pay}_{q2}">Payments Platform in 2090 Q2 (' in html
    )


def test_saving_writes_only_changed_cells_and_names_the_conflicts_that_came_and_went(
    db, client, as_user, plan
):
    as_user("planner")
    pay, chk, q1, q2 = plan.pay.id, plan.chk.id, plan.q1.id, plan.q2.id
    fields = form_of(client)
    fields.update({f"c{pay}_{q2}": "", f"c{pay}_{q1}": "8", f"d{chk}": "4"})
    response = client.post("/capacity", data=fields)
    assert response.status_code == 302
    assert capacities(db) == ({"pay": 40, "chk": 4}, {("pay", "2090 Q1"): 8})
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert (
        "Saved 3 capacity changes: resolved 1 conflict (over capacity for Payments Platform in "
        "2090 Q2 (was 150%, now 75%)); new: over capacity for Checkout in 2090 Q1 (125%) and "
        "over capacity for Payments Platform in 2090 Q1 (125%)."
    ) in html


def test_saving_nothing_changed_says_so(db, client, as_user, plan):
    as_user("planner")
    before = audit_count(db)
    response = client.post("/capacity", data=form_of(client), follow_redirects=True)
    assert "No capacity changed." in response.get_data(as_text=True)
    assert audit_count(db) == before


def test_a_cell_changed_by_someone_else_meanwhile_is_not_overwritten(
    db, client, as_user, plan, sign_in
):
    _, first = as_user("planner", email="first@example.com")
    pay, q1, q2 = plan.pay.id, plan.q1.id, plan.q2.id
    mine = form_of(client)
    theirs = dict(mine, **{f"c{pay}_{q2}": "25"})
    as_user("planner", email="second@example.com")
    assert client.post("/capacity", data=theirs).status_code == 302

    sign_in(first)
    other_cell = dict(mine, **{f"c{pay}_{q1}": "35"})
    assert client.post("/capacity", data=other_cell).status_code == 302
    assert capacities(db)[1] == {("pay", "2090 Q1"): 35, ("pay", "2090 Q2"): 25}

    before = audit_count(db)
    same_cell = dict(mine, **{f"c{pay}_{q2}": "30"})
    response = client.post("/capacity", data=same_cell)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "second@example.com changed capacity at " in html
    assert "Payments Platform in 2090 Q2 is now 25 (you loaded 20)" in html
    assert inputs(html)[f"c{pay}_{q2}"]["value"] == "30"
    assert capacities(db)[1][("pay", "2090 Q2")] == 25
    assert audit_count(db) == before
    again = dict(same_cell, loaded=inputs(html)["loaded"]["value"])
    assert client.post("/capacity", data=again).status_code == 302
    assert capacities(db)[1][("pay", "2090 Q2")] == 30


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("lots", "Enter a number of person-weeks, or leave it empty."),
        ("nan", "Enter a number of person-weeks, or leave it empty."),
        ("-3", "Number must be between 0 and 100000."),
        ("1e9", "Number must be between 0 and 100000."),
    ],
)
def test_bad_capacity_is_refused_with_the_reason(db, client, as_user, plan, value, message):
    as_user("planner")
    before = audit_count(db)
    fields = dict(
        form_of(client), **{f"c{plan.pay.id}_{plan.q1.id}": value, f"d{plan.chk.id}": "9"}
    )
    response = client.post("/capacity", data=fields)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert capacities(db)[0]["chk"] is None
    assert audit_count(db) == before


def test_a_damaged_form_is_refused(db, client, as_user, plan):
    as_user("planner")
    for loaded in ("", "nonsense", "1:x=3"):
        fields = dict(form_of(client), loaded=loaded, **{f"d{plan.chk.id}": "9"})
        response = client.post("/capacity", data=fields)
        assert response.status_code == 400
        assert "damaged or out of date" in response.get_data(as_text=True)
    assert capacities(db)[0]["chk"] is None


@pytest.mark.parametrize("role", ["viewer", "contributor"])
def test_only_planners_save_capacity(db, client, as_user, plan, role):
    as_user(role, teams=[plan.chk] if role == "contributor" else ())
    fields = {f"d{plan.chk.id}": "9", "loaded": encode_table({(plan.chk.id, None): None})}
    assert client.post("/capacity", data=fields).status_code == 403
    assert capacities(db)[0]["chk"] is None


def test_the_loaded_table_survives_its_round_trip():
    table = {(1, None): 40.0, (1, 7): 12.5, (2, None): None, (3, 9): 0.1 + 0.2}
    assert decode_table(encode_table(table)) == table
    assert decode_table("1:d=inf") is None


def test_the_page_costs_the_same_queries_whatever_the_number_of_items(
    db, client, as_user, make_item, plan, count_queries
):
    as_user("planner")
    client.get("/capacity")
    with count_queries() as few:
        client.get("/capacity")
    for _ in range(20):
        make_item(plan.pay, start=plan.q1, estimate=1)
        make_item(plan.chk, start=plan.q2, estimate=1)
    with count_queries() as many:
        client.get("/capacity")
    assert many.n == few.n <= 14

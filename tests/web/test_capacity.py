"""The teams and capacity page: demand beside capacity, and saving capacity."""

import re
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select
from web_helpers import audit_count

from app.models import AuditEvent, Team, TeamCapacity
from app.planning.capacity import CapacityChanged, CellState, save_capacities
from app.roadmap.forms import decode_table, encode_table

NO_ROW = CellState(None, None)


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
    assert "second@example.com changed capacity after you opened this page: " in html
    assert (
        "Payments Platform in 2090 Q2 is now 25, set by second@example.com at 2026-11-18 12:00 "
        "UTC (you loaded 20; yours: 30)"
    ) in html
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
    fields = {f"d{plan.chk.id}": "9", "loaded": f"{plan.chk.id}:d=@1"}
    assert client.post("/capacity", data=fields).status_code == 403
    assert capacities(db)[0]["chk"] is None


def test_the_loaded_table_survives_its_round_trip():
    table = {
        (1, None): CellState(40.0, 3),
        (1, 7): CellState(12.5, 2),
        (1, 8): CellState(None, None),
        (2, None): CellState(None, 1),
        (3, 9): CellState(0.1 + 0.2, 1),
    }
    assert decode_table(encode_table(table)) == table
    assert decode_table("1:d=inf@1") is None


@pytest.mark.parametrize(
    "loaded",
    [
        "1:d=40.0",  # a default without its version (a page from before versions)
        "1:7=12.5",  # an override without its version
        "1:7=@2",  # an empty override has no row, so no version
        "1:d=40.0@x",
    ],
)
def test_a_loaded_table_without_its_versions_is_damaged(loaded):
    assert decode_table(loaded) is None


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
    assert many.n == few.n <= 15  # 14, and the inbox badge's unread count


def events_since(db, last_id):
    db.session.expire_all()
    return [
        (e.entity, e.action, e.changes, e.actor)
        for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.id > last_id).order_by(AuditEvent.id)
        )
    ]


def last_event_id(db):
    return db.session.scalar(select(func.max(AuditEvent.id))) or 0


@pytest.fixture
def two_planners(db, as_user, sign_in, client):
    """``(mine, theirs)``: the capacity form as the first planner loaded it, and a
    function that lets a second planner save ``{cell: value}`` from a fresh page
    meanwhile; the first planner is signed in again afterwards."""
    _, first = as_user("planner", email="first@example.com")
    mine = form_of(client)
    _, second = as_user("planner", email="second@example.com")
    sign_in(first)

    def theirs(**cells):
        sign_in(second)
        response = client.post("/capacity", data=dict(form_of(client), **cells))
        assert response.status_code == 302
        sign_in(first)

    return mine, theirs


@pytest.mark.parametrize(
    ("their_cells", "my_cells", "cell", "clash"),
    [
        ({"q2": "25"}, {"q2": "30"}, "q2", "in 2090 Q2 is now 25, set by second@example.com"),
        ({"q2": ""}, {"q2": "30"}, "q2", "in 2090 Q2 is now default, set by second@example.com"),
        ({"q2": "25"}, {"q2": ""}, "q2", "(you loaded 20; yours: default)"),
        ({"q1": "8"}, {"q1": "9"}, "q1", "in 2090 Q1 is now 8, set by second@example.com"),
        ({"d": "50"}, {"d": "45"}, "d", "Payments Platform default is now 50, set by second"),
    ],
    ids=[
        "override changed",
        "override cleared",
        "clearing a changed override",
        "empty cell filled",
        "default changed",
    ],
)
def test_a_stale_save_is_refused_with_the_clash_and_changes_nothing(
    db, client, plan, two_planners, their_cells, my_cells, cell, clash
):
    mine, theirs = two_planners
    pay = plan.pay.id
    names = {"q1": f"c{pay}_{plan.q1.id}", "q2": f"c{pay}_{plan.q2.id}", "d": f"d{pay}"}
    theirs(**{names[k]: v for k, v in their_cells.items()})
    after_theirs, last_id = capacities(db), last_event_id(db)

    response = client.post(
        "/capacity", data=dict(mine, **{names[k]: v for k, v in my_cells.items()})
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "second@example.com changed capacity after you opened this page: " in html
    assert clash in html
    assert "Nothing was saved." in html
    note = re.search(r'<p class="error cap-clash">([^<]*)</p>', html).group(1)
    yours = my_cells[cell] or "empty"
    assert note.startswith("Now ") and note.endswith(f"; yours: {yours}")
    assert inputs(html)[names[cell]]["value"] == my_cells[cell]
    assert capacities(db) == after_theirs
    assert events_since(db, last_id) == []


def test_a_cell_changed_and_changed_back_meanwhile_is_still_a_clash(db, client, plan, two_planners):
    """The versions decide, not the values: 40 -> 50 -> 40 is two saves that this
    form has not seen."""
    mine, theirs = two_planners
    theirs(**{f"d{plan.pay.id}": "50"})
    theirs(**{f"d{plan.pay.id}": "40"})
    response = client.post("/capacity", data=dict(mine, **{f"d{plan.pay.id}": "45"}))
    assert response.status_code == 409
    assert "Payments Platform default is now 40, set by second@example.com" in (
        response.get_data(as_text=True)
    )
    assert capacities(db)[0]["pay"] == 40


def test_a_default_changed_elsewhere_makes_the_form_stale(db, client, plan, two_planners):
    """Any change of a team's default (the admin's team form writes it through the
    ORM) bumps the version that the capacity form checks."""
    mine, _ = two_planners
    last_id = last_event_id(db)
    assert plan.pay.default_capacity == 40
    plan.pay.default_capacity = 45
    db.session.flush()
    assert [changes for _, _, changes, _ in events_since(db, last_id)] == [
        {"default_capacity": [40, 45]}
    ]
    response = client.post("/capacity", data=dict(mine, **{f"d{plan.pay.id}": "30"}))
    assert response.status_code == 409
    assert capacities(db)[0]["pay"] == 45


def test_one_stale_cell_refuses_the_whole_save_and_saving_again_keeps_their_other_changes(
    db, client, plan, two_planners
):
    mine, theirs = two_planners
    pay, chk, q1, q2 = plan.pay.id, plan.chk.id, plan.q1.id, plan.q2.id
    theirs(**{f"c{pay}_{q2}": "25", f"d{chk}": "7"})
    last_id = last_event_id(db)
    response = client.post(
        "/capacity", data=dict(mine, **{f"c{pay}_{q2}": "30", f"c{pay}_{q1}": "8"})
    )
    assert response.status_code == 409
    assert capacities(db) == ({"pay": 40, "chk": 7}, {("pay", "2090 Q2"): 25})
    assert events_since(db, last_id) == []
    page = inputs(response.get_data(as_text=True))
    # mine where I changed a cell, theirs where I did not
    assert (page[f"c{pay}_{q2}"]["value"], page[f"c{pay}_{q1}"]["value"]) == ("30", "8")
    assert page[f"d{chk}"]["value"] == "7"

    again = {name: attributes.get("value", "") for name, attributes in page.items()}
    assert client.post("/capacity", data=again).status_code == 302
    assert capacities(db) == (
        {"pay": 40, "chk": 7},
        {("pay", "2090 Q1"): 8, ("pay", "2090 Q2"): 30},
    )


def test_each_saved_cell_has_one_audit_event_with_its_old_and_new_value(db, client, as_user, plan):
    as_user("planner", email="first@example.com")
    pay, chk, q1, q2 = plan.pay.id, plan.chk.id, plan.q1.id, plan.q2.id
    last_id = last_event_id(db)
    fields = dict(
        form_of(client),
        **{f"c{pay}_{q2}": "", f"c{pay}_{q1}": "8", f"d{chk}": "4", f"d{pay}": "41"},
    )
    assert client.post("/capacity", data=fields).status_code == 302
    events = [(entity, action, changes) for entity, action, changes, _ in events_since(db, last_id)]
    assert sorted(events, key=str) == sorted(
        [
            ("team", "update", {"default_capacity": [40, 41]}),
            ("team", "update", {"default_capacity": [None, 4]}),
            (
                "capacity",
                "create",
                {"team_id": [None, pay], "period_id": [None, q1], "person_weeks": [None, 8]},
            ),
            (
                "capacity",
                "delete",
                {"team_id": [pay, None], "period_id": [q2, None], "person_weeks": [20, None]},
            ),
        ],
        key=str,
    )


def test_saving_over_an_override_made_meanwhile_refuses_instead_of_failing(db, plan):
    """An empty cell as loaded, a row there now: the insert finds the row and the
    save is refused (no IntegrityError)."""
    before = audit_count(db)
    with pytest.raises(CapacityChanged) as refused:
        save_capacities({(plan.pay.id, plan.q2.id): 30}, {(plan.pay.id, plan.q2.id): NO_ROW})
    [clash] = refused.value.clashes
    assert (clash.cell, clash.loaded, clash.theirs, clash.yours) == (
        (plan.pay.id, plan.q2.id),
        None,
        20,
        30,
    )
    assert capacities(db)[1] == {("pay", "2090 Q2"): 20}
    assert audit_count(db) == before

"""Scenarios in the web UI: create and switch into one, edit it with the plan's own
forms and drag-move (the live plan untouched), compare it, and apply it, with and
without a clash."""

import re

import pytest
from sqlalchemy import select
from web_helpers import audit_count, decisions, text_of

from app.models import Item, Scenario, ScenarioChange
from app.scenarios import operations


@pytest.fixture
def planner(as_user):
    client, user = as_user("planner", email="planner@example.com")
    return client


def _scenario(db, name="What if"):
    return db.session.scalar(select(Scenario).where(Scenario.name == name))


def _fresh(db, item):
    db.session.expire_all()
    return db.session.get(Item, item.id)


def _make(db, name="What if"):
    scenario = operations.create_scenario(name)
    db.session.flush()
    return scenario


def _switch(client, scenario):
    response = client.post(f"/scenarios/{scenario.id}/switch", data={"next": "/roadmap"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/roadmap"


def _version(client, url):
    """The version the page at ``url`` carries in its form."""
    page = client.get(url).get_data(as_text=True)
    return int(re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1))


def _card_version(client, item_id, url="/roadmap?from=2031 Q1"):
    """The version the roadmap's card of the item carries for a drag."""
    page = client.get(url).get_data(as_text=True)
    return int(re.search(rf'id="card-{item_id}"[^>]*data-version="(\d+)"', page).group(1))


def _planned(db, scenario, item):
    db.session.expire_all()
    return operations.scenario_analysis(db.session.get(Scenario, scenario.id)).item(item.id)


def test_a_planner_creates_a_scenario_and_is_switched_into_it(db, planner, late_plan):
    response = planner.post("/scenarios", data={"name": "  PAY-1 slips  ", "source": "live"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/roadmap"
    scenario = _scenario(db, "PAY-1 slips")
    assert scenario is not None

    page = text_of(planner.get("/roadmap"))
    assert "Scenario PAY-1 slips : this is a what-if, not the live plan" in page
    assert "Back to live plan" in page and "Compare" in page and "Apply" in page
    listing = text_of(planner.get("/scenarios"))
    assert "PAY-1 slips you are in it" in listing


def test_a_name_taken_or_empty_is_refused_on_the_form(db, planner, late_plan):
    _make(db, "Taken")
    response = planner.post("/scenarios", data={"name": "Taken", "source": "live"})
    assert response.status_code == 400
    assert "There is already a scenario named" in response.get_data(as_text=True)
    response = planner.post("/scenarios", data={"name": "", "source": "live"})
    assert response.status_code == 400
    assert db.session.scalar(select(Scenario).where(Scenario.name == "")) is None


def test_switching_in_shows_the_banner_on_every_page_and_back_to_live_drops_it(
    db, planner, late_plan
):
    scenario = _make(db)
    _switch(planner, scenario)
    for path in ("/roadmap", "/capacity", "/conflicts", "/dashboard", "/scenarios"):
        response = planner.get(path)
        assert response.status_code == 200, path
        assert "Scenario What if :" in text_of(response), path

    response = planner.post("/scenarios/leave", data={"next": "/capacity"})
    assert response.headers["Location"] == "/capacity"
    assert "Scenario What if :" not in text_of(planner.get("/roadmap"))


def test_a_deleted_scenario_is_dropped_from_the_session_silently(db, planner, late_plan):
    scenario = _make(db)
    _switch(planner, scenario)
    operations.delete_scenario(scenario)
    db.session.flush()
    response = planner.get("/roadmap")
    assert response.status_code == 200
    assert "Scenario What if" not in text_of(response)


def test_the_item_form_in_a_scenario_shows_and_saves_the_scenarios_values(db, planner, late_plan):
    scenario = _make(db)
    _switch(planner, scenario)
    q1, q2 = late_plan.periods[0], late_plan.periods[1]
    before = audit_count(db)

    response = planner.post(
        f"/items/{late_plan.pay1.key}/edit",
        data={
            "team": late_plan.pay.id,
            "priority": "0",
            "start": q1.id,
            "end": q2.id,
            "estimate": "12",
            "status": "in_progress",
            "version": _version(planner, f"/items/{late_plan.pay1.key}/edit"),
        },
    )
    assert response.status_code == 302, text_of(response)

    live = _fresh(db, late_plan.pay1)
    assert (live.priority, live.start_period_id, live.estimate) == (3, late_plan.periods[2].id, 10)
    assert live.status == "committed"
    assert audit_count(db) == before  # a scenario is not the plan: no audit, no revision
    planned = _planned(db, scenario, late_plan.pay1)
    assert (planned.priority, planned.start, planned.end) == (0, 0, 1)
    assert (planned.estimate, planned.status) == (12, "in_progress")

    form = planner.get(f"/items/{late_plan.pay1.key}/edit").get_data(as_text=True)
    assert re.search(rf'<option selected value="{q1.id}">2031 Q1</option>', form)
    assert '<option selected value="0">P0 (highest)</option>' in form
    assert 'value="12.0"' in form or 'value="12"' in form
    assert "in scenario What if" in form
    # the item's page says where the scenario has it, and shows the scenario's conflicts
    page = text_of(planner.get(f"/items/{late_plan.pay1.key}"))
    assert "In scenario What if , PAY-1 is in 2031 Q1–Q2" in page


def test_a_roadmap_move_goes_into_the_scenario_and_leaves_live_untouched(db, planner, late_plan):
    scenario = _make(db)
    _switch(planner, scenario)
    pay1 = late_plan.pay1

    version = _card_version(planner, pay1.id)
    response = planner.post(
        "/roadmap/move",
        data={"item": pay1.key, "period": "2031 Q1", "version": version, "next": "/roadmap"},
    )
    assert response.status_code == 302
    assert _fresh(db, pay1).start_period_id == late_plan.periods[2].id  # live: still 2031 Q3
    assert _planned(db, scenario, pay1).start == 0

    answer = planner.post(
        "/roadmap/move",
        json={"item": pay1.key, "period": "2031 Q2", "version": _card_version(planner, pay1.id)},
        headers={"Accept": "application/json"},
    )
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["moved"] is True
    assert body["item"]["start"] == "2031 Q2"
    assert "in scenario What if" in body["message"]
    assert "rm-board" in body["fragments"]
    assert _fresh(db, pay1).start_period_id == late_plan.periods[2].id

    # the Move page shows the scenario's period
    page = planner.get(f"/roadmap/move/{pay1.key}").get_data(as_text=True)
    assert '<option selected value="2031 Q2">2031 Q2</option>' in page
    assert "in scenario What if" in page
    # the roadmap shows the scenario's plan: PAY-1 in 2031 Q2
    roadmap = planner.get("/roadmap?from=2031 Q1").get_data(as_text=True)
    assert re.search(rf'id="card-{pay1.id}"[^>]*data-start="1"', roadmap)


def test_capacity_dependency_and_one_click_actions_go_into_the_scenario(db, planner, late_plan):
    scenario = _make(db)
    _switch(planner, scenario)
    q2 = late_plan.periods[1]

    page = planner.get("/capacity").get_data(as_text=True)
    loaded = re.search(r'name="loaded" type="hidden" value="([^"]*)"', page).group(1)
    cell = f"c{late_plan.pay.id}_{q2.id}"
    response = planner.post("/capacity", data={"loaded": loaded, cell: "5"})
    assert response.status_code == 302, text_of(response)
    db.session.expire_all()
    analysis = operations.scenario_analysis(db.session.get(Scenario, scenario.id))
    pay = next(t for t in analysis.snapshot.teams if t.id == late_plan.pay.id)
    assert pay.capacities == {1: 5.0}
    assert re.search(
        rf'name="{cell}"[^>]*value="5"', planner.get("/capacity").get_data(as_text=True)
    )

    edit = f"/dependencies/{late_plan.dep.id}/edit"
    response = planner.post(
        edit, data={"needed_by": late_plan.periods[3].id, "version": _version(planner, edit)}
    )
    assert response.status_code == 302
    raise_ = f"/items/{late_plan.pay1.key}/suggested/raise?to=P0"
    response = planner.post(raise_, data={"version": _version(planner, raise_)})
    assert response.status_code == 302
    db.session.expire_all()
    analysis = operations.scenario_analysis(db.session.get(Scenario, scenario.id))
    assert analysis.snapshot.dependencies[0].needed_by == 3
    assert analysis.item(late_plan.pay1.id).priority == 0
    live = _fresh(db, late_plan.pay1)
    assert live.priority == 3
    db.session.refresh(late_plan.dep)
    assert late_plan.dep.needed_by_period_id is None


def test_what_a_scenario_cannot_hold_is_refused_inside_one(db, planner, late_plan):
    scenario = _make(db)
    _switch(planner, scenario)
    response = planner.post(f"/items/{late_plan.pay1.key}/delete", data={"version": "1"})
    assert response.status_code == 409
    assert "You are in scenario What if" in text_of(response)
    assert db.session.get(Item, late_plan.pay1.id) is not None


def test_viewers_look_at_and_switch_into_scenarios_but_do_not_change_them(db, as_user, late_plan):
    scenario = _make(db)
    client, _viewer = as_user("viewer")
    _switch(client, scenario)
    assert "Scenario What if :" in text_of(client.get("/roadmap"))
    assert client.get(f"/scenarios/{scenario.id}/compare").status_code == 200
    response = client.post(
        "/roadmap/move", data={"item": late_plan.pay1.key, "period": "2031 Q1", "version": 1}
    )
    assert response.status_code == 403
    assert client.post("/scenarios", data={"name": "Mine", "source": "live"}).status_code == 403
    assert client.get(f"/scenarios/{scenario.id}/apply").status_code == 403
    assert db.session.scalar(select(ScenarioChange)) is None


def test_the_compare_page_shows_conflicts_moves_load_and_slips(db, planner, late_plan):
    scenario = _make(db)
    operations.set_item_fields(
        scenario,
        late_plan.pay1,
        {"start_period_id": late_plan.periods[0].id, "end_period_id": late_plan.periods[0].id},
    )
    operations.set_item_fields(
        scenario,
        late_plan.chk1,
        {"start_period_id": late_plan.periods[3].id, "end_period_id": late_plan.periods[3].id},
    )
    db.session.flush()
    page = text_of(planner.get(f"/scenarios/{scenario.id}/compare"))
    assert "Compare scenario What if" in page
    assert "Resolved 1" in page and "Schedule violation" in page  # PAY-1 now in time
    assert "PAY-1 2031 Q3 2031 Q1 2 periods earlier" in page
    assert "CHK-1 2031 Q2 2031 Q4 2 periods later" in page
    assert "CHK-1 ends 2 periods later." in page
    assert "Payments Platform 2031 Q1 0 / 40 pw · 0% 10 / 40 pw · 25%" in page

    other = _make(db, "Other")
    page = text_of(planner.get(f"/scenarios/{scenario.id}/compare?against={other.id}"))
    assert "Against scenario Other" in page
    assert planner.get(f"/scenarios/{scenario.id}/compare?against=999").status_code == 400


def test_apply_with_a_clash_lists_it_and_writes_nothing(db, planner, late_plan):
    scenario = _make(db)
    operations.set_item_fields(scenario, late_plan.pay1, {"priority": 0})
    db.session.flush()
    late_plan.pay1.priority = 1  # changed live after the scenario changed it
    db.session.flush()
    before = audit_count(db)

    page = planner.get(f"/scenarios/{scenario.id}/apply")
    assert page.status_code == 200
    assert "It cannot be applied as it stands" in text_of(page)
    response = planner.post(f"/scenarios/{scenario.id}/apply", data={"version": scenario.version})
    assert response.status_code == 409
    text = text_of(response)
    assert "Not applied: nothing was written." in text
    assert re.search(r"PAY-1 priority P1 P0", text), text
    assert _fresh(db, late_plan.pay1).priority == 1
    assert audit_count(db) == before
    assert _scenario(db) is not None


def test_apply_clean_writes_the_changes_live_and_leaves_the_scenario(db, planner, late_plan):
    scenario = _make(db)
    _switch(planner, scenario)
    version = _card_version(planner, late_plan.pay1.id)
    response = planner.post(
        "/roadmap/move",
        data={"item": late_plan.pay1.key, "period": "2031 Q1", "version": version},
    )
    assert response.status_code == 302
    db.session.expire_all()
    scenario = _scenario(db)
    response = planner.post(f"/scenarios/{scenario.id}/apply", data={"version": scenario.version})
    assert response.status_code == 302, text_of(response)
    assert _fresh(db, late_plan.pay1).start_period_id == late_plan.periods[0].id
    assert _scenario(db) is None
    assert "Scenario What if :" not in text_of(planner.get("/roadmap"))


def test_a_stale_apply_is_refused(db, planner, late_plan):
    scenario = _make(db)
    response = planner.post(
        f"/scenarios/{scenario.id}/apply", data={"version": scenario.version + 5}
    )
    assert response.status_code == 409
    assert _scenario(db) is not None


def test_rename_copy_and_delete(db, planner, late_plan):
    scenario = _make(db)
    response = planner.post(
        f"/scenarios/{scenario.id}/rename", data={"name": "Renamed", "version": scenario.version}
    )
    assert response.status_code == 302
    db.session.expire_all()
    scenario = _scenario(db, "Renamed")
    response = planner.post(
        f"/scenarios/{scenario.id}/copy", data={"name": "Copied", "version": scenario.version}
    )
    assert response.status_code == 302
    assert _scenario(db, "Copied") is not None
    response = planner.post(
        f"/scenarios/{scenario.id}/rename", data={"name": "Copied", "version": scenario.version}
    )
    assert response.status_code == 400
    response = planner.post(f"/scenarios/{scenario.id}/delete", data={"version": scenario.version})
    assert response.status_code == 302
    assert _scenario(db, "Renamed") is None


def test_the_autoschedule_button_puts_the_moves_into_the_scenario(db, planner, late_plan, queued):
    """A run, as a job (tests/web/test_scenario_autoschedule_job.py has the rest)."""
    scenario = _make(db)
    _switch(planner, scenario)
    roadmap = planner.get("/roadmap").get_data(as_text=True)
    assert f'action="/scenarios/{scenario.id}/autoschedule"' in roadmap
    response = planner.post(
        f"/scenarios/{scenario.id}/autoschedule",
        data={"pin": "none", "horizon": "", "version": scenario.version},
    )
    assert response.status_code == 302
    assert queued.run_queued() == 1
    page = text_of(planner.get(f"/scenarios/{scenario.id}/compare"))
    assert "Done: moved 1 item" in page
    assert _fresh(db, late_plan.pay1).start_period_id == late_plan.periods[2].id
    db.session.expire_all()
    planned = operations.scenario_analysis(_scenario(db))
    assert not planned.select(type="schedule_violation")


def test_a_new_item_in_a_scenario_is_the_scenarios_and_moves_on_its_roadmap(db, planner, late_plan):
    scenario = _make(db)
    _switch(planner, scenario)
    q2 = late_plan.periods[1]
    response = planner.post(
        "/items/new",
        data={
            "team": late_plan.pay.id,
            "title": "Fraud checks",
            "priority": "1",
            "start": q2.id,
            "end": q2.id,
            "estimate": "3",
            "status": "proposed",
            "health": "on_track",
        },
    )
    assert response.status_code == 302, text_of(response)
    assert db.session.scalar(select(Item).where(Item.title == "Fraud checks")) is None
    roadmap = planner.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-key="PAY-new1"' in roadmap
    assert "Added PAY-new1" in roadmap

    new_id = int(re.search(r'id="card-(-\d+)"[^>]*data-key="PAY-new1"', roadmap).group(1))
    answer = planner.post(
        "/roadmap/move",
        json={"item": "PAY-new1", "period": "2031 Q3", "version": _card_version(planner, new_id)},
        headers={"Accept": "application/json"},
    )
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["item"]["start"] == "2031 Q3"
    db.session.expire_all()
    new = next(i for i in operations.scenario_analysis(_scenario(db)).snapshot.items if i.id < 0)
    assert (new.key, new.start, new.end) == ("PAY-new1", 2, 2)
    page = planner.get("/roadmap/move/PAY-new1")
    assert page.status_code == 200
    assert "PAY-new1 (new in this scenario) Fraud checks: now in 2031 Q3" in text_of(page)
    page = planner.get("/items/PAY-new1")
    assert page.status_code == 200
    assert "A new item of scenario What if" in text_of(page)
    form = planner.get("/items/PAY-new1/edit")
    assert form.status_code == 200
    assert "it is new in the scenario" in text_of(form)
    response = planner.post(
        "/items/PAY-new1/edit",
        data={
            "team": late_plan.pay.id,
            "priority": "0",
            "start": late_plan.periods[0].id,
            "end": late_plan.periods[0].id,
            "estimate": "4",
            "status": "committed",
            "version": _version(planner, "/items/PAY-new1/edit"),
        },
    )
    assert response.status_code == 302, text_of(response)
    db.session.expire_all()
    new = next(i for i in operations.scenario_analysis(_scenario(db)).snapshot.items if i.id < 0)
    assert (new.priority, new.start, new.estimate, new.status) == (0, 0, 4, "committed")


def _only_in_scenario(db, scenario):
    """A conflict that the scenario has and the live plan does not."""
    from app.plan_store import analyze_plan

    db.session.expire_all()
    live = {c.fingerprint for c in analyze_plan().conflicts}
    shown = operations.scenario_analysis(db.session.get(Scenario, scenario.id)).conflicts
    return next(c for c in shown if c.fingerprint not in live)


def test_a_decision_inside_a_scenario_is_the_live_plans_and_says_so(db, planner, late_plan):
    from app.plan_store import analyze_plan

    scenario = _make(db)
    _switch(planner, scenario)
    both = analyze_plan().conflicts[0]
    page = text_of(planner.get(f"/conflicts/{both.fingerprint}"))
    assert "The live plan has this conflict too: a decision about it is recorded on the" in page

    response = planner.post(
        f"/conflicts/{both.fingerprint}/decision",
        data={"state": "acknowledged", "note": "On it", "next": "/conflicts"},
    )
    assert response.status_code == 302
    page = text_of(planner.get("/conflicts"))
    assert "this one is recorded on the live plan, and scenario What if shows it as well" in page
    assert [d.fingerprint for d in decisions(db)] == [both.fingerprint]

    response = planner.post(f"/conflicts/{both.fingerprint}/decision/withdraw", data={})
    assert response.status_code == 302
    assert "recorded on the live plan" in text_of(planner.get("/conflicts"))
    assert decisions(db) == []


def test_a_decision_about_a_conflict_only_in_the_scenario_is_refused_not_404(
    db, planner, late_plan
):
    scenario = _make(db)
    operations.set_capacity(scenario, late_plan.pay, late_plan.periods[2], 5)  # PAY-1 needs 10
    db.session.flush()
    _switch(planner, scenario)
    only = _only_in_scenario(db, scenario)

    page = planner.get(f"/conflicts/{only.fingerprint}")
    assert page.status_code == 200
    assert "This conflict is only in scenario What if: decisions are made on the live" in (
        text_of(page)
    )
    assert "Save the decision" not in text_of(page)
    listing = planner.get("/conflicts").get_data(as_text=True)
    row = listing[listing.index(f'id="c-{only.fingerprint}"') :]
    assert "Only in this scenario: decisions are made" in row.split('<li class="conflict ')[0]

    response = planner.post(
        f"/conflicts/{only.fingerprint}/decision", data={"state": "accepted", "note": "Fine"}
    )
    assert response.status_code == 409
    text = text_of(response)
    assert "This conflict is only in scenario What if: decisions are made on the live" in text
    assert "Nothing was recorded" in text
    assert decisions(db) == []
    gone = planner.post("/conflicts/0000/decision", data={"state": "accepted", "note": "x"})
    assert gone.status_code == 404


def test_the_item_details_and_the_answer_page_show_the_scenarios_values(db, planner, late_plan):
    scenario = _make(db)
    q1, q2 = late_plan.periods[0], late_plan.periods[1]
    operations.set_item_fields(
        scenario,
        late_plan.pay1,
        {"start_period_id": q1.id, "end_period_id": q2.id, "priority": 0, "estimate": 12},
    )
    operations.set_dependency_fields(scenario, late_plan.dep, {"commitment": "committed"})
    db.session.flush()
    _switch(planner, scenario)

    page = text_of(planner.get(f"/items/{late_plan.pay1.key}"))
    start = page.index("Details Team")
    details = page[start : page.index("Conflicts", start)]
    assert "Priority P0" in details
    assert "Periods 2031 Q1–Q2 Estimate 12 person-weeks" in details, details
    page = text_of(planner.get(f"/dependencies/{late_plan.dep.id}/answer"))
    assert "Current answer: committed in scenario What if (live: requested)" in page
    assert "Tokenised cards API (P0, 2031 Q1–Q2)" in page
    # outside the scenario: the live values
    planner.post("/scenarios/leave", data={"next": "/roadmap"})
    page = text_of(planner.get(f"/items/{late_plan.pay1.key}"))
    assert "Periods 2031 Q3 Estimate 10 person-weeks" in page
    assert "Current answer: requested" in text_of(
        planner.get(f"/dependencies/{late_plan.dep.id}/answer")
    )

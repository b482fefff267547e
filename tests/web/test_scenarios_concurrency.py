"""Two planners editing one scenario at once: every edit inside a scenario carries
the version its page showed of the thing it edits (app.scenarios.edits.edit_version)
and a stale one is refused as a stale live edit is: 409, a message that says so,
nothing written, JSON for the roadmap's drag. Edits of other things of the same
scenario are not refused."""

import re

import pytest
from sqlalchemy import select, update
from web_helpers import text_of

from app.models import Item, Scenario, ScenarioChange
from app.scenarios import edits, operations


@pytest.fixture
def scenario(db):
    made = operations.create_scenario("What if")
    db.session.flush()
    return made


@pytest.fixture
def two_planners(app, make_user, login, scenario, late_plan):
    """Ana and Ben, each signed in on a client of their own and switched into the
    scenario."""
    browsers = [
        login(make_user("planner", email=email), on=app.test_client())
        for email in ("ana@example.com", "ben@example.com")
    ]
    for browser in browsers:
        response = browser.post(f"/scenarios/{scenario.id}/switch", data={"next": "/roadmap"})
        assert response.status_code == 302
    return browsers


ROADMAP = "/roadmap?from=2031 Q1"
JSON = {"Accept": "application/json"}


def card_version(browser, item_id) -> int:
    page = browser.get(ROADMAP).get_data(as_text=True)
    return int(re.search(rf'id="card-{item_id}"[^>]*data-version="(\d+)"', page).group(1))


def form_version(browser, url) -> int:
    page = browser.get(url).get_data(as_text=True)
    return int(re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1))


def drag(browser, key, period, version):
    return browser.post(
        "/roadmap/move",
        json={"item": key, "period": period, "version": version, "next": ROADMAP},
        headers=JSON,
    )


def planned(db, scenario):
    db.session.expire_all()
    return operations.scenario_analysis(db.session.get(Scenario, scenario.id))


def changes(db, scenario):
    db.session.expire_all()
    rows = db.session.scalars(
        select(ScenarioChange).where(ScenarioChange.scenario_id == scenario.id)
    )
    return {row.target: row.value for row in rows}


def test_the_second_drag_of_the_same_item_is_refused_with_json_and_the_board_redrawn(
    db, late_plan, two_planners, scenario
):
    ana, ben = two_planners
    pay1 = late_plan.pay1
    loaded = card_version(ben, pay1.id)
    assert card_version(ana, pay1.id) == loaded

    assert drag(ana, pay1.key, "2031 Q1", loaded).status_code == 200
    written = changes(db, scenario)

    answer = drag(ben, pay1.key, "2031 Q2", loaded)
    assert answer.status_code == 409
    body = answer.get_json()
    assert body["error"] == "stale"
    assert "PAY-1 was changed in scenario What if after you loaded the roadmap" in body["message"]
    assert (
        "Nothing was moved: in the scenario it is now in 2031 Q1 (Payments Platform)"
        in (body["message"])
    )
    assert body["item"]["start"] == "2031 Q1"  # the scenario's place, not the live one
    assert "rm-board" in body["fragments"]  # the board as it stands now
    assert changes(db, scenario) == written  # nothing written
    assert planned(db, scenario).item(pay1.id).start == 0

    # Ben moves it again from what he now sees
    fresh = body["item"]["version"]
    assert f'data-version="{fresh}"' in body["fragments"]["rm-board"]
    again = drag(ben, pay1.key, "2031 Q2", fresh)
    assert again.status_code == 200, again.get_json()
    assert planned(db, scenario).item(pay1.id).start == 1


def test_a_stale_move_form_is_refused_on_the_move_page(db, late_plan, two_planners, scenario):
    ana, ben = two_planners
    pay1 = late_plan.pay1
    url = f"/roadmap/move/{pay1.key}"
    loaded = form_version(ben, url)
    assert drag(ana, pay1.key, "2031 Q4", card_version(ana, pay1.id)).status_code == 200

    response = ben.post(
        "/roadmap/move", data={"item": pay1.key, "period": "2031 Q1", "version": loaded}
    )
    assert response.status_code == 409
    text = text_of(response)
    assert "Nothing was moved: in the scenario it is now in 2031 Q4" in text
    assert planned(db, scenario).item(pay1.id).start == 3
    # the page carries the version to move against now
    assert f'value="{card_version(ben, pay1.id)}"' in response.get_data(as_text=True)


def test_edits_of_other_things_of_the_scenario_do_not_make_a_drag_stale(
    db, late_plan, two_planners, scenario
):
    """Finer than the scenario's version: Ana moving CHK-1 and raising PAY-1's
    priority do not touch what Ben's drag of PAY-1 would overwrite."""
    ana, ben = two_planners
    loaded = card_version(ben, late_plan.pay1.id)
    assert (
        drag(ana, late_plan.chk1.key, "2031 Q3", card_version(ana, late_plan.chk1.id)).status_code
        == 200
    )
    raise_url = f"/items/{late_plan.pay1.key}/suggested/raise?to=P0"
    assert ana.post(raise_url, data={"version": form_version(ana, raise_url)}).status_code == 302

    assert drag(ben, late_plan.pay1.key, "2031 Q1", loaded).status_code == 200
    analysis = planned(db, scenario)
    assert analysis.item(late_plan.pay1.id).start == 0
    assert analysis.item(late_plan.pay1.id).priority == 0  # Ana's raise kept
    assert analysis.item(late_plan.chk1.id).start == 2


def test_a_live_change_the_scenario_shows_through_makes_its_edit_stale(
    db, late_plan, two_planners, scenario
):
    """The scenario does not change PAY-1's periods, so Ben's roadmap showed the
    live ones; once they change live, his drag is against values gone."""
    _ana, ben = two_planners
    loaded = card_version(ben, late_plan.pay1.id)
    late_plan.pay1.start_period = late_plan.pay1.end_period = late_plan.periods[3]
    db.session.flush()
    assert drag(ben, late_plan.pay1.key, "2031 Q1", loaded).status_code == 409
    assert changes(db, scenario) == {}


def test_a_page_opened_live_cannot_edit_a_scenario(db, late_plan, two_planners, scenario):
    """The live plan's version of an item is not the scenario's: a tab opened on
    the live plan, submitted after switching into the scenario, is refused."""
    _ana, ben = two_planners
    pay1 = late_plan.pay1
    assert drag(ben, pay1.key, "2031 Q1", pay1.version).status_code == 409
    response = ben.post(f"/items/{pay1.key}/cancel", data={"version": pay1.version})
    assert response.status_code == 409
    assert "Nothing was saved" in text_of(response)
    assert changes(db, scenario) == {}


def item_form(page_item, version, **changed):
    return {
        "team": page_item.team_id,
        "priority": str(page_item.priority),
        "start": page_item.start_period_id,
        "end": page_item.end_period_id,
        "estimate": str(page_item.estimate),
        "status": page_item.status,
        "version": version,
    } | changed


def test_the_second_save_of_the_item_form_gets_409_and_the_differences(
    db, late_plan, two_planners, scenario
):
    ana, ben = two_planners
    url = f"/items/{late_plan.pay1.key}/edit"
    loaded = form_version(ben, url)
    assert form_version(ana, url) == loaded
    first = ana.post(url, data=item_form(late_plan.pay1, loaded, priority="0"))
    assert first.status_code == 302

    second = ben.post(url, data=item_form(late_plan.pay1, loaded, estimate="20"))
    assert second.status_code == 409
    text = text_of(second)
    assert "PAY-1 was changed in scenario What if after you opened this page" in text
    assert "Nothing was saved" in text
    assert "Priority P3 P0" in text  # Ben's (unchanged) value, and Ana's
    assert 'value="20"' in second.get_data(as_text=True)  # Ben's values stay in the form
    item = planned(db, scenario).item(late_plan.pay1.id)
    assert (item.priority, item.estimate) == (0, 10)

    fresh = form_version(ben, url)
    assert f'name="version" type="hidden" value="{fresh}"' in second.get_data(as_text=True)
    merged = ben.post(url, data=item_form(late_plan.pay1, fresh, priority="0", estimate="20"))
    assert merged.status_code == 302
    item = planned(db, scenario).item(late_plan.pay1.id)
    assert (item.priority, item.estimate) == (0, 20)


def test_a_stale_edit_of_a_new_item_is_refused(db, late_plan, two_planners, scenario):
    ana, ben = two_planners
    key = operations.add_item(
        scenario,
        late_plan.pay,
        {"title": "Fraud checks", "priority": 1, "start_period_id": late_plan.periods[1].id},
    )
    db.session.flush()
    url = f"/items/{key}/edit"
    loaded = form_version(ben, url)
    new = next(i for i in planned(db, scenario).snapshot.items if i.id < 0)
    assert drag(ana, key, "2031 Q3", card_version(ana, new.id)).status_code == 200

    response = ben.post(
        url,
        data={
            "team": late_plan.pay.id,
            "priority": "0",
            "start": late_plan.periods[1].id,
            "end": late_plan.periods[1].id,
            "estimate": "",
            "status": "proposed",
            "version": loaded,
        },
    )
    assert response.status_code == 409
    assert "Start period 2031 Q2 2031 Q3" in text_of(response)
    new = next(i for i in planned(db, scenario).snapshot.items if i.id < 0)
    assert (new.start, new.priority) == (2, 1)


def loaded_table(browser) -> str:
    page = browser.get("/capacity").get_data(as_text=True)
    return re.search(r'name="loaded" type="hidden" value="([^"]*)"', page).group(1)


def test_a_capacity_cell_changed_meanwhile_is_refused_and_others_are_not(
    db, late_plan, two_planners, scenario
):
    ana, ben = two_planners
    q2, q3 = late_plan.periods[1], late_plan.periods[2]
    cell, other = f"c{late_plan.pay.id}_{q2.id}", f"c{late_plan.pay.id}_{q3.id}"
    loaded = loaded_table(ben)
    assert loaded_table(ana) == loaded
    assert ana.post("/capacity", data={"loaded": loaded, cell: "5"}).status_code == 302

    response = ben.post("/capacity", data={"loaded": loaded, cell: "7"})
    assert response.status_code == 409
    text = text_of(response)
    assert "Payments Platform in 2031 Q2 (scenario What if) is now 5, set" in text
    assert "(you loaded default; yours: 7)" in text
    assert "Nothing was saved" in text
    pay = next(t for t in planned(db, scenario).snapshot.teams if t.id == late_plan.pay.id)
    assert pay.capacities == {1: 5.0}

    # another cell, from the same old page: nothing of Ana's is lost, so it is saved
    assert ben.post("/capacity", data={"loaded": loaded, other: "7"}).status_code == 302
    pay = next(t for t in planned(db, scenario).snapshot.teams if t.id == late_plan.pay.id)
    assert pay.capacities == {1: 5.0, 2: 7.0}


def test_stale_needed_by_and_commitment_are_refused(db, late_plan, two_planners, scenario):
    ana, ben = two_planners
    dep = late_plan.dep
    edit, answer = f"/dependencies/{dep.id}/edit", f"/dependencies/{dep.id}/answer"
    needed, committed = form_version(ben, edit), form_version(ben, answer)

    ana.post(edit, data={"needed_by": late_plan.periods[3].id, "version": needed})
    response = ben.post(edit, data={"needed_by": late_plan.periods[0].id, "version": needed})
    assert response.status_code == 409
    text = text_of(response)
    assert "CHK-1 needing PAY-1 was changed in scenario What if" in text
    assert "Needed by 2031 Q1 2031 Q4" in text

    # Ana's needed-by did not touch the commitment: Ben's answer still holds
    ana_answer = form_version(ana, answer)
    assert ana_answer == committed
    assert (
        ben.post(answer, data={"commitment": "committed", "version": committed}).status_code == 302
    )
    response = ana.post(answer, data={"commitment": "declined", "version": ana_answer})
    assert response.status_code == 409
    assert "Commitment declined committed" in text_of(response)

    found = planned(db, scenario).snapshot.dependencies[0]
    assert (found.needed_by, found.commitment) == (3, "committed")
    db.session.refresh(dep)
    assert (dep.needed_by_period_id, dep.commitment) == (None, "requested")  # live untouched


def test_a_stale_suggested_raise_or_move_is_refused(db, late_plan, two_planners, scenario):
    ana, ben = two_planners
    raise_url = f"/items/{late_plan.pay1.key}/suggested/raise?to=P1"
    move_url = f"/items/{late_plan.pay1.key}/suggested/move?to=2031 Q1"
    raise_version, move_version = form_version(ben, raise_url), form_version(ben, move_url)
    ana_raise = f"/items/{late_plan.pay1.key}/suggested/raise?to=P2"
    assert ana.post(ana_raise, data={"version": form_version(ana, ana_raise)}).status_code == 302
    assert (
        drag(ana, late_plan.pay1.key, "2031 Q2", card_version(ana, late_plan.pay1.id)).status_code
        == 200
    )

    for url, version in ((raise_url, raise_version), (move_url, move_version)):
        response = ben.post(url, data={"version": version})
        assert response.status_code == 409, url
        assert "was changed in scenario What if" in text_of(response)
    item = planned(db, scenario).item(late_plan.pay1.id)
    assert (item.priority, item.start) == (2, 1)


def test_a_save_that_loses_the_race_at_the_write_is_stale_too(db, late_plan, scenario):
    """Another save of the scenario committed between this one's check and its
    write: the scenario's optimistic version refuses it at the flush, and the
    refusal carries the item's values and version read anew."""
    before = operations.scenario_analysis(scenario)
    version = edits.item_version(scenario, edits.planned_item(scenario, late_plan.pay1, before))
    db.session.execute(
        update(Scenario)
        .where(Scenario.id == scenario.id)
        .values(version=Scenario.version + 1)
        .execution_options(synchronize_session=False)
    )
    with pytest.raises(edits.StaleInScenario) as caught:
        edits.change_item(
            scenario,
            late_plan.pay1,
            {
                "priority": 0,
                "start_period_id": late_plan.periods[0].id,
                "end_period_id": late_plan.periods[0].id,
                "team_id": late_plan.pay.id,
                "estimate": 10,
                "status": "committed",
            },
            before,
            what="Saved PAY-1",
            expected_version=version,
        )
    assert caught.value.current["priority"] == 3
    assert caught.value.version is not None
    assert db.session.scalar(select(ScenarioChange)) is None
    assert db.session.get(Item, late_plan.pay1.id).priority == 3

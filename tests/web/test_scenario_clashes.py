"""Settling a scenario's clashes on its apply page: each clash's "Keep live value"
and "Keep scenario's value" buttons (and "Keep all ..." for several), then apply.
Refused, writing nothing: a stale page, a target that is no clash, a viewer."""

import html
import re

import pytest
from sqlalchemy import select
from web_helpers import audit_count, text_of

from app.models import Item, Scenario, ScenarioChange
from app.planning.operations import update_item
from app.scenarios import operations


@pytest.fixture
def planner(as_user):
    client, _user = as_user("planner", email="planner@example.com")
    return client


def _fresh(db, item):
    db.session.expire_all()
    return db.session.get(Item, item.id)


def _scenario(db, scenario_id):
    db.session.expire_all()
    return db.session.get(Scenario, scenario_id)


def _changes(db, scenario_id):
    db.session.expire_all()
    return {
        change.target: (change.value, change.base)
        for change in db.session.scalars(
            select(ScenarioChange).where(ScenarioChange.scenario_id == scenario_id)
        )
    }


def _clashing(db, late_plan, *, estimate_too=False):
    """A scenario that makes PAY-1 P0 (and 12 person-weeks, with ``estimate_too``),
    and the live plan changed to P1 (and 14) since: one clash, or two."""
    pay1 = late_plan.pay1
    scenario = operations.create_scenario("What if")
    wanted = {"priority": 0, "estimate": 12} if estimate_too else {"priority": 0}
    operations.set_item_fields(scenario, pay1, wanted)
    live = {"priority": 1, "estimate": 14} if estimate_too else {"priority": 1}
    update_item(pay1, live, expected_version=pay1.version)
    db.session.flush()
    return scenario


def _keep_forms(page: str) -> dict[str, dict]:
    """The page's keep forms by their button's words: what each sends."""
    forms = {}
    for body in re.findall(
        r'<form method="post" action="[^"]*/clashes/resolve">(.*?)</form>', page, re.S
    ):
        fields: dict[str, list[str]] = {}
        for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', body):
            fields.setdefault(name, []).append(html.unescape(value))
        button = re.search(r'<button type="submit">(.*?)<span', body, re.S).group(1)
        forms[html.unescape(button).strip()] = fields
    return forms


def _forms_of(client, scenario):
    page = client.get(f"/scenarios/{scenario.id}/apply")
    assert page.status_code == 200
    return _keep_forms(page.get_data(as_text=True))


def _target(late_plan, field):
    return f"item:{late_plan.pay1.id}:{field}"


def test_each_clash_offers_both_values_and_several_offer_keep_all(db, planner, late_plan):
    scenario = _clashing(db, late_plan, estimate_too=True)
    page = text_of(planner.get(f"/scenarios/{scenario.id}/apply"))
    assert "keep the live value (the scenario drops its change) or the scenario's" in page
    forms = _forms_of(planner, scenario)
    assert sorted(forms) == [
        "Keep all live",
        "Keep all scenario's",
        "Keep live value",
        "Keep scenario's value",
    ]  # one pair per clash: same words, told apart by the hidden text for screen readers
    everything = {_target(late_plan, "priority"), _target(late_plan, "estimate")}
    assert set(forms["Keep all live"]["target"]) == everything
    assert forms["Keep all scenario's"]["keep"] == ["scenario"]
    assert forms["Keep all live"]["version"] == [str(scenario.version)]
    assert forms["Keep all live"]["csrf_token"]


def test_keep_live_then_apply_keeps_the_live_value(db, planner, late_plan):
    scenario = _clashing(db, late_plan)
    forms = _forms_of(planner, scenario)
    assert forms["Keep live value"]["target"] == [_target(late_plan, "priority")]
    before = audit_count(db)

    response = planner.post(
        f"/scenarios/{scenario.id}/clashes/resolve", data=forms["Keep live value"]
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/scenarios/{scenario.id}/apply"
    page = planner.get(response.headers["Location"])
    assert "Scenario What if: kept the live value of PAY-1 priority (P1)." in text_of(page)
    assert "cannot be applied as it stands" not in text_of(page)
    assert _changes(db, scenario.id) == {}
    assert audit_count(db) == before  # the scenario is not the plan

    scenario_id = scenario.id
    scenario = _scenario(db, scenario_id)
    response = planner.post(f"/scenarios/{scenario_id}/apply", data={"version": scenario.version})
    assert response.status_code == 302, text_of(response)
    assert _fresh(db, late_plan.pay1).priority == 1
    assert _scenario(db, scenario_id) is None


def test_keep_scenario_then_apply_writes_the_scenarios_value(db, planner, late_plan):
    scenario = _clashing(db, late_plan)
    forms = _forms_of(planner, scenario)

    response = planner.post(
        f"/scenarios/{scenario.id}/clashes/resolve", data=forms["Keep scenario's value"]
    )
    assert response.status_code == 302
    page = text_of(planner.get(response.headers["Location"]))
    assert "Scenario What if: kept the scenario's value of PAY-1 priority (P0)." in page
    assert _changes(db, scenario.id) == {_target(late_plan, "priority"): (0, 1)}
    assert _fresh(db, late_plan.pay1).priority == 1  # not applied yet

    scenario = _scenario(db, scenario.id)
    response = planner.post(f"/scenarios/{scenario.id}/apply", data={"version": scenario.version})
    assert response.status_code == 302, text_of(response)
    assert _fresh(db, late_plan.pay1).priority == 0


@pytest.mark.parametrize(
    ("button", "priority", "estimate"),
    [("Keep all live", 1, 14), ("Keep all scenario's", 0, 12)],
)
def test_keep_all_settles_every_clash_in_one_go(db, planner, late_plan, button, priority, estimate):
    scenario = _clashing(db, late_plan, estimate_too=True)
    forms = _forms_of(planner, scenario)
    response = planner.post(f"/scenarios/{scenario.id}/clashes/resolve", data=forms[button])
    assert response.status_code == 302
    page = text_of(planner.get(response.headers["Location"]))
    assert "PAY-1 priority" in page and "PAY-1 estimate" in page and "kept the" in page
    assert operations.scenario_clashes(_scenario(db, scenario.id)) == []
    scenario = _scenario(db, scenario.id)
    assert scenario.version == int(forms[button]["version"][0]) + 1  # one save
    response = planner.post(f"/scenarios/{scenario.id}/apply", data={"version": scenario.version})
    assert response.status_code == 302, text_of(response)
    pay1 = _fresh(db, late_plan.pay1)
    assert (pay1.priority, pay1.estimate) == (priority, estimate)


def test_a_stale_page_is_refused_and_keeps_nothing(db, planner, late_plan):
    scenario = _clashing(db, late_plan, estimate_too=True)
    forms = _forms_of(planner, scenario)
    operations.resolve_clash(scenario, _target(late_plan, "estimate"), "live")  # someone else
    db.session.flush()
    before = _changes(db, scenario.id)

    response = planner.post(
        f"/scenarios/{scenario.id}/clashes/resolve", data=forms["Keep scenario's value"]
    )
    assert response.status_code == 409
    text = text_of(response)
    assert "was changed by someone else after you opened it" in text
    assert "PAY-1 priority P1 P0" in text  # the clash that is left, with today's buttons
    assert _changes(db, scenario.id) == before
    fresh = _keep_forms(response.get_data(as_text=True))
    assert fresh["Keep live value"]["version"] == [str(_scenario(db, scenario.id).version)]


@pytest.mark.parametrize(
    ("data", "status", "words"),
    [
        ({"keep": "live", "target": "item:999999:priority"}, 404, "has no clash"),
        ({"keep": "scenario", "target": "item:1:title"}, 404, "has no clash"),
        ({"keep": "sideways", "target": "T"}, 400, "Keep which value of which clash?"),
        ({"keep": "live"}, 400, "Keep which value of which clash?"),
        ({"target": "T"}, 400, "Keep which value of which clash?"),
    ],
)
def test_a_target_that_is_no_clash_or_a_bad_form_is_refused(
    db, planner, late_plan, data, status, words
):
    scenario = _clashing(db, late_plan)
    before = _changes(db, scenario.id)
    response = planner.post(
        f"/scenarios/{scenario.id}/clashes/resolve", data={"version": scenario.version, **data}
    )
    assert response.status_code == status
    assert words in text_of(response)
    assert "Nothing was kept" in text_of(response) or "nothing was kept" in text_of(response)
    assert _changes(db, scenario.id) == before
    assert _scenario(db, scenario.id).version == scenario.version


def test_a_target_the_scenario_changes_without_a_clash_is_refused(db, planner, late_plan):
    scenario = _clashing(db, late_plan)
    operations.set_item_fields(scenario, late_plan.chk1, {"priority": 2})  # no clash
    db.session.flush()
    before = _changes(db, scenario.id)
    response = planner.post(
        f"/scenarios/{scenario.id}/clashes/resolve",
        data={
            "version": scenario.version,
            "keep": "live",
            "target": f"item:{late_plan.chk1.id}:priority",
        },
    )
    assert response.status_code == 404
    assert _changes(db, scenario.id) == before


def test_a_value_whose_row_is_gone_can_only_be_dropped(db, planner, late_plan):
    scenario = operations.create_scenario("What if")
    operations.set_dependency_fields(scenario, late_plan.dep, {"commitment": "committed"})
    db.session.delete(late_plan.dep)
    db.session.flush()
    page = planner.get(f"/scenarios/{scenario.id}/apply").get_data(as_text=True)
    forms = _keep_forms(page)
    assert sorted(forms) == ["Keep live value"]
    assert "The scenario's value cannot be kept" in page
    target = forms["Keep live value"]["target"]

    refused = planner.post(
        f"/scenarios/{scenario.id}/clashes/resolve",
        data={"version": scenario.version, "keep": "scenario", "target": target},
    )
    assert refused.status_code == 400
    assert "cannot be kept" in text_of(refused)
    assert len(_changes(db, scenario.id)) == 1

    response = planner.post(
        f"/scenarios/{scenario.id}/clashes/resolve", data=forms["Keep live value"]
    )
    assert response.status_code == 302
    assert _changes(db, scenario.id) == {}


def test_a_viewer_cannot_resolve(db, as_user, late_plan):
    scenario = _clashing(db, late_plan)
    viewer, _user = as_user("viewer", email="viewer@example.com")
    before = _changes(db, scenario.id)
    response = viewer.post(
        f"/scenarios/{scenario.id}/clashes/resolve",
        data={
            "version": scenario.version,
            "keep": "scenario",
            "target": _target(late_plan, "priority"),
        },
    )
    assert response.status_code == 403
    assert _changes(db, scenario.id) == before
    assert _scenario(db, scenario.id).version == scenario.version


def test_a_missing_scenario_is_not_found(db, planner, late_plan):
    response = planner.post(
        "/scenarios/999/clashes/resolve", data={"version": 1, "keep": "live", "target": "x"}
    )
    assert response.status_code == 404


def test_keep_all_scenarios_is_not_offered_when_one_value_cannot_be_kept(db, planner, late_plan):
    scenario = _clashing(db, late_plan)
    operations.set_dependency_fields(scenario, late_plan.dep, {"commitment": "committed"})
    db.session.delete(late_plan.dep)
    db.session.flush()
    page = planner.get(f"/scenarios/{scenario.id}/apply")
    forms = _keep_forms(page.get_data(as_text=True))
    assert "Keep all scenario's" not in forms
    assert "Some of the scenario's values cannot be kept" in text_of(page)

    response = planner.post(
        f"/scenarios/{scenario.id}/clashes/resolve", data=forms["Keep all live"]
    )
    assert response.status_code == 302
    assert _changes(db, scenario.id) == {}

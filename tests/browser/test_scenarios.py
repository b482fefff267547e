"""Scenarios in a real browser: a planner creates one and is switched into it (a
banner on every page), drags a card to a later period (the move goes into the
scenario, the live plan keeps the card where it was), compares the scenario with
the live plan, and tries to apply it after someone changed the same item live:
the clash is listed and nothing is written. Axe checks and screenshots at 1440
and 390 px wide."""

import re
import uuid

import pytest

from app import jobs
from tests.browser.conftest import axe_summary
from tests.browser.test_roadmap import card, drag_to_column, period_names

pytestmark = pytest.mark.browser
PLANNER = "planner@example.com"
ADMIN = "admin@example.com"
ROADMAP = "/roadmap?periods=6&team=data"


def _movable(page) -> tuple[str, str]:
    """A Data Platform card in a period with a later one on the page: its key and
    the next period's name."""
    periods = period_names(page)
    for element in page.locator("#rm-svg a.rm-card").all():
        start = element.get_attribute("data-start")
        if not start:
            continue
        name = page.evaluate(
            "n => JSON.parse(document.getElementById('rm-svg').dataset.periods)[n]", int(start)
        )
        if name in periods[:-1]:
            return element.get_attribute("data-key"), periods[periods.index(name) + 1]
    raise AssertionError("no Data Platform card to move")


def test_a_planner_tries_a_move_in_a_scenario_compares_and_meets_a_clash(
    new_page, axe_violations, screenshot_dir
):
    name = f"Data slips {uuid.uuid4().hex[:4]}"
    page = new_page(PLANNER, bypass_csp=True)
    page.goto("/scenarios")
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_role("button", name="Create and switch into it").click()
    page.wait_for_url("**/roadmap")
    banner = page.get_by_role("region", name="Scenario")
    assert name in banner.inner_text()
    assert "Auto-schedule" in page.locator(".sc-auto summary").inner_text()

    page.goto("/scenarios")
    found = axe_violations(page)
    assert not found, axe_summary(found)
    page.screenshot(path=str(screenshot_dir / "scenario-list-1440.png"), full_page=True)

    page.goto(ROADMAP)
    key, later = _movable(page)
    live_start = card(page, key).get_attribute("data-start")
    drag_to_column(page, key, later)
    status = page.locator("#rm-status")
    status.get_by_text(re.compile(rf"Moved {key} to .* in scenario {re.escape(name)}")).wait_for()
    assert card(page, key).get_attribute("data-start") == str(int(live_start) + 1)
    page.screenshot(path=str(screenshot_dir / "scenario-roadmap-1440.png"), full_page=True)

    # The live plan is untouched: a browser not in the scenario sees the card where it was
    live = new_page(ADMIN)
    live.goto(ROADMAP)
    assert card(live, key).get_attribute("data-start") == live_start
    assert live.get_by_role("region", name="Scenario").count() == 0

    # Compare: the move, and how far
    banner.get_by_role("link", name="Compare").click()
    page.wait_for_url(re.compile(r"/scenarios/\d+/compare"))
    moved = page.locator("#sc-moved").locator("xpath=..")
    assert key in moved.inner_text() and "1 period later" in moved.inner_text()
    found = axe_violations(page)
    assert not found, axe_summary(found)
    page.screenshot(path=str(screenshot_dir / "scenario-compare-1440.png"), full_page=True)

    # The scenario raises the item; meanwhile someone sets another priority live
    page.goto(f"/items/{key}/edit")
    current = page.get_by_label("Priority").input_value()
    ours, theirs = [p for p in "0123" if p != current][:2]
    page.get_by_label("Priority").select_option(ours)
    page.screenshot(path=str(screenshot_dir / "scenario-item-form-1440.png"), full_page=True)
    page.get_by_role("button", name="Save in the scenario").click()
    page.wait_for_url(f"**/items/{key}")
    live.goto(f"/items/{key}/edit")
    live.get_by_label("Priority").select_option(theirs)
    live.get_by_role("button", name="Save").click()
    live.wait_for_url(f"**/items/{key}")

    page.get_by_role("region", name="Scenario").get_by_role("link", name="Apply…").click()
    page.get_by_role("button", name=f"Apply {name} to the live plan").click()
    clashes = page.locator(".sc-clashes")
    clashes.wait_for()
    assert "Not applied: nothing was written." in clashes.inner_text()
    row = clashes.locator("tr", has_text=key)
    assert row.locator("td").all_inner_texts()[:3] == ["priority", f"P{theirs}", f"P{ours}"]
    assert row.get_by_role("button", name=f"Keep scenario's value of {key} priority").count() == 1
    found = axe_violations(page)
    assert not found, axe_summary(found)
    page.screenshot(path=str(screenshot_dir / "scenario-apply-clash-1440.png"), full_page=True)

    live.goto(ROADMAP)  # still where it was live: nothing was applied
    assert card(live, key).get_attribute("data-start") == live_start

    page.get_by_role("region", name="Scenario").get_by_role(
        "button", name="Back to live plan"
    ).click()
    assert page.get_by_role("region", name="Scenario").count() == 0


def test_scenario_pages_on_a_phone(new_page, live_app, axe_violations, screenshot_dir):
    page = new_page(PLANNER, width=390, height=844, bypass_csp=True)
    page.goto("/scenarios")
    name = f"Phone {uuid.uuid4().hex[:4]}"
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_role("button", name="Create and switch into it").click()
    page.wait_for_url("**/roadmap")
    page.screenshot(path=str(screenshot_dir / "scenario-roadmap-390.png"))
    for path, shot in (
        ("/scenarios", "scenario-list-390.png"),
        ("/capacity", "scenario-capacity-390.png"),
    ):
        page.goto(path)
        found = axe_violations(page)
        assert not found, f"{path}: {axe_summary(found)}"
        page.screenshot(path=str(screenshot_dir / shot), full_page=True)
    page.goto("/roadmap")
    page.locator(".sc-auto summary").click()
    page.get_by_role("button", name=f"Auto-schedule {name}").click()
    page.wait_for_url(re.compile(r"/scenarios/\d+/autoschedule/\d+"))
    with live_app.app_context():  # the live server's jobs are listed (JOB_RUNNER manual)
        jobs.runner(live_app).run_queued()
    page.locator(".sc-run-text", has_text="Done:").wait_for()
    page.get_by_role("link", name="See the moves and their reasons").click()
    page.wait_for_url(re.compile(r"/scenarios/\d+/compare"))
    assert "Last auto-schedule" in page.inner_text("main")
    found = axe_violations(page)
    assert not found, axe_summary(found)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the compare page scrolls sideways ({width} px)"
    page.screenshot(path=str(screenshot_dir / "scenario-compare-390.png"), full_page=True)

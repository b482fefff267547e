"""Auto-schedule as a job, in a real browser: the button leads to the run's page,
which follows the run (the script asks for its state each second; without
JavaScript the page refreshes itself) and, once it is done, leads to the compare
page with the moves. The live server's jobs are listed, not run (JOB_RUNNER
manual): the test runs them, or sets a run's progress, in the server's database.
Axe checks and screenshots at 1440 and 390 px wide."""

import re
import uuid

import pytest
from sqlalchemy import select

from app import jobs
from app.clock import utcnow
from app.extensions import db
from app.models import AutoscheduleRun, Scenario
from app.scenarios.autoschedule_runs import LEASE
from tests.browser.conftest import DEMO_PASSWORD, axe_summary

pytestmark = pytest.mark.browser
PLANNER = "planner@example.com"
RUN_PAGE = re.compile(r"/scenarios/\d+/autoschedule/\d+$")


def _create(page, name: str) -> None:
    page.goto("/scenarios")
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_role("button", name="Create and switch into it").click()
    page.wait_for_url("**/roadmap")


def _start(page, name: str) -> None:
    page.goto("/roadmap")
    page.locator(".sc-auto summary").click()
    page.get_by_role("button", name=f"Auto-schedule {name}").click()
    page.wait_for_url(RUN_PAGE)


def _set(live_app, name: str, **values) -> None:
    """Set the fields of the scenario's run in the live server's database."""
    with live_app.app_context():
        run = db.session.scalar(select(AutoscheduleRun).join(Scenario).where(Scenario.name == name))
        for key, value in values.items():
            setattr(run, key, value)
        db.session.commit()


def _leased():
    return utcnow() + LEASE


def _run_jobs(live_app) -> None:
    with live_app.app_context():
        jobs.runner(live_app).run_queued()


@pytest.mark.parametrize("width", [1440, 390])
def test_the_run_page_follows_the_run_and_leads_to_the_moves(
    new_page, live_app, axe_violations, screenshot_dir, width
):
    page = new_page(PLANNER, width=width, height=900 if width > 400 else 844, bypass_csp=True)
    name = f"Auto {uuid.uuid4().hex[:4]}"
    _create(page, name)
    _start(page, name)
    status = page.get_by_role("status").filter(has_text="Waiting for a worker")
    assert status.count() == 1
    found = axe_violations(page)
    assert not found, axe_summary(found)
    page.screenshot(path=str(screenshot_dir / f"autoschedule-queued-{width}.png"), full_page=True)

    run_page = page.url
    page.goto("/roadmap")  # while it runs, the roadmap leads to it instead of the button
    page.get_by_role("link", name="See its progress").click()
    page.wait_for_url(run_page)
    page.goto("/roadmap")
    page.screenshot(path=str(screenshot_dir / f"autoschedule-roadmap-{width}.png"))
    page.goto(run_page)

    _set(live_app, name, state="running", done=4_100, total=10_000, next_attempt_at=_leased())
    page.locator(".sc-run-text", has_text="Running: placing the items").wait_for()
    assert page.locator(".sc-run-percent").inner_text() == "41%"
    _set(live_app, name, done=4_700)
    page.wait_for_function("document.querySelector('progress').value === 47")
    assert page.locator(".sc-run-percent").inner_text() == "47%"
    page.screenshot(path=str(screenshot_dir / f"autoschedule-running-{width}.png"), full_page=True)
    width_now = page.evaluate("document.documentElement.scrollWidth")
    assert width_now <= width, f"the run page scrolls sideways ({width_now} px)"

    _set(live_app, name, state="queued", done=0, total=None, next_attempt_at=utcnow())
    _run_jobs(live_app)  # the real run, as a worker would
    page.locator(".sc-run-text", has_text="Done:").wait_for()  # the script reloaded the page
    found = axe_violations(page)
    assert not found, axe_summary(found)
    page.screenshot(path=str(screenshot_dir / f"autoschedule-done-{width}.png"), full_page=True)

    page.get_by_role("link", name="See the moves and their reasons").click()
    page.wait_for_url(re.compile(r"/scenarios/\d+/compare$"))
    assert "Last auto-schedule" in page.inner_text("main")
    page.screenshot(path=str(screenshot_dir / f"autoschedule-compare-{width}.png"))
    width_now = page.evaluate("document.documentElement.scrollWidth")
    assert width_now <= width, f"the compare page scrolls sideways ({width_now} px)"


def test_without_javascript_the_run_page_refreshes_itself(browser, live_server, live_app):
    context = browser.new_context(
        base_url=live_server, viewport={"width": 1440, "height": 900}, java_script_enabled=False
    )
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto("/login")
        page.fill("input[name=email]", PLANNER)
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/login" not in url)
        name = f"NoJS {uuid.uuid4().hex[:4]}"
        _create(page, name)
        # no script: the options are a <details>, opened by its summary all the same
        _start(page, name)
        assert "Waiting for a worker" in page.inner_text("main")
        _run_jobs(live_app)
        page.locator(".sc-run-text", has_text="Done:").wait_for()  # the meta refresh
        assert page.get_by_role("link", name="See the moves and their reasons").count() == 1
    finally:
        context.close()

"""The leadership dashboard in a real browser, on the demo organisation.

Each test accepts the risk of a different kind of conflict (through the UI) and
compares counts before and after, so they hold in any order."""

import re

VIEWER, PLANNER = "lead@example.com", "planner@example.com"


def tile(page, label: str) -> int:
    return int(page.locator(".tiles .tile", has_text=label).locator(".tile-n").first.inner_text())


def accept_first(page, conflict_type: str, note: str) -> str:
    """Accept the risk of the first open low-severity conflict of this type; its
    fingerprint."""
    page.goto(f"/conflicts?type={conflict_type}&severity=low&state=open")
    row = page.locator("li.conflict").first
    fingerprint = row.get_attribute("id").removeprefix("c-")
    row.locator("summary").click()
    row.get_by_label("Accept the risk").check()
    row.get_by_label("Note").fill(note)
    row.get_by_role("button", name="Save the decision").click()
    page.wait_for_selector(".flash-success")
    assert "Accepted the risk" in page.locator(".flash-success").inner_text()
    return fingerprint


def test_a_viewer_sees_every_section_and_no_decision_buttons(new_page, screenshot_dir):
    accept_first(new_page(PLANNER), "unestimated", "Estimates come after the design review.")
    page = new_page(VIEWER)
    page.goto("/dashboard")
    assert tile(page, "open conflicts") > 0
    assert tile(page, "critical") > 0
    assert page.locator(".type-tiles li").count() >= 10
    assert page.locator("svg.trend .series circle").count() >= 1
    heat_cells = page.locator("svg.heat a")
    assert heat_cells.count() >= 13 * 6
    assert re.search(r"\d+%", heat_cells.first.text_content())
    assert page.locator("article.contention").count() >= 1
    assert page.locator("article.contention table tbody tr").count() >= 2
    at_risk = page.locator("section[aria-labelledby=atrisk-h] tbody tr")
    assert at_risk.count() >= 1
    inversions = page.locator("section[aria-labelledby=inversions-h] tbody tr")
    assert inversions.count() >= 1 and " needs " in inversions.first.inner_text()
    accepted = page.locator("section[aria-labelledby=accepted-h] tbody")
    assert "Estimates come after the design review." in accepted.inner_text()
    assert page.get_by_role("button", name=re.compile("Acknowledge|Accept|Save")).count() == 0
    heat_cells.first.focus()
    assert page.evaluate("document.activeElement.closest('svg.heat') !== null")
    page.screenshot(path=str(screenshot_dir / "dashboard.png"), full_page=True)

    page.goto("/conflicts")
    assert page.locator("li.conflict").count() > 0
    assert page.locator("details.decide").count() == 0
    assert page.locator("form[method=post] textarea").count() == 0


def test_a_planner_accepts_a_risk_and_the_open_count_drops_by_one(new_page, screenshot_dir):
    page = new_page(PLANNER)
    page.goto("/dashboard")
    open_before, accepted_before = tile(page, "open conflicts"), tile(page, "accepted risk")
    fingerprint = accept_first(page, "same_period_risk", "Slack is thin but the team is senior.")
    page.screenshot(path=str(screenshot_dir / "conflicts-accepted.png"), full_page=True)
    page.goto("/dashboard")
    assert tile(page, "open conflicts") == open_before - 1
    assert tile(page, "accepted risk") == accepted_before + 1
    accepted = page.locator("section[aria-labelledby=accepted-h]")
    assert "Slack is thin but the team is senior." in accepted.inner_text()
    assert PLANNER in accepted.inner_text()
    page.goto(f"/conflicts/{fingerprint}")
    assert page.locator(".state-accepted").count() == 1


def test_the_print_view_renders(new_page, screenshot_dir):
    page = new_page(VIEWER)
    page.goto("/dashboard")
    page.get_by_role("link", name="Print view").click()
    page.wait_for_url(re.compile(r"print=1"))
    assert not page.locator("header.topbar").is_visible()
    assert page.get_by_role("button", name="Print or save as PDF").is_visible()
    assert page.locator("svg.heat").is_visible() and page.locator("svg.trend").is_visible()
    page.emulate_media(media="print")
    assert not page.get_by_role("button", name="Print or save as PDF").is_visible()
    page.screenshot(path=str(screenshot_dir / "dashboard-print.png"), full_page=True)
    pdf = page.pdf(path=str(screenshot_dir / "dashboard.pdf"), format="A4", print_background=True)
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000

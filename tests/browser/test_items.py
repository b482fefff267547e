"""The item page in a real browser: a stale edit from a second browser context,
what a viewer sees, and a screenshot."""

import re

import pytest

pytestmark = pytest.mark.browser


def create_item(page, title: str) -> str:
    """Create an item through the UI (the demo's Checkout team); returns its key."""
    page.goto("/items/new?team=chk")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Priority").select_option(label="P1")
    page.get_by_label("Estimate (person-weeks)").fill("4")
    page.get_by_role("button", name="Create item").click()
    page.wait_for_url(re.compile(r"/items/CHK-\d+$"))
    assert page.get_by_text(f"'{title}' for Checkout").count() == 1
    return page.url.rsplit("/", 1)[1]


def test_a_stale_edit_in_a_second_browser_shows_who_changed_it(new_page):
    planner = new_page("planner@example.com")
    key = create_item(planner, "Stale edit check")
    admin = new_page("admin@example.com")
    planner.goto(f"/items/{key}/edit")
    admin.goto(f"/items/{key}/edit")

    planner.get_by_label("Title").fill("Renamed by the planner")
    planner.get_by_role("button", name="Save").click()
    planner.wait_for_url(f"**/items/{key}")
    assert planner.get_by_text(f"Saved {key}: title.").count() == 1

    admin.get_by_label("Owner").fill("Admin")
    admin.get_by_role("button", name="Save").click()
    alert = admin.get_by_role("alert").filter(has_text="was changed by")
    assert alert.count() == 1
    assert f"{key} was changed by planner@example.com at" in alert.inner_text()
    differences = admin.locator("table.differences")
    assert "Stale edit check" in differences.inner_text()
    assert "Renamed by the planner" in differences.inner_text()
    assert admin.get_by_label("Owner").input_value() == "Admin"

    admin.get_by_label("Title").fill("Renamed by the planner")
    admin.get_by_role("button", name="Save").click()
    admin.wait_for_url(f"**/items/{key}")
    assert admin.get_by_text(f"Saved {key}: owner.").count() == 1


def test_a_viewer_sees_no_edit_controls_on_an_item_page(new_page):
    viewer = new_page("lead@example.com")
    viewer.goto("/items/CHK-3")
    assert viewer.get_by_role("heading", name="Conflicts").count() == 1
    main = viewer.locator("main")
    assert main.locator("form").count() == 0
    assert main.get_by_role("button").count() == 0
    for name in ("Edit", "Delete…"):
        assert main.get_by_role("link", name=name, exact=True).count() == 0
    assert main.locator("a[href*='/suggested/'], a[href*='/dependencies/']").count() == 0


def test_item_page_screenshot(new_page, screenshot_dir):
    planner = new_page("planner@example.com")
    planner.goto("/items/CHK-3")
    assert planner.get_by_role("heading", name=re.compile("CHK-3")).count() == 1
    assert planner.locator("article.conflict").count() >= 1
    planner.screenshot(path=str(screenshot_dir / "item.png"), full_page=True)

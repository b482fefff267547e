"""The roadmap in a real browser: a planner creates a feature and the platform work
it needs, sees the schedule violation, drags the feature past it and sees it
resolve; a viewer sees no edit controls; screenshots of the roadmap and the
capacity page."""

import re
import uuid

import pytest

pytestmark = pytest.mark.browser


def period_names(page) -> list[str]:
    return page.locator("#rm-svg rect.rm-col").evaluate_all(
        "columns => columns.map(c => c.dataset.period).filter(p => p !== 'backlog')"
    )


def create_from_cell(page, team: str, period: str, title: str) -> str:
    """Follow the "+" of a roadmap cell to the new-item form; returns the new key."""
    page.get_by_role("link", name=f"New item for {team} in {period}", exact=True).click()
    page.wait_for_url(re.compile(r"/items/new\?"))
    assert page.get_by_label("Start period").locator("option:checked").inner_text() == period
    page.get_by_label("Title").fill(title)
    page.get_by_label("Estimate (person-weeks)").fill("1")
    page.get_by_role("button", name="Create item").click()
    page.wait_for_url(re.compile(r"/items/[A-Z]+-\d+$"))
    return page.url.rsplit("/", 1)[1]


def card(page, key: str):
    return page.locator(f"#rm-svg a.rm-card[data-key='{key}']")


def drag_to_column(page, key: str, period: str) -> None:
    card(page, key).scroll_into_view_if_needed()
    box = card(page, key).bounding_box()
    column = page.locator(f"#rm-svg rect.rm-col[data-period='{period}']").bounding_box()
    x, y = box["x"] + 20, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 15, y, steps=3)
    page.mouse.move(column["x"] + 20, y, steps=10)
    page.mouse.up()


def test_a_planner_drags_a_feature_past_the_work_it_needs(new_page, screenshot_dir):
    page = new_page("planner@example.com")
    tag = uuid.uuid4().hex[:6]
    page.goto("/roadmap?periods=6")
    periods = period_names(page)
    needed_in, starts_in, after = periods[3], periods[1], periods[4]

    platform = create_from_cell(page, "Data Platform", needed_in, f"Event replay {tag}")
    page.goto("/roadmap?periods=6")
    feature = create_from_cell(page, "Analytics", starts_in, f"Replay dashboard {tag}")

    page.get_by_role("link", name=f"Add what {feature} needs…").click()
    page.get_by_label("Search").fill(platform)
    page.get_by_role("button", name="Search").click()
    page.get_by_label("Item", exact=True).select_option(index=0)
    page.get_by_role("button", name="Add dependency").click()
    page.wait_for_url(f"**/items/{feature}")

    page.goto("/roadmap?periods=6&team=ana&team=data")
    needed_id = card(page, platform).get_attribute("data-id")
    feature_id = card(page, feature).get_attribute("data-id")
    line = f"path.rm-line[data-from='{needed_id}'][data-to='{feature_id}']"
    assert page.locator(f"{line}.violation").count() == 1
    assert "open conflict" in card(page, feature).get_attribute("aria-label")

    card(page, feature).hover()
    assert page.locator("#rm-svg.rm-tracing").count() == 1
    assert page.locator(f"{line}.rm-on").count() == 1

    drag_to_column(page, feature, after)
    status = page.locator("#rm-status .flash-success")
    status.wait_for()
    assert status.inner_text().startswith(f"Moved {feature} to {after}: resolved ")
    assert f"schedule violation with {platform}" in status.inner_text()
    page.locator(f"{line}.ok").wait_for(state="attached")
    assert page.locator(f"{line}.violation").count() == 0
    assert card(page, feature).get_attribute("data-start") == str(periods.index(after))

    page.goto("/roadmap")
    page.screenshot(path=str(screenshot_dir / "roadmap.png"))


def test_with_javascript_off_the_move_form_does_the_same(browser, live_server):
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/login")
        page.fill("input[name=email]", "planner@example.com")
        page.fill("input[name=password]", "roadmap-demo-2027")
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/login" not in url)
        tag = uuid.uuid4().hex[:6]
        page.goto("/items/new?team=grw")
        page.get_by_label("Title").fill(f"No-script move {tag}")
        page.get_by_role("button", name="Create item").click()
        page.wait_for_url(re.compile(r"/items/GRW-\d+$"))
        key = page.url.rsplit("/", 1)[1]

        page.goto("/roadmap?team=grw")
        period = period_names(page)[1]
        row = page.locator("tr", has=page.get_by_role("link", name=key, exact=True))
        row.get_by_label(f"Start period of {key}").select_option(period)
        row.get_by_role("button", name="Move").click()
        page.wait_for_url(re.compile(r"/roadmap\?team=grw$"))
        assert page.get_by_text(f"Moved {key} to {period}:").count() == 1
        assert card(page, key).get_attribute("data-start") != ""
    finally:
        context.close()


def test_a_viewer_sees_no_edit_controls_on_the_roadmap(new_page):
    page = new_page("lead@example.com")
    page.goto("/roadmap")
    assert card(page, "CHK-3").count() == 1
    assert page.locator("#rm-svg[data-move-url]").count() == 0
    assert page.locator("form.rm-move, a.rm-plus, a.rm-card.movable").count() == 0
    page.goto("/capacity")
    assert page.locator("main form").count() == 0
    assert page.locator("main input").count() == 0


def test_capacity_page_screenshot(new_page, screenshot_dir):
    page = new_page("planner@example.com")
    page.goto("/capacity")
    assert page.get_by_role("button", name="Save capacity").count() == 1
    assert page.locator("td.cap-cell.over").count() >= 1
    page.screenshot(path=str(screenshot_dir / "capacity.png"), full_page=True)

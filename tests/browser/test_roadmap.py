"""The roadmap in a real browser: a planner creates a feature and the platform work
it needs, sees the schedule violation, drags the feature past it and sees it
resolve; a drag and a keyboard move redraw the board in place, at 1440 and 390
px, without fetching the page; a line to a card off the page ends in a stub; a
viewer sees no edit controls; screenshots of the roadmap and the capacity page."""

import re
import uuid

import pytest

from tests.browser import conftest

pytestmark = pytest.mark.browser
PLANNER = "planner@example.com"
WIDTHS = {1440: 900, 390: 844}


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
    page.goto("/roadmap?periods=6&team=ana&team=data")
    periods = period_names(page)
    needed_in, starts_in, after = periods[3], periods[1], periods[4]

    platform = create_from_cell(page, "Data Platform", needed_in, f"Event replay {tag}")
    page.goto("/roadmap?periods=6&team=ana&team=data")
    feature = create_from_cell(page, "Analytics", starts_in, f"Replay dashboard {tag}")

    page.get_by_role("link", name=f"Add what {feature} needs…").click()
    page.get_by_label("Search").fill(platform)
    page.get_by_role("button", name="Search").click()
    page.get_by_label("Item", exact=True).select_option(index=0)
    page.get_by_role("button", name="Add dependency").click()
    page.wait_for_url(f"**/items/{feature}")

    page.goto("/roadmap?periods=6&team=ana&team=data")
    needed_id = card(page, platform).get_attribute("id").removeprefix("card-")
    feature_id = card(page, feature).get_attribute("id").removeprefix("card-")
    line = f"path.rm-line[data-from='{needed_id}'][data-to='{feature_id}']"
    assert page.locator(f"{line}.violation").count() == 1
    assert "1 conflict, worst " in card(page, feature).locator("title").text_content()

    card(page, feature).hover()
    assert page.locator("#rm-svg.rm-tracing").count() == 1
    assert page.locator(f"{line}.rm-on").count() == 1

    fetched = watch(page)
    drag_to_column(page, feature, after)
    status = page.locator("#rm-status .flash-success")
    status.wait_for()
    assert status.inner_text().startswith(f"Moved {feature} to {after}: resolved ")
    assert f"schedule violation with {platform}" in status.inner_text()
    page.locator(f"{line}.ok").wait_for(state="attached")
    assert page.locator(f"{line}.violation").count() == 0
    assert card(page, feature).get_attribute("data-start") == str(periods.index(after))
    assert_in_place(page, fetched)


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
        assert page.locator("#rm-board form").count() == 0
        page.get_by_role("link", name=f"Move {key}…").click()
        page.wait_for_url(re.compile(rf"/roadmap/move/{key}\?"))
        page.get_by_label("Start period").select_option(period)
        page.get_by_role("button", name="Move").click()
        page.wait_for_url(re.compile(r"/roadmap\?team=grw$"))
        assert page.get_by_text(f"Moved {key} to {period}:").count() == 1
        assert card(page, key).get_attribute("data-start") != ""
    finally:
        context.close()


def test_a_viewer_sees_no_edit_controls_on_the_roadmap(new_page):
    page = new_page("lead@example.com")
    page.goto("/roadmap?team=chk")  # other tests add teams to the shared plan: name it
    assert card(page, "CHK-3").count() == 1
    assert page.locator("#rm-svg[data-move-url]").count() == 0
    assert page.locator("a.rm-move-link, a.rm-plus, a.rm-card.movable").count() == 0
    page.goto("/capacity")
    assert page.locator("main form").count() == 0
    assert page.locator("main input").count() == 0


def test_capacity_page_screenshot(new_page, screenshot_dir):
    page = new_page("planner@example.com")
    page.goto("/capacity")
    assert page.get_by_role("button", name="Save capacity").count() == 1
    assert page.locator("td.cap-cell.over").count() >= 1
    page.screenshot(path=str(screenshot_dir / "capacity.png"), full_page=True)


# In place, at both widths


def open_at(browser, live_server, width: int, email: str = PLANNER, bypass_csp=False):
    context = browser.new_context(
        base_url=live_server,
        viewport={"width": width, "height": WIDTHS[width]},
        bypass_csp=bypass_csp,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", conftest.DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
    return context, page


def watch(page) -> list[str]:
    """The GETs of roadmap pages from now on; and a mark that a navigation would wipe."""
    fetched: list[str] = []
    page.on(
        "request",
        lambda r: (
            fetched.append(r.url)
            if r.method == "GET"
            and "/roadmap" in r.url
            and r.resource_type in ("document", "fetch")
            else None
        ),
    )
    page.evaluate("window.rmStillHere = true")
    return fetched


def assert_in_place(page, fetched: list[str]) -> None:
    assert fetched == []
    assert page.evaluate("window.rmStillHere") is True


def keyboard_move(page, key: str, period: str | None = None, team: str | None = None) -> None:
    card(page, key).focus()
    page.keyboard.press("m")
    dialog = page.get_by_role("dialog", name=f"Move {key}")
    dialog.wait_for()
    if period:
        dialog.get_by_label("Start period").select_option(period)
    if team:
        dialog.get_by_label("Team").select_option(team)
    dialog.get_by_role("button", name="Move").click()


def drag_within(page, key: str, period: str) -> None:
    """Drag a card to the column of ``period``, scrolling the board so that both show."""
    column = page.locator(f"#rm-svg rect.rm-col[data-period='{period}']")
    left = float(card(page, key).locator("rect.body").get_attribute("x"))
    page.locator("#rm-board").evaluate("(el, left) => { el.scrollLeft = left - 24; }", left)
    card(page, key).scroll_into_view_if_needed()
    page.locator("#rm-board").evaluate("(el, left) => { el.scrollLeft = left - 24; }", left)
    box = card(page, key).bounding_box()
    target = column.bounding_box()
    x, y = box["x"] + 12, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 15, y, steps=3)
    page.mouse.move(target["x"] + 16, y, steps=10)
    page.mouse.up()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_a_drag_and_a_keyboard_move_redraw_the_board_in_place(browser, live_server, width):
    context, page = open_at(browser, live_server, width)
    try:
        page.goto("/roadmap?team=grw")
        periods = period_names(page)
        key = create_from_cell(page, "Growth", periods[1], f"In place {uuid.uuid4().hex[:6]}")
        page.goto("/roadmap?team=grw")
        fetched = watch(page)

        keyboard_move(page, key, period=periods[2])
        page.locator(
            "#rm-status .flash-success", has_text=f"Moved {key} to {periods[2]}"
        ).wait_for()
        assert card(page, key).get_attribute("data-start") == str(periods.index(periods[2]))
        assert page.evaluate("document.activeElement.dataset.key") == key

        drag_within(page, key, periods[3])
        page.locator(
            "#rm-status .flash-success", has_text=f"Moved {key} to {periods[3]}"
        ).wait_for()
        assert card(page, key).get_attribute("data-start") == str(periods.index(periods[3]))
        bar = page.locator(f"#rm-svg .rm-row[data-team='grw'] .rm-bar[data-period='{periods[3]}']")
        assert "person-weeks planned" in bar.locator("title").text_content()
        assert_in_place(page, fetched)

        keyboard_move(page, key, team="chk")
        note = page.locator("#rm-status a", has_text=f"Show {key} where it went")
        note.wait_for()
        assert card(page, key).count() == 0
        assert page.locator("#rm-svg a.rm-ghost", has_text=f"{key} moved out of this view").count()
        assert_in_place(page, fetched)
        href = note.get_attribute("href")
        assert "team=chk" in href
        page.goto(href)
        assert card(page, key).count() == 1
    finally:
        context.close()


def test_a_line_to_a_card_off_the_page_ends_in_a_labelled_stub(new_page):
    page = new_page(PLANNER)
    page.goto("/roadmap?team=chk")
    stub = page.locator("#rm-svg a.rm-stub").first
    label = stub.locator("text").text_content()
    assert re.match(r"needs [A-Z]+-\d+, .+, (\d{4} Q\d|backlog)", label)
    other = label.split(",")[0].removeprefix("needs ")
    assert card(page, other).count() == 0
    stub.click()
    page.wait_for_url(re.compile(r"/roadmap\?team="))
    assert card(page, other).count() == 1


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_roadmap_fits_the_width_and_has_no_serious_axe_violations(
    browser, live_server, screenshot_dir, axe_violations, width
):
    context, page = open_at(browser, live_server, width, bypass_csp=True)
    try:
        page.goto("/roadmap")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        if width < 600:  # the periods scroll sideways inside the board
            assert page.locator("#rm-board").evaluate("el => el.scrollWidth > el.clientWidth")
        page.screenshot(path=str(screenshot_dir / f"roadmap-{width}.png"))
        for url in ("/roadmap", "/roadmap?team=chk&lines=all", "/roadmap/move/CHK-3"):
            page.goto(url)
            assert page.evaluate("document.documentElement.scrollWidth") <= width, url
            found = axe_violations(page)
            assert found == [], f"{url}: {conftest.axe_summary(found)}"
        page.goto("/roadmap?team=chk")
        card(page, "CHK-3").focus()
        page.keyboard.press("m")
        page.get_by_role("dialog", name="Move CHK-3").wait_for()
        found = axe_violations(page)
        assert found == [], f"the move chooser: {conftest.axe_summary(found)}"
    finally:
        context.close()

"""Every main page on a phone (390 x 844) and on a wide screen (1440 x 900), on the
demo organisation: nothing scrolls the page sideways, axe-core finds no serious or
critical violation, and the top navigation folds into a menu on the phone that
still reaches every link, with or without JavaScript.

Each page is saved to screenshots/ at both widths (``phone-<page>-<width>.png``).
"""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DEMO_PASSWORD, axe_summary

CONTRIBUTOR, VIEWER, PLANNER = "dev@example.com", "lead@example.com", "planner@example.com"
PHONE, WIDE = (390, 844), (1440, 900)

# (name, who, path): My week for the contributor who fills it in, the dashboards
# for leadership, the planning pages for a planner (who sees every control).
PAGES = [
    ("my-week", CONTRIBUTOR, "/status/my-week"),
    ("dashboard", VIEWER, "/dashboard"),
    ("conflicts", VIEWER, "/conflicts"),
    ("item", PLANNER, "/items/DATA-2"),
    ("team", PLANNER, "/teams/data"),
    ("status", VIEWER, "/status"),
    ("team-status", VIEWER, "/status/teams/idn"),
]


def _scroll_width(page) -> tuple[int, int]:
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


@pytest.mark.parametrize("size", [PHONE, WIDE], ids=["390", "1440"])
@pytest.mark.parametrize(("name", "who", "path"), PAGES, ids=[p[0] for p in PAGES])
def test_a_main_page_fits_and_passes_axe(
    new_page, axe_violations, screenshot_dir, name, who, path, size
):
    width, height = size
    page = new_page(who, width=width, height=height, bypass_csp=True)
    response = page.goto(path)
    assert response.status == 200
    scroll, inner = _scroll_width(page)
    assert scroll <= inner, f"{path} scrolls sideways at {width} px ({scroll} > {inner})"
    page.screenshot(path=str(screenshot_dir / f"phone-{name}-{width}.png"), full_page=True)
    found = axe_violations(page)
    assert not found, f"{path} at {width} px:\n{axe_summary(found)}"


def test_my_week_on_a_phone_is_one_card_per_item_with_every_field_at_hand(new_page, screenshot_dir):
    page = new_page(CONTRIBUTOR, width=PHONE[0], height=PHONE[1])
    page.goto("/status/my-week")
    row = page.locator("tr[data-row]").first
    key = row.locator(".key").inner_text()
    box = row.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE[0]
    for label in (f"Health of {key}", f"Status of {key}", f"Progress of {key}", f"Note on {key}"):
        field = row.get_by_label(label)
        field_box = field.bounding_box()
        assert field_box["x"] + field_box["width"] <= PHONE[0], label
        assert field_box["height"] >= 40, f"{label} is big enough to tap"
    row.get_by_label(f"Note on {key}").fill("Checked on the phone")
    row.get_by_label(f"Health of {key}").select_option("at_risk")
    save = page.get_by_role("button", name="Save changes")
    expect(save).to_be_in_viewport()
    page.screenshot(path=str(screenshot_dir / "phone-my-week-editing-390.png"))


def _nav_links(page) -> list[tuple[str, str]]:
    links = page.locator("header nav[aria-label=Main] a")
    return [(a.inner_text().split("\n")[0].strip(), a.get_attribute("href")) for a in links.all()]


def test_the_navigation_folds_into_a_menu_on_a_phone_and_reaches_every_link(
    new_page, screenshot_dir
):
    wide = new_page(PLANNER)
    wide.goto("/dashboard")
    expect(wide.locator(".menu > summary")).to_be_hidden()
    expected = _nav_links(wide)
    assert [label for label, _ in expected][:3] == ["Roadmap", "Capacity", "My week"]
    for label, _ in expected:
        expect(wide.get_by_role("link", name=label, exact=True).first).to_be_visible()

    phone = new_page(PLANNER, width=PHONE[0], height=PHONE[1])
    phone.goto("/dashboard")
    menu = phone.locator(".menu > summary")
    expect(menu).to_be_visible()
    nav = phone.locator("header nav[aria-label=Main]")
    expect(nav).to_be_hidden()
    assert _scroll_width(phone)[0] <= PHONE[0]
    menu.click()
    expect(nav).to_be_visible()
    expect(phone.get_by_role("button", name="Sign out")).to_be_visible()
    phone.screenshot(path=str(screenshot_dir / "phone-menu-open-390.png"))
    assert _nav_links(phone) == expected
    for label, href in expected:
        phone.goto("/dashboard")
        phone.locator(".menu > summary").click()
        phone.locator("header nav[aria-label=Main]").get_by_role(
            "link", name=label, exact=True
        ).click()
        phone.wait_for_url(f"**{href}")
        expect(phone.locator(".menu > summary")).to_be_visible()


def test_the_phone_menu_works_without_javascript(browser, live_server):
    context = browser.new_context(
        base_url=live_server,
        viewport={"width": PHONE[0], "height": PHONE[1]},
        java_script_enabled=False,
    )
    try:
        page = context.new_page()
        page.goto("/login")
        page.fill("input[name=email]", CONTRIBUTOR)
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/login" not in url)
        page.goto("/status")
        nav = page.locator("header nav[aria-label=Main]")
        expect(nav).to_be_hidden()
        page.locator(".menu > summary").click()
        expect(nav).to_be_visible()
        nav.get_by_role("link", name="My week", exact=True).click()
        page.wait_for_url("**/status/my-week")
        expect(page.locator("h1")).to_contain_text("My week")
    finally:
        context.close()

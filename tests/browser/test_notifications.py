"""Notifications in a real browser: a planner asks a platform team for work and a
contributor of that team finds the request in their inbox, with the unread count
in the navigation, and opens it."""

from playwright.sync_api import expect


def test_a_contributor_sees_the_request_a_planner_made_of_their_team(new_page, screenshot_dir):
    planner = new_page("planner@example.com")
    planner.goto("/items/MOB-2/dependencies/new?q=IDN-1")
    choice = planner.locator("select#other option", has_text="IDN-1 ").first
    planner.get_by_label("Item", exact=True).select_option(choice.get_attribute("value"))
    planner.get_by_role("button", name="Add dependency").click()
    expect(planner.locator(".flash-success")).to_contain_text("MOB-2 now needs IDN-1")

    dev = new_page("dev@example.com")  # a contributor of Identity
    expect(dev.locator("a.inbox-link .count")).to_be_visible()
    dev.locator("a.inbox-link").click()
    request = dev.locator("ol.inbox-list li.unread", has_text="IDN-1").first
    expect(request).to_contain_text("Mobile App asks Identity for IDN-1")
    dev.screenshot(path=str(screenshot_dir / "notifications-inbox.png"), full_page=True)
    dev.set_viewport_size({"width": 390, "height": 844})
    dev.screenshot(path=str(screenshot_dir / "notifications-inbox-390.png"), full_page=True)
    dev.set_viewport_size({"width": 1440, "height": 900})

    request.get_by_role("button").click()
    expect(dev.locator("h1")).to_contain_text("IDN-1")

"""Weekly status in a real browser: a contributor submits the week, sees it complete
and finds the change in the digest; another team's form is closed to them."""

import re
import uuid

from playwright.sync_api import expect


def test_a_contributor_submits_the_week_and_finds_it_in_the_digest(new_page, screenshot_dir):
    page = new_page("dev@example.com")
    page.goto("/status/my-week")
    expect(page.locator("h1")).to_contain_text("My week")
    identity = page.locator("section.team-block", has=page.locator("h2", has_text="Identity"))
    row = identity.locator(
        "tr[data-row]", has=page.locator("select option[selected][value=on_track]")
    )
    row = row.first
    key = row.locator(".key").inner_text()
    note = f"Vendor sandbox down again ({uuid.uuid4().hex[:8]})"
    row.get_by_label(f"Health of {key}").select_option("at_risk")
    row.get_by_label(f"Note on {key}").fill(note)
    expect(row).to_have_class(re.compile(r"\bedited\b"))
    page.screenshot(path=str(screenshot_dir / "status-my-week.png"), full_page=True)

    page.get_by_role("button", name="Save, and confirm every other row as unchanged").click()
    expect(page.locator(".flash-success")).to_contain_text("1 changed")
    for team in ("Identity", "Checkout"):
        block = page.locator("section.team-block", has=page.locator("h2", has_text=team))
        expect(block.locator(".completeness strong")).to_have_text("100%")

    page.goto("/status/digest")
    section = page.locator("section.digest-team", has=page.locator("h2", has_text="Identity"))
    expect(section).to_contain_text(f"{key} ")
    expect(section).to_contain_text(f"on track → at risk (by dev@example.com): “{note}”")
    expect(page.locator("#digest-markdown")).to_contain_text(note)
    page.screenshot(path=str(screenshot_dir / "status-digest.png"), full_page=True)

    page.goto("/status/teams/idn")
    expect(page.locator(".completeness strong")).to_have_text("100%")
    page.screenshot(path=str(screenshot_dir / "status-team.png"), full_page=True)


def test_no_change_puts_an_edited_row_back(new_page):
    page = new_page("dev@example.com")
    page.goto("/status/teams/chk/update")
    row = page.locator("tr[data-row]").first
    key = row.locator(".key").inner_text()
    health = row.get_by_label(f"Health of {key}")
    before = health.input_value()
    health.select_option("off_track" if before != "off_track" else "on_track")
    row.get_by_label(f"No change to {key}").check()
    expect(health).to_have_value(before)


def test_another_teams_form_is_closed_to_a_contributor(new_page):
    page = new_page("dev@example.com")
    response = page.goto("/status/teams/pay/update")
    assert response.status == 403
    expect(page.locator("form[data-week-form]")).to_have_count(0)
    expect(page.locator("body")).not_to_contain_text("PAY-1")

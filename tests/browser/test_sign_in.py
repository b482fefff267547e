def test_demo_planner_signs_in_and_sees_the_home_page(new_page, screenshot_dir):
    page = new_page("planner@example.com")
    assert page.locator("text=planner@example.com").count() == 1
    page.screenshot(path=str(screenshot_dir / "home.png"), full_page=True)


def test_wrong_password_is_refused(new_page):
    page = new_page()
    page.goto("/login")
    page.fill("input[name=email]", "planner@example.com")
    page.fill("input[name=password]", "not-the-password")
    page.click("button[type=submit]")
    assert page.locator("text=do not match").count() == 1

"""Browser tests: the app served on a real port from a thread, with the demo
organisation loaded, driven by Playwright in the system Chromium.

The live server has its own database: a temporary SQLite file, or a throwaway
PostgreSQL database beside TEST_DATABASE_URL's. CSRF protection is on, as in
production. Without /usr/bin/chromium the tests skip locally and fail under CI.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from config import BASE_DIR, TestingConfig

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = BASE_DIR / "screenshots"
DEMO_PASSWORD = "roadmap-demo-2027"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(f"CI is set but {CHROMIUM} is missing: browser tests cannot run")
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing")
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def live_database_url(scratch_database):
    with scratch_database("browser") as url:
        yield url


@pytest.fixture(scope="session")
def live_app(live_database_url):
    from app import create_app
    from app.extensions import db

    class LiveConfig(TestingConfig):
        SQLALCHEMY_DATABASE_URI = live_database_url
        WTF_CSRF_ENABLED = True
        ANALYSIS_REUSE_SECONDS = 600

    app = create_app(LiveConfig)
    with app.app_context():
        db.create_all()
        runner = app.test_cli_runner()
        result = runner.invoke(args=["seed", "demo"])
        assert result.exit_code == 0, result.output
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(live_app):
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """`new_page(email)` opens a fresh browser context signed in as that demo user."""
    contexts = []

    def open_as(email: str | None = None):
        context = browser.new_context(base_url=live_server, viewport={"width": 1440, "height": 900})
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        if email:
            page.goto("/login")
            page.fill("input[name=email]", email)
            page.fill("input[name=password]", DEMO_PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(lambda url: "/login" not in url)
        return page

    yield open_as
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def screenshot_dir():
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS

"""Browser tests: the app served on a real port from a thread, with the demo
organisation loaded, driven by Playwright in the system Chromium.

The live server has its own database: a temporary SQLite file, or a throwaway
PostgreSQL database beside TEST_DATABASE_URL's. CSRF protection is on, as in
production. Without /usr/bin/chromium the tests skip locally and fail under CI.

``axe_violations(page)`` runs axe-core (installed from npm by ``make install-dev``
into .venv/axe, injected into a page opened with ``bypass_csp=True``) and returns
its serious and critical violations; without axe-core it skips locally and fails
under CI, like the browser.
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
AXE_SCRIPT = BASE_DIR / ".venv" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
AXE_IMPACTS = ("serious", "critical")
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

    def open_as(
        email: str | None = None, *, width: int = 1440, height: int = 900, bypass_csp: bool = False
    ):
        """``width`` and ``height``: the viewport (390 x 844 for a phone); ``bypass_csp``
        lets a test inject a script of its own, such as axe-core."""
        context = browser.new_context(
            base_url=live_server,
            viewport={"width": width, "height": height},
            bypass_csp=bypass_csp,
        )
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
def screenshot_dir(tmp_path_factory):
    """Where the browser tests save their screenshots: a temporary directory, or
    the project's screenshots/ with ``SCREENSHOTS=1`` (to refresh the ones kept)."""
    if os.environ.get("SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(exist_ok=True)
        return SCREENSHOTS
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_SCRIPT.exists():
        message = f"{AXE_SCRIPT} is missing: run make install-dev"
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but {message}")
        pytest.skip(message)
    return AXE_SCRIPT.read_text()


@pytest.fixture
def axe_violations(axe_source):
    """``axe_violations(page)``: axe-core's serious and critical violations on the page
    as it is now (axe's own result objects: id, impact, help, nodes), for a page whose
    context was opened with ``bypass_csp=True``. ``axe_summary`` words them for an
    assertion message."""

    def run(page, *, exclude: tuple[str, ...] = ()) -> list[dict]:
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.add_script_tag(content=axe_source)
        context = {"exclude": [[selector] for selector in exclude]} if exclude else None
        violations = page.evaluate(
            """async (context) => (await axe.run(context || document,
                {resultTypes: ["violations"]})).violations""",
            context,
        )
        return [v for v in violations if v["impact"] in AXE_IMPACTS]

    return run


def axe_summary(violations: list[dict]) -> str:
    """One line per violation: its rule, impact, count and first elements."""
    return "\n".join(
        f"{v['id']} ({v['impact']}, {len(v['nodes'])}): {v['help']}; "
        + ", ".join(" ".join(map(str, node["target"])) for node in v["nodes"][:3])
        for v in violations
    )

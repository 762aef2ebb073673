"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server."""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM must still work here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "browser-test-password"
AXE = (Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js").read_text()
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
RUN_AXE = "t => axe.run(document, {runOnly: {type: 'tag', values: t}, resultTypes: ['violations']})"


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = (
            "browser tests need Debian's chromium at /usr/bin/chromium (apt-get install chromium)"
        )
        if os.environ.get("RISKREG_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def demo_site(live_server, transactional_db):
    """The demo data behind the reference paper, on a live server."""
    from django.apps import apps

    from riskreg import demo
    from riskreg.roles import sync_roles

    sync_roles(apps)  # transactional tests flush the groups the data migration made
    demo.load(PASSWORD)
    return live_server.url


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def axe_violations(target, where: str) -> list[str]:
    """axe-core's WCAG 2.2 AA violations in a page or frame as it is now, a line each.
    A context can load axe once for all its pages with context.add_init_script(AXE)."""
    if not target.evaluate("'axe' in window"):
        target.evaluate(AXE)
    result = target.evaluate(RUN_AXE, TAGS)
    return [
        f"{where}: {v['id']} {[n['target'] for n in v['nodes'][:3]]}" for v in result["violations"]
    ]


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login/" not in url)  # an SMT lead lands on their grid

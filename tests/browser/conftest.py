"""Real-browser tests of the staff pages: Debian's Chromium driven by Playwright.

One browser for the whole session (starting Chromium is the slow part), a fresh context
(cookies) per person, a live uvicorn server on a free loopback port per module. Every page
a test visits is saved as a PNG at 1366×768 in the session's ``screens`` folder (or in ``$DOCGEN_SCREENS``), so that a person can look at what the tests saw.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from pki import kit
from playwright.sync_api import Browser, sync_playwright
from service import Clock, LiveServer, prepare_archive
from staff import ARGS, CHROMIUM, TODAY, VIEWPORT, Person, Site

from docgen.interfaces.http import Settings, create_app


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Chromium for one test module. Not for the session: while Playwright's sync API is
    open, its event loop counts as running in the test thread, and every later test that
    calls ``asyncio.run`` (pyHanko's validators do) would fail."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run tools/system-packages.sh (installs chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def screens(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the screenshots go: ``$DOCGEN_SCREENS`` if set, else the session's tmp dir."""
    chosen = os.environ.get("DOCGEN_SCREENS")
    if chosen:
        Path(chosen).mkdir(parents=True, exist_ok=True)
        return Path(chosen)
    return tmp_path_factory.mktemp("screens")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    data_dir = tmp_path_factory.mktemp("site")
    prepare_archive(data_dir)
    app = create_app(Settings(data_dir=data_dir, today=Clock(TODAY),
                              signing_trust_dir=kit().trust_dir))
    with LiveServer(app) as server:
        yield Site(server.url, app.state.workflow, data_dir)


@pytest.fixture
def person(browser: Browser, site: Site, screens: Path,
           request: pytest.FixtureRequest) -> Iterator[Person]:
    context = browser.new_context(viewport=VIEWPORT, locale="vi-VN", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield Person(page, site, screens, request.node.name.removeprefix("test_"))
    context.close()


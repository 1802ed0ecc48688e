"""Helpers of the browser tests: the site under test and a person at a browser window."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page

from docgen.workflow.service import Workflow

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1366, "height": 768}
#: The day the tests run on, for the service (issue dates may not be after it).
TODAY = date(2025, 12, 20)


class Site:
    """The running service and the workflow behind it (for the operator's set-up)."""

    def __init__(self, url: str, workflow: Workflow, data_dir: Path):
        self.url, self.workflow, self.data_dir = url, workflow, data_dir


class Person:
    """One person at one browser window: signs in, clicks, and saves what they see."""

    def __init__(self, page: Page, site: Site, screens: Path, who: str):
        self.page, self.site, self.screens, self.who = page, site, screens, who
        self.count = 0
        self.external: list[str] = []
        page.on("request", self._watch)
        page.on("dialog", lambda dialog: pytest.fail(f"a dialog opened: {dialog.message!r}"))

    def _watch(self, request: object) -> None:
        url = request.url  # type: ignore[attr-defined]
        if not url.startswith(self.site.url) and not url.startswith(("data:", "blob:",
                                                                         "about:")):
            self.external.append(url)

    def go(self, path: str) -> None:
        self.page.goto(self.site.url + path)

    def shot(self, name: str) -> Path:
        """Save the window as it is now (1366×768) and check the page's HTML."""
        self.count += 1
        path = self.screens / f"{self.who}-{self.count:02d}-{name}.png"
        self.page.screenshot(path=str(path))
        html = self.page.content()
        assert not re.search(r"(src|href|action)=\"(https?:)?//", html), \
            f"an external address on {self.page.url}"
        assert "Traceback" not in html and "/work/" not in html
        assert not self.external, f"requests left the service: {self.external}"
        return path

    def sign_in(self, username: str, password: str) -> None:
        self.go("/dang-nhap")
        self.page.fill("#username", username)
        self.page.fill("#password", password)
        self.page.click("button:has-text('Đăng nhập')")
        self.page.wait_for_load_state()

    def sign_out(self) -> None:
        self.page.click("button:has-text('Đăng xuất')")
        self.page.wait_for_url(re.compile(r".*/dang-nhap.*"))

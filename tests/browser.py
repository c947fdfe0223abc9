"""Headless Debian chromium through Playwright, as the browser tests use it (never `playwright install`).

One chromium per test process: starting it cost about a second of CPU per test. Tests stay
apart because each page lives in a browser context of its own (`browser.new_page()` makes one,
with its own storage and cookies), and every context a test opened is closed when its
`with chromium()` block ends.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Playwright is imported at first use: collecting the fast set need not load it
    from playwright.sync_api import Browser, Locator, LocatorAssertions, Playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]

_running: list[tuple[Playwright, Browser]] = []  # at most one: this process's chromium


def _browser() -> Browser:
    if _running and not _running[0][1].is_connected():  # it crashed: start another
        stop()
    if not _running:
        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        _running.append((playwright, playwright.chromium.launch(executable_path=CHROMIUM,
                                                                args=ARGS)))
    return _running[0][1]


def stop() -> None:
    """Close this process's chromium, if it started one (conftest calls it at the end)."""
    while _running:
        playwright, browser = _running.pop()
        try:
            browser.close()
        finally:
            playwright.stop()


@contextmanager
def chromium() -> Iterator[Browser]:
    browser = _browser()
    try:
        yield browser
    finally:
        for context in browser.contexts:
            context.close()


def expect(locator: Locator) -> LocatorAssertions:
    """Playwright's retrying assertions on a locator."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)

"""Payloads in every field an author controls never run in a reader's browser (SPEC §5)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from .browser import chromium
from .conftest import FIXTURES, run_talkgen
from .static_server import serve

pytestmark = pytest.mark.slow  # chromium


@pytest.fixture
def xss_site(tmp_path: Path) -> Iterator[tuple[str, list[str]]]:
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "xss", site)
    episode = site / "episodes" / "001.md"
    lines = episode.read_text(encoding="utf-8").split("\n")
    episode.write_text("\n".join(lines[:19] + lines[23:]), encoding="utf-8")  # see below
    result = run_talkgen("build", "--no-search", cwd=site)
    assert result.returncode == 0, result.stderr
    out = site / "_site"
    pages = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html"))
    with serve(out) as base:
        yield base, pages


@pytest.mark.timeout(180)
def test_no_payload_runs_on_any_page(xss_site: tuple[str, list[str]]) -> None:
    base, pages = xss_site
    assert len(pages) >= 8
    dialogs: list[str] = []
    with chromium() as browser:
        page = browser.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base)
                   else (dialogs.append(f"request to {route.request.url}"), route.abort()))
        for path in pages:
            page.goto(base + path.removesuffix("index.html"))
            page.wait_for_load_state("load")
            page.evaluate("""() => document.querySelectorAll('*').forEach(el => {
                for (const type of ['mouseover', 'click', 'focus', 'toggle'])
                    if (el.tagName !== 'A') el.dispatchEvent(new Event(type, {bubbles: true}));
            })""")
            assert page.evaluate("window.__xss") is None, path
            hrefs = page.eval_on_selector_all("[href],[src]", "els => els.map(e => "
                                              "(e.getAttribute('href') || e.getAttribute('src')))")
            assert not [h for h in hrefs if h.strip().lower().startswith(
                ("javascript:", "vbscript:", "data:"))], path
            ours = ("script:not([src$='/static/search.js']):not([src$='/static/copy-link.js'])"
                    ":not([src$='/static/theme.js']):not(#talkgen-messages)")
            theme = "svg:not(.icon), details:not(.toc)"  # the theme's icon and TOC are ours
            assert page.query_selector_all(f"{ours}, iframe, {theme}") == [], path
    assert dialogs == []


def test_unsafe_link_targets_in_the_payloads_are_errors(tmp_path: Path) -> None:
    """Lines 20-23 of the fixture are refused by check (E033), so they never reach a page; the
    browser test above builds the fixture without them."""
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "xss", site)
    result = run_talkgen("check", "--format", "json", cwd=site)
    found = [(d["code"], d["line"], d["column"]) for d in json.loads(result.stdout)]
    assert result.returncode == 1
    assert found == [("E033", 20, 9), ("E033", 20, 52), ("E033", 21, 10), ("E033", 22, 8),
                     ("E033", 22, 73), ("E033", 23, 10)]

"""Payloads in every field an author controls never run in a reader's browser (SPEC §5)."""

from __future__ import annotations

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
            ours = "script:not([src$='/static/search.js']):not([src$='/static/copy-link.js'])"
            assert page.query_selector_all(f"{ours}, iframe, svg, details") == [], path
    assert dialogs == []

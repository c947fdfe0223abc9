"""Every page passes the Nu Html Checker, and axe-core finds no serious or critical problems.

The checkers come from the npm registry (`.ci/run` installs them into node_modules/) and run
with the system's Java and Debian's chromium. Without them these tests are skipped, unless
TALKGEN_REQUIRE_VALIDATORS is set, as it is in CI.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

import pytest

from .browser import chromium
from .conftest import FIXTURES, REPO, run_talkgen
from .static_server import serve

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.slow,  # the Nu Html Checker (Java), axe in chromium, Pagefind
              pytest.mark.xdist_group("validators")]  # one worker builds the module's sites

VNU = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
REQUIRED = bool(os.environ.get("TALKGEN_REQUIRE_VALIDATORS"))


def need(path: Path, what: str) -> None:
    if not path.is_file() or (path == VNU and not shutil.which("java")):
        message = f"{what} is not installed: run .ci/run, or `npm install vnu-jar axe-core`"
        if REQUIRED:
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The fixture site with its draft, search index and absolute feeds: every kind of page."""
    root = tmp_path_factory.mktemp("validators") / "site"
    shutil.copytree(FIXTURES / "site", root)
    result = run_talkgen("build", "--drafts", "--base-url", "https://example.org/", cwd=root)
    assert result.returncode == 0, result.stderr
    yield root / "_site"


@pytest.fixture(scope="module")
def nu_errors(site: Path, new_pages: Path) -> tuple[dict[Path, list[str]], int]:
    """One run of the Nu Html Checker (a Java start costs seconds) over both folders of pages:
    each folder's errors as 'page:line: message', and the checker's exit code."""
    need(VNU, "the Nu Html Checker (vnu-jar)")
    pages = {folder: sorted(folder.rglob("*.html")) for folder in (site, new_pages)}
    assert all(len(found) >= 12 for found in pages.values())
    checked = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json",
                              *(str(p) for found in pages.values() for p in found)],
                             capture_output=True, text=True, timeout=240)
    messages = json.loads(checked.stderr or checked.stdout or '{"messages": []}')["messages"]
    problems: dict[Path, list[str]] = {folder: [] for folder in pages}
    for m in messages:
        if m.get("type") == "error":
            page = Path(unquote(urlsplit(m.get("url", "")).path))
            folder = next(f for f in pages if page.is_relative_to(f))
            problems[folder].append(f"{page.relative_to(folder)}:{m.get('lastLine')}: {m['message']}")
    return problems, checked.returncode


@pytest.mark.timeout(300)
def test_every_page_is_valid_html5(site: Path, nu_errors: tuple[dict[Path, list[str]], int]) -> None:
    problems, returncode = nu_errors
    assert problems[site] == []
    assert returncode == 0 or any(problems.values())  # it ran, and failed only on errors


PAGES = ["", "episodes/001/", "topics/%E4%BD%8D%E7%BD%AE%E7%BC%96%E7%A0%81/", "questions/"]


@pytest.mark.timeout(300)
def test_no_serious_accessibility_problems(site: Path) -> None:
    need(AXE, "axe-core")
    found: dict[str, list[str]] = {}
    with serve(site) as base, chromium() as browser:
        page = browser.new_page()
        for path in PAGES:
            page.goto(base + path)
            found |= axe(page, path or "/")
        page.fill(".site-search-input", "位置编码")  # the open results panel too
        page.locator(".site-search-hit").first.wait_for(timeout=15_000)
        found |= axe(page, "search results")
    assert {where: v for where, v in found.items() if v} == {}


def axe(page: Page, where: str) -> dict[str, list[str]]:
    """Serious and critical violations on the page as it is, in the light and in the dark
    scheme, as 'rule: target' lines under 'scheme where'. The theme switches schemes in CSS
    alone (prefers-color-scheme, no transitions of colour), so both are checked on one load,
    with axe added to the page once."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found = {}
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        found[f"{scheme} {where}"] = page.evaluate("""async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.filter(v => ['serious', 'critical'].includes(v.impact))
                .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '));
        }""")
    page.emulate_media(color_scheme="light")
    return found


@pytest.mark.timeout(300)
def test_pages_fit_a_phone_and_load_nothing_from_elsewhere(site: Path) -> None:
    wide: dict[str, int] = {}
    foreign: list[str] = []
    with serve(site) as base, chromium() as browser:
        page = browser.new_page(viewport={"width": 360, "height": 740})
        page.on("request", lambda r: None if r.url.startswith(base) else foreign.append(r.url))
        for path in [*PAGES, "episodes/003/", "contributors/", "404.html"]:
            page.goto(base + path)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 360:
                wide[path] = width
        page.fill(".site-search-input", "位置编码")
        page.locator(".site-search-hit").first.wait_for(timeout=15_000)
        if page.evaluate("document.documentElement.scrollWidth") > 360:
            wide["search results"] = page.evaluate("document.documentElement.scrollWidth")
    assert wide == {}
    assert foreign == []


@pytest.fixture(scope="module")
def new_pages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The reading list, a recording with chapters, Q&A blocks, math and code; and English."""
    root = tmp_path_factory.mktemp("validators-new")
    for name in ("reading", "english"):
        shutil.copytree(FIXTURES / name, root / name)
        result = run_talkgen("build", "--base-url", "https://example.org/", "--out",
                             str(root / "www" / name), cwd=root / name)
        assert result.returncode == 0, result.stderr
    yield root / "www"


@pytest.mark.timeout(300)
def test_new_pages_are_valid_html5(new_pages: Path,
                                   nu_errors: tuple[dict[Path, list[str]], int]) -> None:
    assert nu_errors[0][new_pages] == []


NEW_PAGES = ["reading/", "questions/", "contributors/%E7%BE%A1%E9%B1%BC/", "episodes/001/"]


@pytest.mark.timeout(300)
def test_new_components_have_no_serious_accessibility_problems(new_pages: Path) -> None:
    need(AXE, "axe-core")
    found: dict[str, list[str]] = {}
    with serve(new_pages / "reading") as base, chromium() as browser:
        page = browser.new_page()
        page.route("**/player.bilibili.com/**", lambda route: route.fulfill(
            status=200, content_type="text/html", body="<p>player</p>"))
        for path in NEW_PAGES:
            page.goto(base + path)
            found |= axe(page, path)
        page.click(".player-start")  # the player, once loaded (the last page is an episode)
        page.locator(".player iframe").wait_for()
        found |= axe(page, "player")
        page.set_viewport_size({"width": 360, "height": 740})  # the closed TOC on a phone
        page.reload()
        found |= axe(page, "phone")
    with serve(new_pages / "english") as base, chromium() as browser:
        page = browser.new_page()
        for path in ("", "episodes/001/", "reading/"):
            page.goto(base + path)
            found |= axe(page, "en/" + path)
    assert {where: v for where, v in found.items() if v} == {}

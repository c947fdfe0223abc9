"""The preview in a real browser (Debian's chromium via Playwright): reload, overlay, style swap."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from .browser import chromium, expect
from .conftest import REPO
from .serving import running_preview
from .sitegen import write_site

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.timeout(120), pytest.mark.slow]  # chromium


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = write_site(tmp_path / "site", 5)
    (root / "static").mkdir()
    shutil.copy(REPO / "static" / "style.css", root / "static" / "style.css")
    return root


@pytest.fixture
def page(site: Path) -> Iterator[Page]:
    with running_preview(site) as server, chromium() as browser:
        tab = browser.new_page()
        tab.set_default_timeout(10_000)
        tab.goto(server.url + "episodes/003/")
        tab.wait_for_function("() => !!document.querySelector('[data-talkgen-preview]')")
        tab.wait_for_timeout(300)  # the event stream is connected
        yield tab


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_an_edit_shows_in_the_open_page_by_itself(page: Page, site: Path) -> None:
    replace(site / "episodes" / "003.md", "第 3 期开场。", "第 3 期开场，现场改的。")
    expect(page.locator("main")).to_contain_text("现场改的")


def test_a_broken_edit_shows_an_overlay_over_the_last_good_page_until_fixed(
        page: Page, site: Path) -> None:
    episode = site / "episodes" / "003.md"
    replace(episode, "## 本周推荐", "## 本周杂谈")
    overlay = page.locator("talkgen-overlay pre.diagnostic").first
    expect(overlay).to_contain_text("episodes/003.md:18:1")
    expect(overlay).to_contain_text("E020")
    expect(overlay).to_contain_text("## 本周杂谈")  # the code frame
    assert page.locator("talkgen-overlay").evaluate("e => e.shadowRoot !== null")
    expect(page.locator("talkgen-overlay h2")).to_have_text(  # in the site's language
        re.compile(r"^talkgen：站点有 \d+ 个错误，显示的是上一次成功构建的页面$"))
    expect(page.locator("main")).to_contain_text("第 3 期开场")  # the last good page stays
    replace(episode, "## 本周杂谈", "## 本周推荐")
    expect(page.locator("talkgen-overlay")).to_have_count(0)


def test_a_css_change_applies_without_a_reload(page: Page, site: Path) -> None:
    page.evaluate("() => { window.talkgenMarker = 42 }")
    css = site / "static" / "style.css"
    css.write_text(css.read_text(encoding="utf-8") + "\nbody { outline: 7px solid rgb(1, 2, 3); }\n",
                   encoding="utf-8")
    page.wait_for_function("() => getComputedStyle(document.body).outlineWidth === '7px'")
    assert page.evaluate("() => window.talkgenMarker") == 42


def test_the_scroll_position_survives_a_reload(page: Page, site: Path) -> None:
    page.set_viewport_size({"width": 400, "height": 300})
    page.evaluate("() => { window.scrollTo(0, 200); window.talkgenMarker = 1 }")
    replace(site / "episodes" / "003.md", "第 3 期开场。", "第 3 期开场，再改。")
    expect(page.locator("main")).to_contain_text("再改")
    assert page.evaluate("() => window.talkgenMarker") is None  # it did reload
    page.wait_for_function("() => window.scrollY === 200")


def test_the_overlay_points_at_a_full_width_colon(page: Page, site: Path) -> None:
    episode = site / "episodes" / "003.md"
    replace(episode, "host: 阿杰", "host： 阿杰")  # what a Chinese input method types
    overlay = page.locator("talkgen-overlay pre.diagnostic").first
    expect(overlay).to_contain_text("episodes/003.md:4:5")  # the line of the colon, not the next
    expect(overlay).to_contain_text('error[E035]: full-width colon "：" (U+FF1A) after "host"')
    expect(overlay).to_contain_text("4 | host： 阿杰")
    expect(overlay).to_contain_text("help: type an ASCII colon and a space: host: 阿杰")
    assert page.locator("talkgen-overlay pre.diagnostic").count() == 1  # the cause only
    caret = [line for line in overlay.inner_text().splitlines() if line.strip().endswith("^")]
    assert caret == ["  |     ^^"]  # under the colon (two columns wide)
    replace(episode, "host： 阿杰", "host: 阿杰")
    expect(page.locator("talkgen-overlay")).to_have_count(0)

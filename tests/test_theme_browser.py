"""The theme in Debian chromium: the recording player, the TOC, code copy, MathML, search and
the reading list's filter, as a reader meets them."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from .browser import chromium, expect
from .conftest import FIXTURES, run_talkgen
from .static_server import serve

pytestmark = [pytest.mark.timeout(300), pytest.mark.slow,  # chromium, Pagefind
              pytest.mark.xdist_group("theme")]  # one worker builds the module's site


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The reading fixture (a recording, chapters, Q&A, math, code), with its search index."""
    root = tmp_path_factory.mktemp("theme") / "site"
    shutil.copytree(FIXTURES / "reading", root)
    result = run_talkgen("build", "--base-url", "http://localhost/", cwd=root)
    assert result.returncode == 0, result.stderr
    yield root / "_site"


def test_the_player_makes_no_request_to_the_video_site_before_the_click(site: Path) -> None:
    requests: list[str] = []
    with serve(site) as base, chromium() as browser:
        page = browser.new_page()
        # answer the video host locally: the test must not depend on (or call) the network
        page.route("**/player.bilibili.com/**", lambda route: route.fulfill(
            status=200, content_type="text/html", body="<p>player</p>"))
        page.on("request", lambda r: requests.append(r.url))
        page.goto(base + "episodes/001/")
        page.wait_for_load_state("networkidle")
        assert [u for u in requests if not u.startswith(base)] == []
        assert page.locator(".player iframe").count() == 0
        with page.expect_request("https://player.bilibili.com/**"):  # the click asks for it
            page.click(".player-start")
        frame = page.locator(".player iframe")
        assert frame.get_attribute("src") == (
            "https://player.bilibili.com/player.html?bvid=BV1xx411c7mD&p=1&autoplay=1")


def test_a_chapter_starts_the_player_at_its_time(site: Path) -> None:
    with serve(site) as base, chromium() as browser:
        page = browser.new_page()
        page.route("**/player.bilibili.com/**", lambda route: route.fulfill(
            status=200, content_type="text/html", body="<p>player</p>"))
        page.goto(base + "episodes/001/")
        chapters = page.locator("a.chapter")
        assert chapters.all_inner_texts() == ["3:10", "5:30", "1:02:03"]
        chapters.nth(1).click()
        src = page.locator(".player iframe").get_attribute("src") or ""
        assert src.endswith("&t=330")
        assert page.url == base + "episodes/001/"  # the page did not navigate away


def test_the_toc_is_closed_on_a_phone_and_marks_the_current_section_on_a_desktop(
        site: Path) -> None:
    with serve(site) as base, chromium() as browser:
        phone = browser.new_page(viewport={"width": 360, "height": 740})
        phone.goto(base + "episodes/001/")
        assert phone.locator("details.toc").get_attribute("open") is None
        assert not phone.locator("details.toc nav").is_visible()
        toc_height = phone.locator("details.toc").bounding_box()
        assert toc_height and toc_height["height"] < 80
        phone.click("details.toc summary")
        assert phone.locator("details.toc nav").is_visible()

        desktop = browser.new_page(viewport={"width": 1280, "height": 800})
        desktop.goto(base + "episodes/001/")
        assert desktop.locator("details.toc").get_attribute("open") is not None
        # each mark is awaited (retrying), not slept for: the page marks it when it sees the scroll
        current = desktop.locator(".toc a[aria-current='location']")
        desktop.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
        expect(current).to_have_text("参考资料")  # two marked links would not match
        desktop.evaluate("document.querySelector('.section-free_talk .qa h3').scrollIntoView()")
        expect(current).to_have_text("Q1：现在语言模型中有使用 LoRA 作为风格的案例吗？")  # no "--初七"
        desktop.evaluate("window.scrollTo(0, 0)")
        expect(current).to_have_text("本周新闻")
        expect(current).to_have_count(1)


def test_the_copy_button_copies_the_code(site: Path) -> None:
    with serve(site) as base, chromium() as browser:
        context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
        page = context.new_page()
        page.goto(base + "episodes/001/")
        button = page.locator("button.code-copy")
        assert button.count() == 1 and button.inner_text() == "复制"
        button.click()
        page.wait_for_function("document.querySelector('button.code-copy').textContent === '已复制'")
        assert page.evaluate("navigator.clipboard.readText()") == 'print("hello")\n'
        label = page.evaluate("getComputedStyle(document.querySelector('pre.highlight'), "
                              "'::before').content")
        assert label == '"python"'


def test_math_is_rendered_as_mathml(site: Path) -> None:
    with serve(site) as base, chromium() as browser:
        page = browser.new_page()
        page.goto(base + "episodes/001/")
        inline = page.locator("span.math math")
        assert inline.count() == 1
        box = inline.bounding_box()
        assert box and box["width"] > 20 and box["height"] > 8  # laid out, not raw text
        assert page.locator("div.math math[display='block'] munderover, "
                            "div.math math[display='block'] msubsup").count() == 1
        assert "$" not in page.locator(".section-recommendations .prose").first.inner_text()


def test_search_results_do_not_move_the_page(site: Path) -> None:
    with serve(site) as base, chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(base)
        header = page.locator(".site-header").bounding_box()
        main = page.locator("main").bounding_box()
        page.fill(".site-search-input", "长期记忆")
        page.locator(".site-search-status").wait_for()
        page.wait_for_function("document.querySelector('.site-search-status').textContent !== ''")
        assert page.locator(".site-search-header, .site-search-status").first.is_visible()
        assert page.locator(".site-header").bounding_box() == header
        assert page.locator("main").bounding_box() == main


def test_the_reading_list_filter_works_without_javascript(site: Path) -> None:
    with serve(site) as base, chromium() as browser:
        context = browser.new_context(java_script_enabled=False)
        page = context.new_page()
        page.goto(base + "reading/")
        visible = page.locator(".entry:visible")
        everything = visible.count()
        page.check("input[value='repo']")
        assert visible.count() == 1 < everything
        page.check("input[value='all']")
        assert visible.count() == everything


def test_the_reading_list_filter_is_kept_in_the_address(site: Path) -> None:
    with serve(site) as base, chromium() as browser:
        page = browser.new_page()
        page.goto(base + "reading/?kind=model")
        assert page.locator(".entry:visible").count() == 2
        page.check("input[value='paper']")
        assert page.url.endswith("?kind=paper")


def test_reading_list_entries_are_found_by_search(site: Path) -> None:
    with serve(site) as base, chromium() as browser:
        page = browser.new_page()
        page.goto(base)
        page.fill(".site-search-input", "alpaca")
        page.locator(".site-search-hit").first.wait_for(timeout=15_000)
        hrefs = page.eval_on_selector_all(".site-search-list a", "els => els.map(e => e.href)")
    assert any(h.startswith(base + "reading/") for h in hrefs), hrefs

"""Reading and browsing: prev/next, related episodes, topic order, titles and share metadata."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from talkgen.model import Episode
from talkgen.site.indexes import RELATED, build_site, related

from .browser import chromium
from .conftest import run_talkgen
from .static_server import serve


def episode(number: int, topics: tuple[str, ...]) -> Episode:
    return Episode(number=number, date=dt.date(2023, 1, number), hosts=("羡鱼",), title=f"T{number}",
                   source=f"episodes/{number:03d}.md", topics=topics)


def test_related_episodes_are_the_top_five_with_a_stable_tie_break() -> None:
    eps = [episode(n, ("a",)) for n in range(1, 12)] + [episode(20, ("a", "b")), episode(21, ("b",))]
    site = build_site(eps)
    topics = {t.name: t for t in site.topics}
    ranked = [e.number for e in related(site, site.by_number[6], topics)]
    assert len(ranked) == RELATED == 5
    assert ranked == [7, 5, 8, 4, 9]  # equal sharing: nearer first, then the newer
    assert [e.number for e in related(site, site.by_number[21], topics)] == [20]
    assert related(build_site(list(reversed(eps))), site.by_number[6], topics) == \
        related(site, site.by_number[6], topics)


def built(fixture_site: Path, *args: str) -> Path:
    result = run_talkgen("build", "--no-search", *args, cwd=fixture_site)
    assert result.returncode == 0, result.stderr
    return fixture_site / "_site"


def read(out: Path, path: str) -> str:
    return (out / path).read_text(encoding="utf-8")


def test_previous_and_next_skip_drafts(fixture_site: Path) -> None:
    out = built(fixture_site)
    first, second = read(out, "episodes/001/index.html"), read(out, "episodes/002/index.html")
    assert 'rel="next"' in first and 'href="/episodes/002/" rel="next"' in first
    assert 'rel="prev"' not in first
    assert 'href="/episodes/001/" rel="prev"' in second and 'rel="next"' not in second


def test_topics_are_sorted_by_count_then_name(fixture_site: Path) -> None:
    page = read(built(fixture_site), "topics/index.html")
    shown = re.findall(r'class="chip" href="[^"]+">([^<]+) <span class="count">\((\d+)\)', page)
    assert shown == sorted(shown, key=lambda t: (-int(t[1]), t[0].casefold()))
    assert shown[0] == ("RLHF", "2") and len(shown) == 5


def test_episode_title_description_and_share_metadata(fixture_site: Path) -> None:
    page = read(built(fixture_site, "--base-url", "https://example.org/t/"), "episodes/001/index.html")
    head = page.split("</head>")[0]
    assert "<title>#001 OpenLLM Talk 001：起航 · OpenLLM Talk</title>" in head
    assert '<meta name="description" content="OpenAI 上新；Falcon；位置编码">' in head
    assert '<meta property="og:type" content="article">' in head
    assert '<meta property="og:title" content="OpenLLM Talk 001：起航">' in head
    assert '<meta property="og:description" content="OpenAI 上新；Falcon；位置编码">' in head
    assert '<meta property="og:url" content="https://example.org/t/episodes/001/">' in head
    assert '<link rel="canonical" href="https://example.org/t/episodes/001/">' in head
    assert '<meta property="og:locale" content="zh_CN">' in head
    assert '<meta name="twitter:card" content="summary">' in head
    assert '<meta name="twitter:title" content="OpenLLM Talk 001：起航">' in head
    assert '<meta property="article:published_time" content="2023-06-17">' in head
    assert '<meta property="article:tag" content="位置编码">' in head


def test_section_headings_carry_their_anchor_for_links_and_search(fixture_site: Path) -> None:
    page = read(built(fixture_site), "episodes/001/index.html")
    assert ('<section class="section section-classics" aria-labelledby="本周经典">\n'
            '      <h2 id="本周经典">本周经典') in page


@pytest.mark.slow  # chromium
def test_heading_links_copy_their_address(fixture_site: Path) -> None:
    out = built(fixture_site)
    with serve(out) as base, chromium() as browser:
        context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
        page = context.new_page()
        page.goto(base + "episodes/001/")
        page.locator('h2#本周经典 .anchor').click()
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied == base + "episodes/001/#%E6%9C%AC%E5%91%A8%E7%BB%8F%E5%85%B8"
        assert page.locator(".copy-status").inner_text() == "已复制本节链接"
        assert page.url == copied  # the link still goes where it points

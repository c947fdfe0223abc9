"""feed.xml, topic feeds, sitemap.xml and robots.txt, read back by real parsers."""

from __future__ import annotations

import datetime as dt
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest

from .conftest import FIXTURES, run_talkgen

BASE = "https://example.org/talk/"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def built(fixture_site: Path) -> Path:
    result = run_talkgen("build", "--no-search", "--base-url", BASE, cwd=fixture_site)
    assert result.returncode == 0, result.stderr
    assert "W061" not in result.stderr
    return fixture_site / "_site"


def test_feed_lists_the_newest_episodes_with_absolute_links_and_dates(built: Path) -> None:
    feed = feedparser.parse((built / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.title == "OpenLLM Talk"
    assert feed.feed.link == BASE
    assert feed.feed.updated_parsed[:4] == (2023, 6, 23, 16)  # midnight in Asia/Shanghai
    assert [e.link for e in feed.entries] == [BASE + "episodes/002/", BASE + "episodes/001/"]
    assert [e.id for e in feed.entries] == [e.link for e in feed.entries]
    first = feed.entries[0]
    assert first.published_parsed[:4] == first.updated_parsed[:4] == (2023, 6, 23, 16)
    assert [a.name for a in first.authors] == ["yuhan", "羡鱼"]
    assert {t.term for t in first.tags} == {"RLHF", "长文本", "DeepSpeed"}  # one spelling per topic
    assert first.summary.startswith("百川 7B")
    html = first.content[0].value
    assert "百川智能发布 baichuan-7B" in html and "<h2>本周推荐</h2>" in html
    assert 'href="https://example.org/talk/episodes/001/"' in html  # resolved against xml:base
    assert '<h3 id="q2' in html and 'class="anchor"' not in html  # ids kept, "#" links dropped


def test_the_draft_is_not_in_the_feed(built: Path) -> None:
    assert "草稿" not in (built / "feed.xml").read_text(encoding="utf-8")


def test_feed_size_and_summary_only_follow_the_config(fixture_site: Path) -> None:
    config = fixture_site / "talkgen.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "feed: {size: 1, full_content: false}\n",
                      encoding="utf-8")
    assert run_talkgen("build", "--no-search", "--base-url", BASE, cwd=fixture_site).returncode == 0
    feed = feedparser.parse((fixture_site / "_site" / "feed.xml").read_bytes())
    assert [e.link for e in feed.entries] == [BASE + "episodes/002/"]
    assert "content" not in feed.entries[0]
    assert feed.entries[0].summary == "百川 7B；长文本"


def test_every_topic_has_its_own_feed(built: Path) -> None:
    feed = feedparser.parse((built / "topics" / "位置编码" / "feed.xml").read_bytes())
    assert not feed.bozo
    assert feed.feed.title == "OpenLLM Talk · 位置编码"
    assert [e.link for e in feed.entries] == [BASE + "episodes/001/"]
    page = (built / "topics" / "位置编码" / "index.html").read_text(encoding="utf-8")
    assert ('<link rel="alternate" type="application/atom+xml" title="OpenLLM Talk · 位置编码" '
            'href="/talk/topics/%E4%BD%8D%E7%BD%AE%E7%BC%96%E7%A0%81/feed.xml">') in page


def test_every_page_names_the_feed_in_its_head(built: Path) -> None:
    for page in built.rglob("*.html"):
        head = page.read_text(encoding="utf-8").split("</head>")[0]
        assert ('<link rel="alternate" type="application/atom+xml" title="OpenLLM Talk" '
                'href="/talk/feed.xml">') in head, page


def test_sitemap_lists_every_page_once_with_dates(built: Path) -> None:
    root = ET.parse(built / "sitemap.xml").getroot()
    assert root.tag == f"{SITEMAP}urlset"
    entries = {u.findtext(f"{SITEMAP}loc"): u.findtext(f"{SITEMAP}lastmod") for u in root}
    pages = {p.relative_to(built).as_posix().removesuffix("index.html")
             for p in built.rglob("*.html") if p.name != "404.html"}
    assert set(entries) == {BASE + quote_path(p) for p in pages}
    assert entries[BASE + "episodes/001/"] == "2023-06-17"
    assert entries[BASE] == "2023-06-24"
    assert all(dt.date.fromisoformat(d) for d in entries.values() if d)


def quote_path(path: str) -> str:
    from urllib.parse import quote
    return quote(path)


def test_robots_txt_names_the_sitemap(built: Path) -> None:
    assert (built / "robots.txt").read_text() == (
        f"User-agent: *\nAllow: /\n\nSitemap: {BASE}sitemap.xml\n")


def test_without_base_url_the_build_warns_and_links_stay_relative(fixture_site: Path) -> None:
    result = run_talkgen("build", "--no-search", cwd=fixture_site)
    assert result.returncode == 0
    assert "warning[W061]: no base_url" in result.stderr
    feed = feedparser.parse((fixture_site / "_site" / "feed.xml").read_bytes())
    assert [e.link for e in feed.entries] == ["/episodes/002/", "/episodes/001/"]
    assert run_talkgen("build", "--no-search", "--strict", cwd=fixture_site).returncode == 1


def test_feeds_are_deterministic(tmp_path: Path) -> None:
    outputs = []
    for name in ("a", "b"):
        site = tmp_path / name
        shutil.copytree(FIXTURES / "site", site)
        assert run_talkgen("build", "--no-search", "--base-url", BASE, cwd=site).returncode == 0
        outputs.append([(site / "_site" / f).read_bytes()
                        for f in ("feed.xml", "sitemap.xml", "robots.txt")])
    assert outputs[0] == outputs[1]


def _site_with_time(tmp_path: Path, config: str) -> Path:
    site = tmp_path / "timed"
    shutil.copytree(FIXTURES / "site", site)
    first = site / "episodes" / "001.md"
    text = first.read_text(encoding="utf-8").replace(
        "date: 2023-06-17\n", "date: 2023-06-17\ntime: 22:00\n"
        "video: https://www.bilibili.com/video/BV1xx411c7mD\n")
    first.write_text(text, encoding="utf-8")
    (site / "talkgen.yaml").write_text(config, encoding="utf-8")
    assert run_talkgen("build", "--no-search", "--base-url", BASE, cwd=site).returncode == 0
    return site / "_site"


def _entry(built: Path, number: str) -> feedparser.FeedParserDict:
    feed = feedparser.parse((built / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    return next(e for e in feed.entries if e.link.endswith(f"/episodes/{number}/"))


def test_an_entry_is_dated_by_date_and_time_in_the_sites_time_zone(tmp_path: Path) -> None:
    built = _site_with_time(tmp_path, "title: OpenLLM Talk\n")  # zh-CN: Asia/Shanghai
    entry = _entry(built, "001")
    assert entry.published_parsed[:6] == (2023, 6, 17, 14, 0, 0)  # 22:00 UTC+8
    untimed = _entry(built, "002")  # no time: midnight in Shanghai
    assert untimed.published_parsed[:6] == (2023, 6, 23, 16, 0, 0)


def test_the_timezone_key_overrides_the_languages_default(tmp_path: Path) -> None:
    built = _site_with_time(tmp_path, "title: T\nlanguage: en\n")
    assert _entry(built, "001").published_parsed[:6] == (2023, 6, 17, 22, 0, 0)
    (tmp_path / "timed" / "talkgen.yaml").write_text("title: T\ntimezone: Europe/Berlin\n")
    assert run_talkgen("build", "--no-search", "--base-url", BASE,
                       cwd=tmp_path / "timed").returncode == 0
    assert _entry(built, "001").published_parsed[:6] == (2023, 6, 17, 20, 0, 0)


def test_an_unknown_timezone_is_a_config_error(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "site", site)
    (site / "talkgen.yaml").write_text("timezone: Mars/Olympus\n", encoding="utf-8")
    result = run_talkgen("check", cwd=site)
    assert result.returncode == 1
    assert 'error[E040]: "timezone" must be an IANA time zone' in result.stderr


def test_feed_text_has_no_heading_anchors_and_links_the_recording(tmp_path: Path) -> None:
    built = _site_with_time(tmp_path, "title: OpenLLM Talk\n")
    entry = _entry(built, "001")
    content = entry.content[0].value
    assert "学术" in content and "学术#" not in content and 'class="anchor"' not in content
    assert '<a href="https://www.bilibili.com/video/BV1xx411c7mD">' in content
    related = [link for link in entry.links if link.rel == "related"]
    assert [link.href for link in related] == ["https://www.bilibili.com/video/BV1xx411c7mD"]
    assert "Bilibili" in related[0].title


def test_without_base_url_there_is_no_sitemap_with_relative_locations(fixture_site: Path) -> None:
    assert run_talkgen("build", "--no-search", cwd=fixture_site).returncode == 0
    assert not (fixture_site / "_site" / "sitemap.xml").exists()
    assert "Sitemap:" not in (fixture_site / "_site" / "robots.txt").read_text()

"""Episode page components as built: recording, chapters, labels, Q&A blocks, person pages,
the search switch and the favicon."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from talkgen.content.chapters import seconds
from talkgen.site.video import recording

from .conftest import run_talkgen


@pytest.fixture
def built(reading_site: Path) -> Path:
    return reading_site


def read(built: Path, path: str) -> str:
    return (built / path).read_text(encoding="utf-8")


def test_the_recording_is_a_link_and_a_player_that_is_not_loaded(built: Path) -> None:
    html = read(built, "episodes/001/index.html")
    assert ('<a href="https://www.bilibili.com/video/BV1xx411c7mD" rel="noopener">'
            "在 Bilibili 观看录像</a>") in html
    assert ('data-embed="https://player.bilibili.com/player.html?bvid=BV1xx411c7mD&amp;p=1'
            '&amp;autoplay=1"') in html
    assert "<iframe" not in html
    assert not re.search(r'(src|srcset)="https?://[^"]*bilibili', html)  # nothing fetched


def test_chapters_link_times_to_sections_including_unquoted_yaml_times(built: Path) -> None:
    html = read(built, "episodes/001/index.html")
    chapters = re.findall(r'<time datetime="PT(\d+)S">([^<]+)</time></a> <a href="#([^"]+)">', html)
    assert chapters == [("190", "3:10", "本周新闻"), ("330", "5:30", "学术"),  # 5:30 read by YAML as 330
                        ("3723", "1:02:03", "free-talk")]
    assert 'href="https://www.bilibili.com/video/BV1xx411c7mD?t=330"' in html  # without JavaScript


@pytest.mark.parametrize(("key", "expected"), [
    (330, 330), ("5:30", 330), ("00:03:10", 190), ("1:02:03", 3723), ("90", 90), ("5m", None)])
def test_chapter_times(key: object, expected: int | None) -> None:
    assert seconds(key) == expected


def test_only_bilibili_and_youtube_get_a_player() -> None:
    assert recording("https://youtu.be/dQw4w9WgXcQ").embed.startswith(
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ")
    assert recording("https://www.youtube.com/watch?v=dQw4w9WgXcQ").platform == "YouTube"
    other = recording("https://vimeo.com/123")
    assert (other.platform, other.embed) == ("vimeo.com", "")
    assert recording("https://www.bilibili.com/video/not-an-id").embed == ""


def test_the_home_page_marks_episodes_with_a_recording(built: Path) -> None:
    cards = read(built, "index.html").split('<article class="card')[1:]
    marked = ["has-video" in card for card in cards]
    assert marked == [False, False, True]  # 003, 002, then 001 which has the video


def test_the_recording_is_in_the_feed_entry(built: Path) -> None:
    feed = read(built, "feed.xml")
    assert '<link rel="related" type="text/html" href="https://www.bilibili.com/video/BV1xx411c7mD"' in feed


def test_a_label_replaces_the_number_wherever_the_number_is_a_title(built: Path) -> None:
    assert '<span class="num">番外01</span>' in read(built, "index.html")
    episode = read(built, "episodes/003/index.html")
    assert "<title>番外01 " in episode and 'data-pagefind-meta="number">番外01<' in episode
    assert "下一期 番外01 →" in read(built, "episodes/002/index.html")
    assert "#003" not in episode
    assert "<h1 data-pagefind-meta=\"title\">Reading fixture 番外01</h1>" in episode  # default title


def test_a_question_is_one_block_with_its_asker_badge_and_answer(built: Path) -> None:
    html = read(built, "episodes/001/index.html")
    blocks = re.findall(r'<article class="qa[^"]*".*?</article>', html, re.S)
    assert len(blocks) == 2
    first, second = blocks
    assert 'id="q1现在语言模型中有使用-lora-作为风格的案例吗---初七"' in first  # anchor unchanged
    assert '<span class="qa-text">现在语言模型中有使用 LoRA 作为风格的案例吗？</span>' in first
    assert '提问：<a href="/talk/contributors/%E5%88%9D%E4%B8%83/">初七</a>' in first
    assert 'class="qa-answer prose"' in first and "badge-open" not in first
    assert 'class="qa qa-open"' in second and "待解答" in second and "qa-answer" not in second
    assert " --初七<" not in html and "--初七</a>" not in html  # the TOC shows no asker suffix
    assert ">Q1：现在语言模型中有使用 LoRA 作为风格的案例吗？</a>" in html
    assert "参考资料" in html.split('<article class="qa qa-open"')[1]  # the subsection stays


def test_questions_and_person_pages_use_the_same_component(built: Path) -> None:
    for path in ("questions/index.html", "contributors/%E5%88%9D%E4%B8%83/index.html"):
        html = read(built, path.replace("%E5%88%9D%E4%B8%83", "初七"))
        assert '<article class="qa' in html and '<span class="qa-label">Q1</span>' in html


def test_a_person_page_lists_each_episode_once_with_its_sections(fixture_site: Path) -> None:
    assert run_talkgen("build", "--no-search", cwd=fixture_site).returncode == 0
    html = (fixture_site / "_site" / "contributors" / "羡鱼" / "index.html").read_text("utf-8")
    contributed = html.split('id="contributed"')[1].split("</section>")[0]
    assert contributed.count("<li>") == len(set(re.findall(r'<span class="num">([^<]+)', contributed)))
    assert re.search(r'<a class="label" href="/episodes/001/#[^"]+">本周新闻</a>', contributed)
    assert re.search(r'<a class="label" href="/episodes/001/#[^"]+">本周推荐</a>', contributed)


def test_without_search_there_is_no_search_box(built: Path) -> None:
    html = read(built, "index.html")
    assert "site-search" not in html and "search.js" not in html


def test_every_page_names_the_favicon_and_it_is_there(built: Path) -> None:
    icon = '<link rel="icon" href="/talk/static/favicon.svg" type="image/svg+xml">'
    assert icon in read(built, "index.html")
    assert (built / "static" / "favicon.svg").read_text().startswith("<svg")

"""Reading time counts Chinese characters and English words at their own speeds."""

from __future__ import annotations

from pathlib import Path

from talkgen.content.reading_time import CJK_PER_MINUTE, WORDS_PER_MINUTE, reading_minutes

from .conftest import run_talkgen


def test_even_an_empty_episode_takes_a_minute() -> None:
    assert reading_minutes("") == 1


def test_chinese_is_counted_by_character_not_by_space_separated_run() -> None:
    assert reading_minutes("位" * CJK_PER_MINUTE) == 1
    assert reading_minutes("位" * (CJK_PER_MINUTE * 3)) == 3  # one "word" to a naive counter
    assert reading_minutes("位" * (CJK_PER_MINUTE * 3 + 1)) == 4


def test_english_is_counted_by_word() -> None:
    assert reading_minutes(" ".join(["token"] * WORDS_PER_MINUTE * 2)) == 2
    assert reading_minutes(" ".join(["token"] * (WORDS_PER_MINUTE * 2 + 1))) == 3


def test_mixed_text_adds_both() -> None:
    text = "长度外推" * 100 + " " + " ".join(["RoPE"] * 100)  # 400 characters, 100 words
    assert reading_minutes(text) == 2  # 1 + 0.5 minutes, rounded up
    assert reading_minutes("LLaMA中文能力") == 1


def test_the_episode_page_shows_its_reading_time(fixture_site: Path) -> None:
    assert run_talkgen("build", "--no-search", cwd=fixture_site).returncode == 0
    html = (fixture_site / "_site" / "episodes" / "001" / "index.html").read_text(encoding="utf-8")
    assert '<span class="reading-time">约 1 分钟读完</span>' in html

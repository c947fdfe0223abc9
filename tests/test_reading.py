"""Reading time counts Chinese characters and English words at their own speeds."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from talkgen.content.reading_time import CJK_PER_MINUTE, WORDS_PER_MINUTE, counted, reading_minutes

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


_CJK = (r"\u2e80-\u2fdf\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
        r"\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f")
_MIXED = st.text(st.sampled_from(list("位长度外推の한 \t\n.,，。-_'1a😀\U00020001Ωé")) | st.characters(),
                 max_size=60)


@given(_MIXED)
def test_counts_are_those_of_the_two_character_classes_it_replaced(text: str) -> None:
    """The counts are what the former `[CJK]` and `[^\\W CJK]+` expressions found."""
    assert counted(text) == (len(re.findall(f"[{_CJK}]", text)),
                             len(re.findall(f"[^\\W{_CJK}]+", text)))


def test_the_episode_page_shows_its_reading_time(fixture_site: Path) -> None:
    assert run_talkgen("build", "--no-search", cwd=fixture_site).returncode == 0
    html = (fixture_site / "_site" / "episodes" / "001" / "index.html").read_text(encoding="utf-8")
    assert '<span class="reading-time">约 1 分钟读完</span>' in html


def test_a_long_episode_shows_more_minutes_after_a_warm_build_too(fixture_site: Path) -> None:
    """Worked out when the episode is loaded and kept in the cache with it."""
    episode = fixture_site / "episodes" / "001.md"
    episode.write_text(episode.read_text(encoding="utf-8") + "\n" + "位" * 2000 + "\n",
                       encoding="utf-8")
    page = fixture_site / "_site" / "episodes" / "001" / "index.html"
    for _ in range(2):  # cold, then from the cache
        assert run_talkgen("build", "--no-search", cwd=fixture_site).returncode == 0
        shown = re.search(r'<span class="reading-time">约 (\d+) 分钟读完</span>',
                          page.read_text(encoding="utf-8"))
        assert shown and 5 <= int(shown.group(1)) <= 7  # 2000 characters at 400 a minute, and more

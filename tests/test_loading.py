"""Loading one episode: front matter, sections from the token stream, questions, links."""

from __future__ import annotations

import datetime as dt
import gc
import tracemalloc
from pathlib import Path

import pytest

from talkgen.content import frontmatter
from talkgen.content.config import SiteConfig
from talkgen.content.episode import Loaded, parse_episode
from talkgen.content.sections import SectionTable, parse_question
from talkgen.site.qa import split_questions
from talkgen.urls import Urls

CONFIG = SiteConfig(root=Path("/site"))


def load(text: str, name: str = "002.md", urls: Urls | None = None) -> Loaded:
    urls = urls or Urls()
    return parse_episode(text.encode("utf-8"), f"episodes/{name}", name, CONFIG, urls)


HEAD = "---\nnumber: 2\ndate: 2023-06-24\nhost: 羡鱼\n---\n"
BODY = "## 本周新闻\n\n新闻。\n\n## 本周推荐\n\n推荐。\n\n## Free Talk\n\n讨论。\n"


def test_front_matter_becomes_episode_fields() -> None:
    text = ("---\nnumber: 2\ndate: 2023-06-24\nhost: [羡鱼, yuhan]\ntime: 22:00\n"
            "topics: [RLHF, 位置编码]\n---\n" + BODY)
    episode = load(text).episode
    assert episode is not None
    assert episode.number == 2 and episode.date == dt.date(2023, 6, 24)
    assert episode.hosts == ("羡鱼", "yuhan")
    assert episode.time == "22:00"  # YAML 1.1 reads 22:00 as 1320; we give it back
    assert episode.title == "OpenLLM Talk 002"
    assert episode.topics == ("RLHF", "位置编码")


def test_sections_are_cut_at_level_two_headings_only() -> None:
    body = BODY.replace("新闻。", "```\n## not a heading\n```\n\n- ## nor this in a list")
    loaded = load(HEAD + body)
    assert loaded.diagnostics == []
    assert loaded.episode is not None
    kinds = [s.kind for s in loaded.episode.sections]
    assert kinds == ["news", "recommendations", "free_talk"]
    assert "## not a heading" in loaded.episode.sections[0].html


def test_titles_match_case_and_width_insensitively() -> None:
    body = BODY.replace("## 本周新闻", "## ＮＥＷＳ").replace("## Free Talk", "## free talk")
    loaded = load(HEAD + body)
    assert loaded.episode is not None
    assert [s.title for s in loaded.episode.sections] == ["ＮＥＷＳ", "本周推荐", "free talk"]


def test_site_can_rename_sections() -> None:
    table = SectionTable().with_overrides({"news": {"title": "新闻", "aliases": ["Headlines"]}})
    assert table.match("新闻").key == "news"  # type: ignore[union-attr]
    assert table.match("本周新闻").key == "news"  # type: ignore[union-attr]
    assert table.match("headlines").key == "news"  # type: ignore[union-attr]


def test_free_talk_questions_and_open_questions() -> None:
    body = BODY.replace("讨论。", "### Q1：有 LoRA 风格的案例吗？ --初七\n\n不同风格。\n\n"
                        "#### 细节\n\n更多。\n\n### Q2: 是用 logit_bias 吗？\n\n### 聊天区\n\n闲聊。")
    episode = load(HEAD + body).episode
    assert episode is not None
    q1, q2 = episode.questions
    assert (q1.label, q1.text, q1.asker, q1.is_open) == ("Q1", "有 LoRA 风格的案例吗？", "初七", False)
    free_talk = next(s for s in episode.sections if s.questions)
    answers = {p.anchor: p.html for p in split_questions(free_talk.html, [q1.anchor, q2.anchor])}
    assert "更多" in answers[q1.anchor] and "闲聊" not in answers[q1.anchor]
    assert not answers[q2.anchor].strip()
    assert (q2.label, q2.asker, q2.is_open) == ("Q2", None, True)
    assert q1.anchor and q1.line == 16


def test_question_heading_forms() -> None:
    assert parse_question("Q：为什么？——小明") == parse_question("Q: 为什么？ --小明")
    assert parse_question("Q12：A--B 测试 --yuhan").asker == "yuhan"  # type: ignore[union-attr]
    assert parse_question("Quantization") is None
    assert parse_question("聊天区") is None


def test_links_to_episode_files_are_rewritten_under_the_base_path() -> None:
    body = BODY.replace("新闻。", "见[上期](001.md)与[经典](001.md#本周经典)。")
    episode = load(HEAD + body, urls=Urls("/talk/")).episode
    assert episode is not None
    html = episode.sections[0].html
    assert 'href="/talk/episodes/001/"' in html
    assert 'href="/talk/episodes/001/#%E6%9C%AC%E5%91%A8%E7%BB%8F%E5%85%B8"' in html
    assert [(link.target, link.line) for link in episode.links] == [(1, 8), (1, 8)]


def test_raw_html_is_escaped_unless_allowed() -> None:
    body = BODY.replace("新闻。", "<script>alert(1)</script> <b>粗</b>")
    episode = load(HEAD + body).episode
    assert episode is not None
    assert "<script>" not in episode.sections[0].html
    assert "&lt;script&gt;" in episode.sections[0].html
    allowed = SiteConfig(root=Path("/site"), allow_html=True)
    loaded = parse_episode((HEAD + body).encode(), "episodes/002.md", "002.md", allowed, Urls())
    assert loaded.episode is not None and "<b>粗</b>" in loaded.episode.sections[0].html



@pytest.mark.parametrize("target", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "vbscript:msgbox(1)",
                                    "data:text/html,x", "data:image/png;base64,iVBORw0KGgo=",
                                    "file:///etc/passwd"])
@pytest.mark.parametrize("allow_html", [False, True])
def test_unsafe_link_targets_are_errors_and_never_links(target: str, allow_html: bool) -> None:
    body = BODY.replace("新闻。", f"[链接]({target}) ![图]({target})")
    config = SiteConfig(root=Path("/site"), allow_html=allow_html)
    loaded = parse_episode((HEAD + body).encode(), "episodes/002.md", "002.md", config, Urls())
    assert loaded.episode is None
    unsafe = [d for d in loaded.diagnostics if d.code == "E033"]
    assert [(d.location.line, d.location.column) for d in unsafe] == [
        (8, 1 + len("[链接](")), (8, 1 + len(f"[链接]({target}) ![图]("))]


def test_code_blocks_are_highlighted_by_class() -> None:
    body = BODY.replace("新闻。", "```python\ndef f():\n    return 1\n```")
    episode = load(HEAD + body).episode
    assert episode is not None
    assert '<pre class="highlight" data-lang="python"><code class="language-python"><span class="k">def' in \
        episode.sections[0].html


def test_windows_line_endings_and_bom_keep_positions() -> None:
    text = "\ufeff" + (HEAD + "# 标题\n\n" + BODY).replace("\n", "\r\n")
    loaded = load(text)
    assert [(d.code, d.location.line) for d in loaded.diagnostics] == [("W028", 6)]


def test_reading_front_matter_again_and_again_keeps_nothing_of_it() -> None:
    """The preview reads the same episodes for hours, and a build holds a thousand: what the
    YAML reader made must go when it returns. (PyYAML's shared constructor kept every node it
    was given, with its positions: about 3 KB an episode, for the life of the process.)"""
    text = "number: 1\ntitle: 第一期\ndate: 2024-01-06\ntopics: [位置编码, RLHF]\nhost: 某人\n"
    lines = text.splitlines()

    def read(times: int) -> None:
        for _ in range(times):
            doc, problems = frontmatter.parse(text, 2, "episodes/001.md", lines)
            assert doc is not None and problems == []

    read(20)  # caches that fill once
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        read(400)
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown < 20_000, f"{grown} bytes kept after 400 readings"

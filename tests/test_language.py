"""The UI speaks the site's language: one catalogue per language, picked by `language:`."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from talkgen.messages import Messages, available

from .conftest import REPO, build_fixture

CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
CATALOGUES = REPO / "talkgen" / "data" / "messages"
# English words of the theme that a Chinese page must not show (content is excluded).
ENGLISH_UI = re.compile(r"\b(Home|Topics|People|Questions|Reading|Search|Contents|Contributors|"
                        r"Host|Previous|Next|Related|Skip|min read|open|Answer|Recording|Copy|"
                        r"episodes?|draft|Mentioned)\b")
CONTENT_CLASSES = {"prose", "qa-text", "card-title", "card-summary", "chips", "entry-title",
                   "lead", "episode-nav-title"}


class _UiText(HTMLParser):
    """Text and attribute values of a page that belong to the theme, not to the episodes."""

    SKIPPED = {"script", "style", "title"}

    def __init__(self, names: set[str]) -> None:
        super().__init__()
        self.names = names  # people, topics, titles: content wherever it appears
        self.stack: list[bool] = []
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        content = bool(CONTENT_CLASSES & set((a.get("class") or "").split())) \
            or tag in self.SKIPPED or tag in ("h1", "h2", "h3", "h4", "a", "time")
        if tag in ("meta", "link"):
            return  # their text (titles, descriptions) is the site's and the episodes'
        if tag not in ("input", "br", "img", "hr", "source"):
            self.stack.append(content or (bool(self.stack) and self.stack[-1]))
        if not (self.stack and self.stack[-1]):
            self.parts += [v for k, v in attrs if k in ("aria-label", "placeholder", "title") and v]

    def handle_endtag(self, tag: str) -> None:
        if tag not in ("meta", "link", "input", "br", "img", "hr", "source") and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not (self.stack and self.stack[-1]):
            text = data
            for name in self.names:
                text = text.replace(name, "")
            self.parts.append(text)


def ui_text(html: str, names: set[str]) -> str:
    parser = _UiText(names)
    parser.feed(html)
    return " ".join(parser.parts)


def test_every_catalogue_has_the_same_keys() -> None:
    tables = {tag: json.loads((CATALOGUES / f"{tag}.json").read_text(encoding="utf-8"))
              for tag in available()}
    assert {"en", "zh-CN"} <= tables.keys()
    keys = set(tables["en"])
    assert all(set(t) == keys for t in tables.values())


def test_language_picks_the_catalogue() -> None:
    assert Messages("en")("nav_home") == "Home"
    assert Messages("zh-CN")("nav_home") == "首页"
    assert Messages("zh-TW").tag == "zh-CN" and Messages("fr").tag == "en"


@pytest.fixture(scope="module")
def english(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fixture(tmp_path_factory, "english")


@pytest.fixture
def chinese(reading_site: Path) -> Path:
    return reading_site


NAMES_EN = {"Ada", "Grace", "Linus"}
NAMES_ZH = {"羡鱼", "yuhan", "初七", "Victorwz/LongMem", "State of GPT", "LoRA", "Bilibili",
            "OpenLLM", "talkgen", "Free Talk", "Reading fixture", "MusicGen", "GitHub",
            "Hugging Face", "arXiv", "DOI", "Q1", "Q2"}


def test_an_english_site_has_no_cjk_outside_the_content(english: Path) -> None:
    pages = sorted(english.rglob("*.html"))
    assert len(pages) > 8
    for path in pages:
        html = path.read_text(encoding="utf-8")
        assert '<html lang="en">' in html
        text = ui_text(html, NAMES_EN)
        assert not CJK.search(text), (path.relative_to(english), CJK.findall(text)[:10])
        scripts = re.search(r'id="talkgen-messages">(.*?)</script>', html)
        assert scripts and not CJK.search(" ".join(json.loads(scripts.group(1)).values()))
    episode = (english / "episodes" / "001" / "index.html").read_text(encoding="utf-8")
    assert "min read" in episode and "Contents" in episode and "Skip to content" in episode
    assert 'aria-label="Link to “' in episode  # heading links from the Markdown, too


def test_a_chinese_site_has_no_stray_english_ui_words(chinese: Path) -> None:
    for path in sorted(chinese.rglob("*.html")):
        text = ui_text(path.read_text(encoding="utf-8"), NAMES_ZH)
        assert not ENGLISH_UI.search(text), (path.relative_to(chinese), ENGLISH_UI.findall(text))


def test_the_scripts_read_their_words_from_the_page() -> None:
    for name in ("search.js", "copy-link.js", "theme.js"):
        script = (REPO / "static" / name).read_text(encoding="utf-8")
        assert not CJK.search(script), name
        assert "talkgen-messages" in script, name

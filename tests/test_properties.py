"""Property-based tests: random input never escapes as markup, never crashes, slugs stay safe."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from talkgen.config import SiteConfig
from talkgen.loader import parse_episode
from talkgen.site import assign_slugs, slugify
from talkgen.urls import Urls

CONFIG = SiteConfig(root=Path("/site"))
HEAD = "---\nnumber: 1\ndate: 2023-06-24\nhost: 羡鱼\n---\n"
SECTIONS = ["## 本周新闻\n", "## 本周推荐\n", "## Free Talk\n", "### Q1：问？ --某人\n"]
FRAGMENTS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<svg onload=alert(1)>",
             "[x](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))", "[x](&#106;avascript:alert(1))",
             "[x](data:text/html,<script>)", "[x](vbscript:msgbox)", "<a href=\"javascript:x\">a</a>",
             '"onmouseover="alert(1)', "`code`", "```py\n<b>\n```\n", "- ", "> ", "**", "_", "|a|b|\n|-|-|\n",
             "\n", "\n\n", "#", "[", "](", ")", "<", ">", "&", "\"", "'", "文字", "https://x.org/<b>"]
SAFE_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "a", "ul", "ol", "li", "blockquote", "pre",
             "code", "em", "strong", "s", "table", "thead", "tbody", "tr", "th", "td", "hr", "br",
             "img", "span"}
SAFE_ATTRS = {"href", "id", "class", "src", "alt", "title", "aria-label", "start", "style"}
PROFILE = settings(max_examples=150, deadline=None,
                   suppress_health_check=[HealthCheck.too_slow])

markdown_text = st.lists(st.one_of(st.sampled_from(FRAGMENTS + SECTIONS), st.text(max_size=20)),
                         max_size=40).map("".join)


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.bad: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in SAFE_TAGS:
            self.bad.append(tag)
        for name, value in attrs:
            if name not in SAFE_ATTRS or name.startswith("on"):
                self.bad.append(f"{tag}[{name}]")
            if name in ("href", "src") and value and ":" in value.split("/")[0] and \
                    not value.lower().startswith(("http:", "https:", "mailto:")):
                self.bad.append(f"{tag}[{name}={value}]")


def _html(text: str) -> list[str]:
    loaded = parse_episode(text.encode("utf-8", "surrogatepass"), "episodes/001.md", "001.md",
                           CONFIG, Urls())
    if loaded.episode is None:
        return []
    e = loaded.episode
    return [e.intro_html, *(s.html for s in e.sections), *(q.answer_html for q in e.questions)]


@PROFILE
@given(markdown_text)
def test_no_markup_from_the_input_survives_rendering(body: str) -> None:
    for html in _html(HEAD + "## 本周新闻\n\n" + body):
        parser = _Elements()
        parser.feed(html)
        assert parser.bad == [], html


@PROFILE
@given(markdown_text)
def test_random_bodies_give_diagnostics_not_exceptions(body: str) -> None:
    loaded = parse_episode((HEAD + body).encode("utf-8", "surrogatepass"), "episodes/001.md",
                           "001.md", CONFIG, Urls())
    assert loaded.episode is not None or loaded.diagnostics


yaml_text = st.lists(st.one_of(
    st.sampled_from(["number: 1\n", "date: 2023-06-24\n", "host: a\n", "topics: [", "]\n", ": ",
                     "- ", "&a ", "*a ", "!!python/object ", "{", "}", "'", '"', "\t", "\n",
                     "sections:\n  news: ", "  ", "? ", "%YAML 1.2\n", "--- ", "...\n"]),
    st.text(max_size=10)), max_size=30).map("".join)


@PROFILE
@given(yaml_text)
def test_random_front_matter_gives_diagnostics_not_exceptions(front: str) -> None:
    text = f"---\n{front}\n---\n## 本周新闻\n\nx\n"
    loaded = parse_episode(text.encode("utf-8", "surrogatepass"), "episodes/001.md", "001.md",
                           CONFIG, Urls())
    assert loaded.episode is not None or loaded.diagnostics
    for d in loaded.diagnostics:
        assert d.location.line >= 0 and d.location.column >= 0


@PROFILE
@given(st.lists(st.text(min_size=1, max_size=300), min_size=1, max_size=30))
def test_slugs_are_safe_unique_and_stable(names: list[str]) -> None:
    slugs = assign_slugs(names)
    assert len(set(slugs.values())) == len(slugs)
    assert assign_slugs(list(reversed(names))) == slugs
    for slug in slugs.values():
        assert slug and slug not in (".", "..") and len(slug.encode("utf-8")) <= 150
        assert not any(ch in slug for ch in "/\\\x00?#%<>\"'")
        assert slugify(slug) == slug or slug.rsplit("-", 1)[-1].isdigit()

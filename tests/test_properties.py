"""Property-based tests: random input never escapes as markup, never crashes, slugs stay safe."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from talkgen.content.body_context import Context
from talkgen.content.config import SiteConfig
from talkgen.content.episode import parse_episode
from talkgen.content.markdown import parser, render
from talkgen.content.unsafe_links import refuse_unsafe_links
from talkgen.site.indexes import assign_slugs, slugify
from talkgen.urls import Urls, is_safe_link

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
             "img", "span", "div"}
# $…$ becomes MathML made by latex2mathml from a closed list of tags (talkgen/content/mathml.py)
SAFE_TAGS |= {"math", "semantics", "annotation", "mrow", "mi", "mn", "mo", "ms", "mtext",
              "mspace", "msup", "msub", "msubsup", "mfrac", "msqrt", "mroot", "mover", "munder",
              "munderover", "mtable", "mtr", "mtd", "mstyle", "mpadded", "mphantom", "menclose"}
SAFE_ATTRS = {"href", "id", "class", "src", "alt", "title", "aria-label", "start", "style",
              "data-lang",  # the code block's language label, escaped like any attribute
              "xmlns", "display", "encoding", "stretchy", "fence", "separator", "mathvariant",
              "accent", "accentunder", "movablelimits", "lspace", "rspace", "width", "height",
              "depth", "columnalign", "rowspacing", "columnspacing", "linethickness", "notation"}
PROFILE = settings(max_examples=150, deadline=None,
                   suppress_health_check=[HealthCheck.too_slow])

markdown_text = st.lists(st.one_of(st.sampled_from(FRAGMENTS + SECTIONS), st.text(max_size=20)),
                         max_size=40).map("".join)
UNSAFE = [f for f in FRAGMENTS if ":" in f and f.startswith("[x](")]
SKELETON = HEAD + "## 本周新闻\n\n新闻。\n\n## 本周推荐\n\n推荐。\n\n## Free Talk\n\n"
# ATX or setext level 2, or a full-width ＃ (read as the heading the author meant: heading_variants)
_SECTION_LINE = re.compile(r"^( {0,3})(##(?!#)|-+ *$|＃)", re.MULTILINE)

# Text that may hold any markup but always makes a valid episode as the end of Free Talk: no
# NUL or lone surrogate (errors of their own), no unsafe link target (E033, tested below), and
# no line that would start another section (escaped with a backslash, as an author would).
# Placed last, an unclosed fence or list cannot swallow a section heading.
free_text = st.lists(st.one_of(
    st.sampled_from([f for f in FRAGMENTS if f not in UNSAFE] + SECTIONS[3:]),
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
            max_size=20)), max_size=40).map(
    lambda parts: _SECTION_LINE.sub(r"\1\\\2", "".join(parts).replace("\r", "\n")))


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
            if name in ("href", "src") and value and not is_safe_link(value):
                self.bad.append(f"{tag}[{name}={value}]")


def _bad_markup(html: str) -> list[str]:
    parser = _Elements()
    parser.feed(html)
    return parser.bad


@PROFILE
@given(free_text)
@example(_SECTION_LINE.sub(r"\1\\\2", "＃＃<script>alert(1)</script>"))  # found by hypothesis
def test_no_markup_from_the_input_survives_rendering(body: str) -> None:
    loaded = parse_episode((SKELETON + body).encode("utf-8"), "episodes/001.md", "001.md",
                           CONFIG, Urls())
    assert loaded.episode is not None, [d.message for d in loaded.diagnostics if d.is_error]
    e = loaded.episode
    for html in [e.intro_html, *(s.html for s in e.sections)]:  # answers are in the sections
        assert _bad_markup(html) == [], html


@PROFILE
@given(st.sampled_from(UNSAFE), free_text)
def test_an_unsafe_link_target_is_an_error_and_never_rendered(unsafe: str, body: str) -> None:
    text = SKELETON + unsafe + "\n\n" + body
    loaded = parse_episode(text.encode("utf-8"), "episodes/001.md", "001.md", CONFIG, Urls())
    assert loaded.episode is None
    assert (16, 5, "E033") in [(d.location.line, d.location.column, d.code)
                               for d in loaded.diagnostics]
    ctx = Context("episodes/001.md", text.split("\n"), 6, parser(audit=True), Urls())
    tokens = ctx.md.parse(text[len(HEAD):])
    refuse_unsafe_links(ctx, tokens)
    assert _bad_markup(render(ctx.md, tokens)) == []


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


# long names in 4-byte characters (CJK Extension B), which plain st.text() almost never draws
wide_names = st.text(st.characters(min_codepoint=0x20000, max_codepoint=0x2A6DF), min_size=30,
                     max_size=150)


@PROFILE
@given(st.lists(st.one_of(st.text(min_size=1, max_size=300), wide_names), min_size=1, max_size=30))
def test_slugs_are_safe_unique_and_stable(names: list[str]) -> None:
    slugs = assign_slugs(names)
    assert len(set(slugs.values())) == len(slugs)
    assert assign_slugs(list(reversed(names))) == slugs
    for slug in slugs.values():
        assert slug and slug not in (".", "..") and len(slug.encode("utf-8")) <= 130
        assert not any(ch in slug for ch in "/\\\x00?#%<>\"'")
        assert slugify(slug) == slug or slug.rsplit("-", 1)[-1].isdigit()

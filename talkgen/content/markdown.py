"""The one configured Markdown parser: CommonMark + tables, strikethrough, linkify,
Pygments highlighting by CSS class, and GitHub-style heading anchors."""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin

from ..messages import Messages
from ..urls import is_safe_link
from .mathml import to_mathml

if TYPE_CHECKING:
    from pygments.formatters import HtmlFormatter
    from pygments.lexer import Lexer

# Pygments is imported by the first code block (and for pygments.css), not with this module:
# `check` and an episode without code do not pay for it.
PYGMENTS_LIGHT = "default"  # passes WCAG AA contrast, unlike "friendly"
PYGMENTS_DARK = "monokai"
# Highlighting wraps every token in a <span>: dense code (`a+b*c…`) grows 25-fold. A block is
# highlighted only while it is small and the markup stays within a multiple of the code, so the
# output stays in proportion to the input (docs/security.md); otherwise it is shown plain.
MAX_HIGHLIGHT_CHARS = 100_000  # per block; body.HIGHLIGHT_BUDGET caps an episode's total
MAX_HIGHLIGHT_GROWTH = 12  # real code grows 3-5 times, short tokens 10, `a+b*c…` 24


def heading_slug(text: str) -> str:
    """GitHub's anchor rule, so `002.md#本周经典` works on GitHub and on the site alike."""
    text = unicodedata.normalize("NFC", text).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-") or "section"


@functools.lru_cache(maxsize=512)
def _highlight(code: str, lang: str, _attrs: str) -> str:
    """Highlighted HTML wrapped in <pre> so markdown-it uses it as is.

    Cached: a Free Talk answer is rendered with its section and again on its own, and the
    same snippet often recurs; Pygments is the costliest step of a build."""
    name = lang.split()[0] if lang else ""
    css_lang = f' class="language-{html.escape(name, quote=True)}"' if name else ""
    label = f' data-lang="{html.escape(name[:32], quote=True)}"' if name else ""
    lexer = _lexer(name) if name and len(code) <= MAX_HIGHLIGHT_CHARS else None
    body = html.escape(code)
    if lexer:
        from pygments import highlight

        coloured: str = highlight(code, lexer, _formatter())
        if len(coloured) <= MAX_HIGHLIGHT_GROWTH * len(body) + 200:
            body = coloured
    return f'<pre class="highlight"{label}><code{css_lang}>{body}</code></pre>'


@functools.lru_cache(maxsize=64)
def _lexer(name: str) -> Lexer | None:
    """Pygments looks a lexer up through every plugin each time; a lexer is reusable."""
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        return get_lexer_by_name(name)
    except ClassNotFound:
        return None


@functools.cache
def _formatter() -> HtmlFormatter[str]:
    from pygments.formatters import HtmlFormatter

    return HtmlFormatter(nowrap=True)


@functools.cache
def parser(allow_html: bool = False, audit: bool = False, language: str = "zh-CN") -> MarkdownIt:
    """The parser for a site; cached because building one is not free.

    `language` picks the words of the heading links' labels (the UI message catalogue).
    Links are held to `urls.is_safe_link`: a refused target stays text. With `audit`, every
    target becomes a token instead, so the episode reader can report each refused one at its
    position and take it out itself (body.refuse_unsafe_links); only the reader may use it.
    """
    md = MarkdownIt(
        "commonmark",
        {"html": allow_html, "linkify": True, "typographer": False, "xhtmlOut": False,
         "highlight": _highlight},
    )
    md.enable(["table", "strikethrough", "linkify"])
    check: Callable[[str], bool] = _any_target if audit else is_safe_link
    md.validateLink = check  # type: ignore[method-assign,assignment]
    md.use(anchors_plugin, min_level=1, max_level=6, slug_func=heading_slug)
    md.use(dollarmath_plugin, allow_labels=False, allow_space=False,
           renderer=to_mathml)
    messages = Messages(language)

    def heading_close(self: RendererHTML, tokens: Sequence[Token], idx: int,
                      options: OptionsDict, env: EnvType) -> str:
        return _heading_close(tokens, idx, messages)

    md.add_render_rule("heading_close", heading_close)
    return md


def _any_target(url: str) -> bool:
    """Let every target through to the token stream, where the reader applies the policy."""
    return True


def _heading_close(tokens: Sequence[Token], idx: int, label: Messages) -> str:
    """Close a heading with a '#' link to itself, so every heading can be linked to."""
    anchor = tokens[idx - 2].attrGet("id")
    link = ""
    if anchor:
        href = html.escape(f"#{anchor}", quote=True)
        text = html.escape(label("heading_link", title=inline_text(tokens[idx - 1])), quote=True)
        link = f'<a class="anchor" href="{href}" aria-label="{text}">#</a>'
    return f"{link}</{tokens[idx].tag}>\n"


def render(md: MarkdownIt, tokens: Sequence[Token]) -> str:
    html: str = md.renderer.render(list(tokens), md.options, {})
    return html


def inline_text(token: Token) -> str:
    """Plain text of an inline token (what a reader sees, without markup)."""
    if not token.children:
        return token.content
    parts = []
    for child in token.children:
        if child.type in ("text", "code_inline", "html_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)


def pygments_css() -> str:
    """Light and dark highlighting styles, switched by prefers-color-scheme."""
    from pygments.formatters import HtmlFormatter

    light = HtmlFormatter(style=PYGMENTS_LIGHT).get_style_defs(".highlight")  # type: ignore[no-untyped-call]
    dark = HtmlFormatter(style=PYGMENTS_DARK).get_style_defs(".highlight")  # type: ignore[no-untyped-call]
    return f"{light}\n@media (prefers-color-scheme: dark) {{\n{dark}\n}}\n"

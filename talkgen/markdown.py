"""The one configured Markdown parser: CommonMark + tables, strikethrough, linkify,
Pygments highlighting by CSS class, and GitHub-style heading anchors."""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.anchors import anchors_plugin
from pygments import highlight as pygments_highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

_FORMATTER = HtmlFormatter(nowrap=True)
PYGMENTS_LIGHT = "default"  # passes WCAG AA contrast, unlike "friendly"
PYGMENTS_DARK = "monokai"
_UNSAFE_TARGET = re.compile(r"\s*(javascript|vbscript|file|data):", re.IGNORECASE)


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
    lexer = _lexer(name) if name else None
    body = pygments_highlight(code, lexer, _FORMATTER) if lexer else html.escape(code)
    return f'<pre class="highlight"><code{css_lang}>{body}</code></pre>'


@functools.lru_cache(maxsize=64)
def _lexer(name: str) -> Lexer | None:
    """Pygments looks a lexer up through every plugin each time; a lexer is reusable."""
    try:
        return get_lexer_by_name(name)
    except ClassNotFound:
        return None


@functools.cache
def parser(allow_html: bool = False) -> MarkdownIt:
    """The parser for a site; cached because building one is not free."""
    md = MarkdownIt(
        "commonmark",
        {"html": allow_html, "linkify": True, "typographer": False, "xhtmlOut": False,
         "highlight": _highlight},
    )
    md.enable(["table", "strikethrough", "linkify"])
    md.validateLink = _safe_target  # type: ignore[method-assign]
    md.use(anchors_plugin, min_level=1, max_level=6, slug_func=heading_slug)
    md.add_render_rule("heading_close", _heading_close)
    return md


def _safe_target(url: str) -> bool:
    """markdown-it's rule without its exception for data: images, so every target W033 names
    (javascript:, vbscript:, file:, data:) is shown as text, as W033 says."""
    return not _UNSAFE_TARGET.match(url)


def _heading_close(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict,
                   env: EnvType) -> str:
    """Close a heading with a '#' link to itself, so every heading can be linked to."""
    anchor = tokens[idx - 2].attrGet("id")
    link = ""
    if anchor:
        href = html.escape(f"#{anchor}", quote=True)
        label = html.escape(f"链接到“{inline_text(tokens[idx - 1])}”", quote=True)
        link = f'<a class="anchor" href="{href}" aria-label="{label}">#</a>'
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
    light = HtmlFormatter(style=PYGMENTS_LIGHT).get_style_defs(".highlight")  # type: ignore[no-untyped-call]
    dark = HtmlFormatter(style=PYGMENTS_DARK).get_style_defs(".highlight")  # type: ignore[no-untyped-call]
    return f"{light}\n@media (prefers-color-scheme: dark) {{\n{dark}\n}}\n"

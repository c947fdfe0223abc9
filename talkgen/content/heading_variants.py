"""Section headings typed almost right: `##本周推荐`, `＃＃ 本周推荐`, `## 本周新闻：`,
`## 本周经典 (optional)`, `### 本周推荐`.

Each is what the author meant, so it is read as that section (the line is rewritten before
the body is parsed again; line numbers do not move) and a warning says what to type.
Found in markdown-it's tokens, so nothing inside a code block or a quote is touched.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from markdown_it.token import Token

from .markdown import inline_text
from .sections import SectionKind, SectionTable

_NOT_A_HEADING = re.compile(r"^(?P<hashes>#{1,6}|＃{1,6})(?P<gap>[ \u3000]*)(?P<title>[^#＃\s].*)$")
_SUFFIX = re.compile(r"\s*(?:[-—_]\s*optional|[(（\[【]\s*(?:optional|可选|选填|选做)\s*[)）\]】])\s*$",
                     re.IGNORECASE)
_TRAILING = re.compile(r"[\s:：。.!！?？,，;；、]+$")


@dataclass(frozen=True)
class Variant:
    """A heading line to rewrite (0-based line of the body) and the warning that says so."""

    body_line: int
    fixed: str
    code: str
    column: int
    width: int
    message: str
    hint: str


def loose_match(title: str, table: SectionTable) -> SectionKind | None:
    """The section a title names once trailing punctuation, '(optional)' and 【】 are dropped."""
    return table.match(_bare(title))


def _bare(title: str) -> str:
    bare = _TRAILING.sub("", _SUFFIX.sub("", title)).strip()
    return bare[1:-1].strip() if bare[:1] in "【[" and bare[-1:] in "】]" else bare


def find(tokens: Sequence[Token], body_lines: Sequence[str], table: SectionTable) -> list[Variant]:
    """Every heading variant in a parsed body; at most one per line."""
    at_h2 = {k.key for i, t in enumerate(tokens) if _top_heading(t, "h2")
             if (k := table.match(inline_text(tokens[i + 1]).strip()))}
    out: list[Variant] = []
    for i, token in enumerate(tokens):
        if token.level != 0 or not token.map:
            continue
        if token.type == "paragraph_open":
            out += _paragraph(token, body_lines, table)
        elif token.type == "heading_open":
            variant = _heading(token, inline_text(tokens[i + 1]).strip(), body_lines, table, at_h2)
            if variant:
                out.append(variant)
    return out


def _top_heading(token: Token, tag: str) -> bool:
    return token.type == "heading_open" and token.tag == tag and token.level == 0


def _paragraph(token: Token, body_lines: Sequence[str], table: SectionTable) -> list[Variant]:
    """`##本周推荐` and `＃＃ 本周推荐`: Markdown reads these as text, not headings."""
    assert token.map is not None
    out = []
    for n in range(token.map[0], min(token.map[1], len(body_lines))):
        if body_lines[n][:1] not in ("#", "＃"):
            continue  # most lines; the regex below is the slow path
        m = _NOT_A_HEADING.match(body_lines[n].rstrip())
        if not m:
            continue
        title = m.group("title").strip()
        kind = loose_match(title, table)
        wide = m.group("hashes").startswith("＃")
        if kind is None and not (wide or len(m.group("hashes")) >= 2):
            continue  # `#话题` in prose stays prose
        fixed = f"## {_clean(title, kind)}" if kind else f"{'#' * len(m.group('hashes'))} {title}"
        shown = m.group(0)
        if wide:
            why = 'uses full-width "＃"; Markdown headings need ASCII #'
        elif "\u3000" in m.group("gap"):
            why = 'has a full-width space after the #; Markdown needs an ASCII space'
        else:
            why = f"is not a heading: a space is needed after {m.group('hashes')}"
        out.append(Variant(n, fixed, "W044", 1, len(m.group("hashes")) + len(m.group("gap")),
                           f'"{shown}" {why}', f'write "{fixed}"'))
    return out


def _heading(token: Token, title: str, body_lines: Sequence[str], table: SectionTable,
             at_h2: set[str]) -> Variant | None:
    """`## 本周新闻：`, `## 本周经典 (optional)`, and a section at level 1 or 3."""
    assert token.map is not None
    line = body_lines[token.map[0]] if token.map[0] < len(body_lines) else ""
    if not line.lstrip().startswith("#"):
        return None  # a setext heading (underlined): leave it alone
    kind = loose_match(title, table)
    if kind is None:
        return None
    clean = _clean(title, kind)
    fixed = f"## {clean}"
    if token.tag == "h2":
        if table.match(title):
            return None
        return Variant(token.map[0], fixed, "W044", 1, len(line.rstrip()),
                       f'heading "{title}" is read as the section "{clean}"',
                       f'write "{fixed}": section headings take no punctuation or notes')
    if kind.key in at_h2:
        return None  # a subsection that happens to share a section's name
    level = int(token.tag[1])
    return Variant(token.map[0], fixed, "W045", 1, len(line.rstrip()),
                   f'"{line.strip()}" is a section: write it as a level-2 heading (##), '
                   f"not level {level}", f'write "{fixed}"')


def _clean(title: str, kind: SectionKind) -> str:
    return _bare(title) or kind.title


def apply(body: str, variants: Sequence[Variant]) -> str:
    """The body with each variant's line rewritten; the number of lines stays the same."""
    lines = body.split("\n")
    for v in variants:
        lines[v.body_line] = v.fixed
    return "\n".join(lines)

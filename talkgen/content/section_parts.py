"""What a section contributes to its page besides its HTML: its table of contents, its questions."""

from __future__ import annotations

from collections.abc import Sequence

from markdown_it.token import Token

from ..model import Heading, Question
from .body_context import Context, is_heading
from .markdown import inline_text
from .sections import loose_question, parse_question


def headings(tokens: Sequence[Token]) -> tuple[Heading, ...]:
    """Level-3 and level-4 headings of a section, for the table of contents."""
    out = []
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.level == 0 and token.tag in ("h3", "h4"):
            text = inline_text(tokens[i + 1]).strip()
            out.append(Heading(int(token.tag[1]), text, str(token.attrGet("id") or "")))
    return tuple(out)


def questions(ctx: Context, tokens: Sequence[Token]) -> tuple[Question, ...]:
    """Level-3 `Q…:` headings of Free Talk, each with the content up to the next level-3."""
    h3 = [i for i, t in enumerate(tokens) if is_heading(t, "h3")]
    out = []
    for n, start in enumerate(h3):
        title = inline_text(tokens[start + 1])
        parsed = parse_question(title) or loose_question(title)
        if parsed is None:
            continue
        end = h3[n + 1] if n + 1 < len(h3) else len(tokens)
        answered = end > start + 3  # anything at all: every block renders to some HTML
        anchor = str(tokens[start].attrGet("id") or "")
        out.append(Question(parsed.label, parsed.text, parsed.asker, anchor, answered,
                            ctx.line_of(tokens[start])))
    return tuple(out)

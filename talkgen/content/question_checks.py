"""Free Talk questions written so that a strict reading would miss them: say how to write them."""

from __future__ import annotations

import re
from collections.abc import Sequence

from markdown_it.token import Token

from .body_context import Context, is_heading
from .sections import loose_question, parse_question

_MAY_ASK = re.compile(r"\s*(?:[Qq]|\d|问题)")  # cheap test before reading a question


def check_questions(ctx: Context, tokens: Sequence[Token]) -> None:
    """W046 for a question heading without its colon, or a question not written as a heading."""
    for i, token in enumerate(tokens):
        if token.type != "inline" or not token.map:
            continue
        if not _MAY_ASK.match(token.content):
            continue
        heading = tokens[i - 1] if i else None
        first = token.content.split("\n", 1)[0].strip()
        line = ctx.line_of(token)
        width = len(ctx.lines[line - 1].rstrip()) if line <= len(ctx.lines) else 0
        if heading is not None and is_heading(heading, "h3"):
            loose = None if parse_question(first) else loose_question(first)
            if loose:
                fixed = f"### {loose.label}：{loose.text}" + (f" --{loose.asker}" if loose.asker
                                                             else "")
                ctx.report("W046", f'"### {first}" is read as question {loose.label}; write it '
                           "with a colon after the number", line, hint=f'write "{fixed}"',
                           width=width)
        elif heading is not None and heading.type == "paragraph_open" and parse_question(first):
            ctx.report("W046", f'"{first[:40]}" looks like a question but is not a heading, so '
                       "the questions page misses it", line,
                       hint=f'start the line with "### ": ### {first[:40]}', width=width)

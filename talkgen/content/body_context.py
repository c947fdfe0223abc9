"""What the body checks share: the file being read, how they report, where text is written.

A diagnostic points into the original file, so every check needs the file's lines and the
line where the body starts; the two finders turn a token back into a column.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token

from ..diagnostics import Diagnostic, diagnostic
from ..urls import Urls


@dataclass
class Context:
    """What the body checks need to know about the file they are reading."""

    file: str
    lines: Sequence[str]  # every line of the original file
    body_line: int  # file line of the body's first line
    md: MarkdownIt
    urls: Urls
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def line_of(self, token: Token) -> int:
        return self.body_line + (token.map[0] if token.map else 0)

    def report(self, code: str, message: str, line: int, column: int = 1, *, hint: str = "",
               width: int = 0) -> None:
        self.diagnostics.append(diagnostic(code, message, self.file, line, column, hint=hint,
                                           source=self.lines, width=width))


def is_heading(token: Token, tag: str) -> bool:
    """A heading of the body itself (not one inside a list or a quote)."""
    return token.type == "heading_open" and token.tag == tag and token.level == 0


def locate(ctx: Context, block: Token, needle: str,
           cursor: tuple[int, int]) -> tuple[int, int, tuple[int, int]]:
    """Find `needle` in the block's source lines from `cursor`; 0-based column."""
    first, last = cursor[0], ctx.line_of(block) + max((block.map or [0, 1])[1] -
                                                        (block.map or [0, 1])[0], 1)
    for line in range(first, min(last, len(ctx.lines) + 1)):
        start = cursor[1] if line == cursor[0] else 0
        col = ctx.lines[line - 1].find(needle, start)
        if col >= 0:
            return line, col, (line, col + 1)
    return cursor[0], 0, cursor


def find(ctx: Context, block: Token, needle: str, cursor: tuple[int, int]) -> tuple[int, int]:
    """Where `needle` is written: in the block's own lines, else anywhere in the body (a
    reference definition); else the block's first line. 0-based column, -1 when not found."""
    first = ctx.line_of(block)
    span = max((block.map or [0, 1])[1] - (block.map or [0, 1])[0], 1)
    order = [*range(cursor[0], first + span), *range(ctx.body_line, len(ctx.lines) + 1)]
    tail = needle.partition(":")[2]  # what is left of a target written with entities
    for wanted in (needle, tail) if len(tail) >= 4 else (needle,):
        for n, line in enumerate(order):
            if 1 <= line <= len(ctx.lines):
                text = ctx.lines[line - 1]
                col = text.find(wanted, cursor[1] if n == 0 else 0)
                if col >= 0:
                    return line, col if wanted is needle else text.rfind("(", 0, col) + 1
    return first, -1

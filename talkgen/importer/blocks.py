"""Markdown lines → top-level blocks, from markdown-it's tokens and their line maps.

A `# comment` inside a code block is not a heading, and an ordered list remembers its
items, because in Free Talk each numbered item can be a question.
"""

from __future__ import annotations

from dataclasses import dataclass

from markdown_it.token import Token

from ..content.markdown import inline_text, parser


@dataclass(frozen=True)
class Item:
    """One item of an ordered list: its lines [start, end), its number, its first paragraph."""

    start: int
    end: int
    number: int
    plain: str
    text_end: int  # where the item's first paragraph ends


@dataclass(frozen=True)
class Block:
    """One top-level block: source lines [start, end), then blank/other lines to `stop`."""

    type: str
    start: int
    end: int
    stop: int
    level: int = 0  # headings
    raw: str = ""  # heading source text, without the # markers
    plain: str = ""  # what a reader sees: heading text, or a paragraph's first line
    closer: str = ""  # a code fence left open at the end of the notes: the line that closes it
    items: tuple[Item, ...] = ()  # ordered lists


def blocks(lines: list[str]) -> list[Block]:
    tokens = parser().parse("\n".join(lines))
    tops = [i for i, t in enumerate(tokens) if t.level == 0 and t.nesting >= 0 and t.map]
    out = []
    for n, i in enumerate(tops):
        token = tokens[i]
        assert token.map is not None
        start, end = token.map
        stop = tokens[tops[n + 1]].map[0] if n + 1 < len(tops) else len(lines)  # type: ignore[index]
        if token.type == "heading_open":
            inline = tokens[i + 1]
            out.append(Block(token.type, start, end, stop, int(token.tag[1]),
                             " ".join(inline.content.split("\n")).strip(),
                             inline_text(inline).strip()))
        elif token.type == "paragraph_open":
            out.append(Block(token.type, start, end, stop, plain=_first_line(tokens[i + 1])))
        elif token.type == "ordered_list_open":
            out.append(Block(token.type, start, end, stop, items=_items(tokens, i)))
        else:
            out.append(Block(token.type, start, end, stop, closer=_closer(token, lines)))
    return out


def between(lines: list[str], block: Block) -> tuple[list[str], int]:
    """The lines after a block that are not blank (link definitions), and the blank ones' count."""
    last = block.stop
    while last > block.start and not lines[last - 1].strip():
        last -= 1
    return lines[block.end : max(last, block.end)], block.stop - last


def _items(tokens: list[Token], opening: int) -> tuple[Item, ...]:
    level = tokens[opening].level
    found = []
    number = int(str(tokens[opening].attrGet("start") or 1))
    for j in range(opening + 1, len(tokens)):
        token = tokens[j]
        if token.level == level and token.type == "ordered_list_close":
            break
        if token.type == "list_item_open" and token.level == level + 1 and token.map:
            plain, text_end = "", token.map[0] + 1
            following = tokens[j + 1] if j + 1 < len(tokens) else None
            if following is not None and following.type == "paragraph_open" and following.map:
                inline = tokens[j + 2]
                plain = " ".join(inline_text(inline).split("\n")).strip()
                text_end = following.map[1]
            elif following is not None and following.type == "list_item_close":
                text_end = token.map[0] + 1
            found.append(Item(token.map[0], token.map[1], number, plain, text_end))
            number += 1
    return tuple(found)


def _closer(token: Token, lines: list[str]) -> str:
    """An unclosed fence would swallow the headings written after it; close it."""
    assert token.map is not None
    start, end = token.map
    fence = token.markup
    last = lines[end - 1].strip() if end - 1 > start else ""
    if token.type != "fence" or (last.startswith(fence) and not last.strip(fence[0])):
        return ""
    return fence


def _first_line(inline: Token) -> str:
    head = []
    for child in inline.children or []:
        if child.type in ("softbreak", "hardbreak"):
            break
        head.append(child)
    return inline_text(Token("inline", "", 0, children=head)).strip() if head else ""

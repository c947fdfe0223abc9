"""The one URL policy applied to the tokens: a refused link can never reach the page."""

from __future__ import annotations

from urllib.parse import unquote

from markdown_it.token import Token

from ..urls import is_safe_link
from .body_context import Context, find


def refuse_unsafe_links(ctx: Context, tokens: list[Token]) -> None:
    """Hold every link and image to the one URL policy (urls.is_safe_link): a refused target is
    error E033 at its position and is taken out of the tokens, so it can never be rendered.

    URLs found in plain text by linkify are not something the author asked to link: an unsafe
    one (ftp://…) just stays text, without a diagnostic.
    """
    for block in tokens:
        if block.type != "inline" or not block.children or not any(
                child.type in ("link_open", "image") for child in block.children):
            continue
        kept: list[Token] = []
        cursor = (ctx.line_of(block), 0)  # so a target written twice is found twice
        depth: list[bool] = []  # for each open link: was it refused?
        for child in block.children:
            if child.type == "link_open":
                href = str(child.attrGet("href") or "")
                refused = not is_safe_link(href)
                depth.append(refused)
                if refused:
                    if child.markup != "linkify":
                        cursor = _report_unsafe(ctx, block, href, cursor)
                    continue
            elif child.type == "link_close" and depth:
                if depth.pop():
                    continue
            elif child.type == "image" and not is_safe_link(str(child.attrGet("src") or "")):
                cursor = _report_unsafe(ctx, block, str(child.attrGet("src")), cursor)
                text = Token("text", "", 0)
                text.content = child.content
                kept.append(text)
                continue
            kept.append(child)
        block.children = kept


def _report_unsafe(ctx: Context, block: Token, target: str,
                   cursor: tuple[int, int]) -> tuple[int, int]:
    shown = unquote(target)
    line, col = find(ctx, block, shown, cursor)
    ctx.report("E033", f'link target "{shown[:60]}" is not allowed: only http(s), mailto and '
               "relative links are", line, max(col, 0) + 1,
               hint="link to an https:// address, or write the text without a link",
               width=len(shown) if col >= 0 else 0)
    return (line, col + 1) if col >= 0 else cursor

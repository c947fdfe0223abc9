"""Links the author wrote: placeholders, links to episode files, pictures beside the episode.

Links to episode files and relative pictures are rewritten here to the URLs the site
publishes them at; whether their targets exist is checked site-wide later.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from markdown_it.token import Token

from ..model import AssetLink, EpisodeLink
from . import assets
from .body_context import Context, locate

_WIDE_LINK = re.compile(r"\[([^\]\n]{1,200})\]（([^）\n]{1,500})）")
_EPISODE_HREF = re.compile(r"^(?:\./|\.\./episodes/|episodes/)?0*(\d{1,6})\.md(?:#(.*))?$")


def check_links(ctx: Context, tokens: list[Token]) -> list[EpisodeLink]:
    """Warn on placeholder links, rewrite links to episode files, return them for checking."""
    links: list[EpisodeLink] = []
    for block in tokens:
        if block.type != "inline" or not block.children:
            continue
        _warn_wide_parens(ctx, block)
        cursor = (ctx.line_of(block), 0)
        children = block.children
        for i, child in enumerate(children):
            if child.type != "link_open" or child.markup == "linkify":
                continue
            href = str(child.attrGet("href") or "")
            label = _link_label(children, i)
            if href.strip() in ("", "#"):
                written = f"[{label}]({href})"
                line, col, cursor = locate(ctx, block, written, cursor)
                ctx.report("W026", f'link "{label}" points nowhere ("{href}")', line, col + 1,
                           hint="put the real address in the parentheses, or remove the link",
                           width=len(written))
                continue
            match = _EPISODE_HREF.match(unquote(href))
            if match:
                line, col, cursor = locate(ctx, block, f"]({unquote(href)}", cursor)
                target, fragment = int(match.group(1)), match.group(2) or ""
                links.append(EpisodeLink(target, line, col + 3, len(unquote(href)), href))
                child.attrSet("href", ctx.urls.episode(target, fragment))
    return links


def resolve_assets(ctx: Context, tokens: list[Token]) -> list[AssetLink]:
    """Point relative pictures and file links at the copies static_list.py publishes (a page is
    episodes/NNN/index.html, one folder below its file); return the pictures, for assets.py."""
    found: list[AssetLink] = []
    for block in tokens:
        if block.type != "inline" or not block.children:
            continue
        cursor = (ctx.line_of(block), 0)
        for child in block.children:
            name = "src" if child.type == "image" else "href"
            if name == "href" and (child.type != "link_open" or child.markup == "linkify"):
                continue
            target = str(child.attrGet(name) or "")
            resolved = assets.output_path(target)
            if resolved is None:
                continue
            child.attrSet(name, ctx.urls.url(resolved[0]) + resolved[1])
            if name == "src":
                written = unquote(target)
                line, col, cursor = locate(ctx, block, written, cursor)
                found.append(AssetLink(resolved[0], line, col + 1, len(written), written))
    return found


def _warn_wide_parens(ctx: Context, block: Token) -> None:
    """`[上期]（002.md）`: full-width parentheses make the link plain text."""
    for match in _WIDE_LINK.finditer(block.content):
        line, col, _ = locate(ctx, block, match.group(0), (ctx.line_of(block), 0))
        fixed = f"[{match.group(1)}]({match.group(2).strip()})"
        ctx.report("W072", f'"{match.group(0)}" is shown as text: a link needs ASCII '
                   "parentheses", line, col + 1, hint=f"type ( ) instead of （ ）: {fixed}",
                   width=len(match.group(0)))


def _link_label(children: list[Token], start: int) -> str:
    """The text between the link_open at `start` and its link_close. Indexes, not a slice of
    the rest: a paragraph of 20,000 links would copy the list 20,000 times (2 s)."""
    parts = []
    for i in range(start + 1, len(children)):
        if children[i].type == "link_close":
            break
        parts.append(children[i].content)
    return "".join(parts)

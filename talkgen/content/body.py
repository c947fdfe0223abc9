"""The episode body: parse once, run every check over the tokens, cut them into sections.

Each check lives in its own module (unsafe_links, link_checks, section_split,
question_checks); this one decides their order, which matters: unsafe links are taken out
before any other check or the renderer can see them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markdown_it.token import Token

from ..model import AssetLink, EpisodeLink
from . import heading_variants
from .body_context import Context
from .link_checks import check_links, resolve_assets
from .markdown import inline_text
from .question_checks import check_questions
from .section_split import RawSection, require_sections, split_sections, warn_level_one
from .sections import SectionTable
from .unsafe_links import refuse_unsafe_links

HIGHLIGHT_BUDGET = 100_000  # characters of code per episode


@dataclass
class Body:
    """An episode's Markdown split into its intro and sections, with what was found in them."""

    intro: list[Token]
    sections: list[RawSection]
    links: list[EpisodeLink]
    text: str
    guessed: frozenset[str] = frozenset()  # kinds a misspelled heading most likely meant
    assets: list[AssetLink] = field(default_factory=list)  # relative pictures, checked later


def read_body(ctx: Context, body: str, table: SectionTable) -> Body:
    """Parse the body, report what is wrong in it, and return its sections ready to render."""
    tokens = ctx.md.parse(body)
    variants = heading_variants.find(tokens, body.split("\n"), table)
    if variants:  # read the headings as meant, and say how to write them
        for v in variants:
            ctx.report(v.code, v.message, ctx.body_line + v.body_line, v.column, hint=v.hint,
                       width=v.width)
        tokens = ctx.md.parse(heading_variants.apply(body, variants))
    refuse_unsafe_links(ctx, tokens)
    _budget_highlighting(tokens)
    links = check_links(ctx, tokens)
    pictures = resolve_assets(ctx, tokens)
    warn_level_one(ctx, tokens)
    intro, sections, guessed = split_sections(ctx, tokens, table)
    require_sections(ctx, sections, table, guessed)
    for section in sections:
        if section.kind.key == "free_talk":
            check_questions(ctx, section.tokens)
    text = " ".join(inline_text(t) if t.type == "inline" else t.content
                    for t in tokens if t.type in ("inline", "fence", "code_block"))
    return Body(intro, sections, links, text, guessed, pictures)


def _budget_highlighting(tokens: list[Token]) -> None:
    """Highlight at most HIGHLIGHT_BUDGET characters of code per episode; later code blocks are
    shown plain (no language), so a megabyte of code cannot take minutes to colour."""
    spent = 0
    for token in tokens:
        if token.type == "fence" and token.info:
            spent += len(token.content)
            if spent > HIGHLIGHT_BUDGET:
                token.info = ""

"""Cut the body's tokens into the five sections, with the checks only this cut can make.

Sections are found in markdown-it's token stream, never by regex over the text, so a
`## ` line inside a code block or a list is not a section heading.
"""

from __future__ import annotations

from dataclasses import dataclass

from markdown_it.token import Token

from ..diagnostics import did_you_mean
from .body_context import Context, is_heading
from .markdown import inline_text
from .sections import SectionKind, SectionTable


@dataclass
class RawSection:
    """A section's heading and its Markdown tokens, before they are rendered."""

    kind: SectionKind
    title: str
    anchor: str
    line: int
    tokens: list[Token]


def split_sections(ctx: Context, tokens: list[Token],
                   table: SectionTable) -> tuple[list[Token], list[RawSection], frozenset[str]]:
    """The intro, the sections in order, and the kinds that misspelled headings stand for."""
    starts = [i for i, t in enumerate(tokens) if is_heading(t, "h2")]
    intro = tokens[: starts[0]] if starts else tokens
    sections: list[RawSection] = []
    guessed: set[str] = set()
    first_line: dict[str, int] = {}
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(tokens)
        title = inline_text(tokens[start + 1]).strip()
        line = ctx.line_of(tokens[start])
        content = tokens[start + 3 : end]
        kind = table.match(title)
        width = len(ctx.lines[line - 1].rstrip()) if line <= len(ctx.lines) else 0
        if kind is None:
            names = "、".join(k.title for k in table.kinds)
            meant = _meant(title, table)
            hint = (f'if this is the {meant.key.replace("_", " ")} section, write "## '
                    f'{meant.title}"; for a subsection write ### {title}' if meant else
                    f"level-2 headings are the sections ({names}); use ### for a subsection")
            ctx.report("E020", f'unknown section "{title}"{did_you_mean(title, table.all_names)}',
                       line, hint=hint, width=width)
            if meant:  # its consequences (section missing, metadata unused) are not reported
                guessed.add(meant.key)
            if sections:  # keep the text with the section it follows
                sections[-1].tokens.extend(tokens[start:end])
            continue
        if kind.key in first_line:
            ctx.report("E022", f'section "{title}" appears twice (first on line '
                       f"{first_line[kind.key]})", line, hint="merge the two into one section",
                       width=width)
            sections[-1].tokens.extend(tokens[start:end])
            continue
        if sections and table.position(kind.key) < table.position(sections[-1].kind.key):
            ctx.report("E021", f'section "{title}" comes after "{sections[-1].title}"; the '
                       f"order is {table.order_text}", line,
                       hint=f'move "{title}" above "{sections[-1].title}"', width=width)
        first_line[kind.key] = line
        if not any(t.type not in ("softbreak",) for t in content):
            ctx.report("W025", f'section "{title}" is empty', line,
                       hint="write something under it, or delete the heading if it is optional",
                       width=width)
        anchor = tokens[start].attrGet("id") or kind.key
        sections.append(RawSection(kind, title, str(anchor), line, list(content)))
    return intro, sections, frozenset(guessed)


def _meant(title: str, table: SectionTable) -> SectionKind | None:
    """The section a misspelled heading was most likely meant to be."""
    suggestion = did_you_mean(title, table.all_names)
    return table.match(suggestion.split('"')[1]) if suggestion else None


def require_sections(ctx: Context, sections: list[RawSection], table: SectionTable,
                     guessed: frozenset[str]) -> None:
    """Report each required section the body lacks, where it would go."""
    present = {s.kind.key for s in sections} | guessed
    for kind in table.kinds:
        if not kind.required or kind.key in present:
            continue
        later = [s for s in sections if table.position(s.kind.key) > table.position(kind.key)]
        line = later[0].line if later else len(ctx.lines)
        ctx.report("E023", f'required section "{kind.title}" ({kind.key.replace("_", " ")}) is '
                   "missing", line, hint=f'add a heading "## {kind.title}" here')


def warn_level_one(ctx: Context, tokens: list[Token]) -> None:
    """The page title comes from the front matter, so a `# ` heading is a slip."""
    for token in tokens:
        if token.type == "heading_open" and token.tag == "h1":
            line = ctx.line_of(token)
            ctx.report("W028", "level-1 heading in the body", line,
                       hint="the page title comes from 'title:' in the front matter; use ## for "
                       "sections and ### for subsections", width=len(ctx.lines[line - 1].rstrip()))

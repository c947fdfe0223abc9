"""The episode body: cut the token stream into sections and questions, check links.

Sections are found in markdown-it's token stream, never by regex over the text, so a
`## ` line inside a code block or a list is not a section heading.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.token import Token

from ..diagnostics import Diagnostic, diagnostic, did_you_mean
from ..model import AssetLink, EpisodeLink, Heading, Question
from ..urls import Urls, is_safe_link
from . import assets, heading_variants
from .markdown import inline_text, render
from .sections import SectionKind, SectionTable, loose_question, parse_question

HIGHLIGHT_BUDGET = 100_000  # characters of code per episode
_MAY_ASK = re.compile(r"\s*(?:[Qq]|\d|问题)")  # cheap test before reading a question
_WIDE_LINK = re.compile(r"\[([^\]\n]{1,200})\]（([^）\n]{1,500})）")
_EPISODE_HREF = re.compile(r"^(?:\./|\.\./episodes/|episodes/)?0*(\d{1,6})\.md(?:#(.*))?$")


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


@dataclass
class RawSection:
    kind: SectionKind
    title: str
    anchor: str
    line: int
    tokens: list[Token]


@dataclass
class Body:
    intro: list[Token]
    sections: list[RawSection]
    links: list[EpisodeLink]
    text: str
    guessed: frozenset[str] = frozenset()  # kinds a misspelled heading most likely meant
    assets: list[AssetLink] = field(default_factory=list)  # relative pictures, checked later


def read_body(ctx: Context, body: str, table: SectionTable) -> Body:
    tokens = ctx.md.parse(body)
    variants = heading_variants.find(tokens, body.split("\n"), table)
    if variants:  # read the headings as meant, and say how to write them
        for v in variants:
            ctx.report(v.code, v.message, ctx.body_line + v.body_line, v.column, hint=v.hint,
                       width=v.width)
        tokens = ctx.md.parse(heading_variants.apply(body, variants))
    refuse_unsafe_links(ctx, tokens)
    _budget_highlighting(tokens)
    links = _check_links(ctx, tokens)
    pictures = _resolve_assets(ctx, tokens)
    _warn_level_one(ctx, tokens)
    starts = [i for i, t in enumerate(tokens) if _is_heading(t, "h2")]
    intro = tokens[: starts[0]] if starts else tokens
    sections, guessed = _sections(ctx, tokens, starts, table)
    _require_sections(ctx, sections, table, guessed)
    for section in sections:
        if section.kind.key == "free_talk":
            _check_questions(ctx, section.tokens)
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


def _is_heading(token: Token, tag: str) -> bool:
    return token.type == "heading_open" and token.tag == tag and token.level == 0


def _sections(ctx: Context, tokens: list[Token], starts: list[int],
              table: SectionTable) -> tuple[list[RawSection], frozenset[str]]:
    """The sections in order, and the kinds that misspelled headings stand for."""
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
    return sections, frozenset(guessed)


def _meant(title: str, table: SectionTable) -> SectionKind | None:
    """The section a misspelled heading was most likely meant to be."""
    suggestion = did_you_mean(title, table.all_names)
    return table.match(suggestion.split('"')[1]) if suggestion else None


def _require_sections(ctx: Context, sections: list[RawSection], table: SectionTable,
                      guessed: frozenset[str]) -> None:
    present = {s.kind.key for s in sections} | guessed
    for kind in table.kinds:
        if not kind.required or kind.key in present:
            continue
        later = [s for s in sections if table.position(s.kind.key) > table.position(kind.key)]
        line = later[0].line if later else len(ctx.lines)
        ctx.report("E023", f'required section "{kind.title}" ({kind.key.replace("_", " ")}) is '
                   "missing", line, hint=f'add a heading "## {kind.title}" here')


def _warn_level_one(ctx: Context, tokens: list[Token]) -> None:
    for token in tokens:
        if token.type == "heading_open" and token.tag == "h1":
            line = ctx.line_of(token)
            ctx.report("W028", "level-1 heading in the body", line,
                       hint="the page title comes from 'title:' in the front matter; use ## for "
                       "sections and ### for subsections", width=len(ctx.lines[line - 1].rstrip()))


def _check_questions(ctx: Context, tokens: Sequence[Token]) -> None:
    """Questions written so that a strict reading would miss them: say how to write them."""
    for i, token in enumerate(tokens):
        if token.type != "inline" or not token.map:
            continue
        if not _MAY_ASK.match(token.content):
            continue
        heading = tokens[i - 1] if i else None
        first = token.content.split("\n", 1)[0].strip()
        line = ctx.line_of(token)
        width = len(ctx.lines[line - 1].rstrip()) if line <= len(ctx.lines) else 0
        if heading is not None and _is_heading(heading, "h3"):
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


# -- links --------------------------------------------------------------------


def _check_links(ctx: Context, tokens: list[Token]) -> list[EpisodeLink]:
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
                line, col, cursor = _locate(ctx, block, written, cursor)
                ctx.report("W026", f'link "{label}" points nowhere ("{href}")', line, col + 1,
                           hint="put the real address in the parentheses, or remove the link",
                           width=len(written))
                continue
            match = _EPISODE_HREF.match(unquote(href))
            if match:
                line, col, cursor = _locate(ctx, block, f"]({unquote(href)}", cursor)
                target, fragment = int(match.group(1)), match.group(2) or ""
                links.append(EpisodeLink(target, line, col + 3, len(unquote(href)), href))
                child.attrSet("href", ctx.urls.episode(target, fragment))
    return links


def _resolve_assets(ctx: Context, tokens: list[Token]) -> list[AssetLink]:
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
                line, col, cursor = _locate(ctx, block, written, cursor)
                found.append(AssetLink(resolved[0], line, col + 1, len(written), written))
    return found


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
    line, col = _find(ctx, block, shown, cursor)
    ctx.report("E033", f'link target "{shown[:60]}" is not allowed: only http(s), mailto and '
               "relative links are", line, max(col, 0) + 1,
               hint="link to an https:// address, or write the text without a link",
               width=len(shown) if col >= 0 else 0)
    return (line, col + 1) if col >= 0 else cursor


def _find(ctx: Context, block: Token, needle: str, cursor: tuple[int, int]) -> tuple[int, int]:
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


def _warn_wide_parens(ctx: Context, block: Token) -> None:
    """`[上期]（002.md）`: full-width parentheses make the link plain text."""
    for match in _WIDE_LINK.finditer(block.content):
        line, col, _ = _locate(ctx, block, match.group(0), (ctx.line_of(block), 0))
        fixed = f"[{match.group(1)}]({match.group(2).strip()})"
        ctx.report("W072", f'"{match.group(0)}" is shown as text: a link needs ASCII '
                   "parentheses", line, col + 1, hint=f"type ( ) instead of （ ）: {fixed}",
                   width=len(match.group(0)))


def _link_label(children: list[Token], start: int) -> str:
    parts = []
    for child in children[start + 1 :]:
        if child.type == "link_close":
            break
        parts.append(child.content)
    return "".join(parts)


def _locate(ctx: Context, block: Token, needle: str,
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


# -- rendering a section ------------------------------------------------------


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
    h3 = [i for i, t in enumerate(tokens) if _is_heading(t, "h3")]
    out = []
    for n, start in enumerate(h3):
        title = inline_text(tokens[start + 1])
        parsed = parse_question(title) or loose_question(title)
        if parsed is None:
            continue
        end = h3[n + 1] if n + 1 < len(h3) else len(tokens)
        answer = render(ctx.md, tokens[start + 3 : end])
        anchor = str(tokens[start].attrGet("id") or "")
        out.append(Question(parsed.label, parsed.text, parsed.asker, anchor, answer,
                            ctx.line_of(tokens[start])))
    return tuple(out)

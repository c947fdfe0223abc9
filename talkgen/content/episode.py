"""One episode file → an Episode plus its diagnostics. Reads, never writes."""

from __future__ import annotations

import codecs
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic, diagnostic, framed
from ..model import Episode, Section, identity
from ..urls import Urls
from . import frontmatter, limits, sense, xmltext
from .body import Body, read_body
from .body_context import Context
from .chapters import Chapter, resolve
from .config import SiteConfig
from .fields import EPISODE_FIELDS, FieldChecker
from .markdown import parser, render
from .reading_list import found_in
from .reading_time import reading_minutes
from .section_parts import headings, questions

MAX_BYTES = 8 * 1024 * 1024
EPISODE_NAME = re.compile(r"^(\d{1,6})\.md$")


@dataclass(frozen=True)
class Loaded:
    """One episode file's result: the episode, or None when it has errors."""

    episode: Episode | None
    diagnostics: list[Diagnostic]


def episode_files(config: SiteConfig) -> tuple[list[Path], list[Diagnostic]]:
    """The episode files of a site in number order; other .md files are reported and skipped."""
    folder = config.episodes_dir
    if not folder.is_dir():
        return [], []
    files: list[Path] = []
    skipped: list[Diagnostic | Path] = []
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() != ".md":
            continue
        rel = site_relative(path, config.root)
        if path.is_symlink() and not path.exists():
            skipped.append(diagnostic("W034", f'skipped "{rel}": it links to a file that does '
                                      "not exist", rel, hint="copy the file into episodes/ "
                                      "instead, or delete the link"))
        elif path.is_symlink() and config.root.resolve() not in path.resolve().parents:
            skipped.append(diagnostic(
                "W034", f'skipped "{rel}": it links outside the site',
                rel, hint="copy the file into episodes/ instead"))
        elif not path.is_file():
            skipped.append(diagnostic(
                "W032", f'skipped "{rel}": it is a folder or a special file, not an episode',
                rel, hint="an episode is a text file; rename or move the folder"))
        elif EPISODE_NAME.match(path.name):
            files.append(path)
        elif path.name.lower() != "readme.md":
            skipped.append(path)
    files.sort(key=lambda p: (int(EPISODE_NAME.match(p.name).group(1)), p.name))  # type: ignore[union-attr]
    taken = {int(EPISODE_NAME.match(p.name).group(1)) for p in files}  # type: ignore[union-attr]
    return files, [d if isinstance(d, Diagnostic) else _not_named(d, taken, config.root)
                   for d in skipped]


def _not_named(path: Path, taken: set[int], root: Path) -> Diagnostic:
    """`002-副本.md`: suggest the real next free number, and say when it looks like a copy."""
    free = max(taken, default=0) + 1
    copy_of = re.match(r"^0*(\d{1,6})\D", path.name)
    hint = f"if it is a new episode, name it {free:03d}.md"
    if copy_of and int(copy_of.group(1)) in taken:
        hint += f"; if it is a copy of {int(copy_of.group(1)):03d}.md, delete it"
    return diagnostic("W032", f'skipped "{path.name}": episode files are named by number',
                      site_relative(path, root), hint=hint)


def parse_episode(data: bytes, rel: str, name: str, config: SiteConfig, urls: Urls) -> Loaded:
    """Decode, split, check and render one episode; every problem becomes a diagnostic."""
    text, problems = decode(data, rel)
    if text is None:
        return Loaded(None, problems)
    lines = text.split("\n")
    split, problems = frontmatter.split(text, rel, lines)
    if split is None:
        return Loaded(None, problems)
    doc, problems = frontmatter.parse(split.yaml_text, split.yaml_line, rel, lines)
    if doc is None:
        return Loaded(None, problems)
    checker = FieldChecker(doc, rel, lines)
    meta = checker.check(doc.data, EPISODE_FIELDS)
    _check_number(meta, doc, name, checker)
    diagnostics = _fold_slips(doc, checker.diagnostics, rel, lines)
    diagnostics += xmltext.check_episode(rel, lines, split.body_line, doc)

    ctx = Context(rel, lines, split.body_line,
                  parser(config.allow_html, audit=True, language=config.language), urls)
    body = read_body(ctx, split.body, config.sections)
    diagnostics += ctx.diagnostics
    section_meta: dict[str, dict[str, Any]] = meta.get("sections", {})
    present = {s.kind.key for s in body.sections}
    for key in section_meta:
        if key not in present and key not in body.guessed:
            title = config.sections.kind(key).title
            line, col = doc.where(("sections", key), key=True)
            diagnostics.append(diagnostic(
                "E024", f'"sections.{key}" describes a section the episode does not have',
                rel, line, col, hint=f'add a "## {title}" section, or remove "{key}:" here',
                source=lines, width=len(key)))
    chapters = _chapters(meta.get("chapters", {}), body, doc, rel, lines, diagnostics)
    diagnostics += sense.check_values(meta, doc, rel, lines)
    if any(d.is_error for d in diagnostics) or not {"number", "date", "host"} <= meta.keys():
        return Loaded(None, diagnostics)
    key_lines = tuple((str(path[0]), pos[0]) for path, pos in doc.key_positions.items()
                      if len(path) == 1)
    episode = _episode(meta, section_meta, body, ctx, config, rel, key_lines)
    episode = replace(episode, chapters=tuple((c.seconds, c.title, c.anchor) for c in chapters))
    over = limits.check_episode(episode, meta, rel, lines, doc)
    return Loaded(None if over else episode, diagnostics + over)


def _chapters(raw: dict[Any, str], body: Body, doc: frontmatter.YamlDoc, rel: str,
              lines: list[str], diagnostics: list[Diagnostic]) -> tuple[Chapter, ...]:
    """`chapters:` resolved against the sections and headings; each one that fails, a W073."""
    targets: dict[str, tuple[str, str]] = {}
    for raw_section in body.sections:
        found = (raw_section.title, raw_section.anchor)
        for name in (raw_section.kind.key, raw_section.title, raw_section.anchor):
            targets.setdefault(identity(name), found)
        for h in headings(raw_section.tokens):
            for name in (h.text, h.anchor):
                targets.setdefault(identity(name), (h.text, h.anchor))
    chapters, problems = resolve(raw, targets)
    for key, message in problems:
        line, col = doc.where(("chapters", key), key=True)
        diagnostics.append(diagnostic(
            "W073", message, rel, line, col, source=lines, width=len(str(key)),
            hint='map a time ("00:41:00", quoted) to a section kind such as free_talk, a '
                 "section title or a heading of this episode"))
    return chapters


def _fold_slips(doc: frontmatter.YamlDoc, found: list[Diagnostic], rel: str,
                lines: list[str]) -> list[Diagnostic]:
    """Typing slips YAML read without failing: when one explains a checker's complaint (same
    line, or the key it hid is "missing"), report the slips and drop those complaints."""
    slip_lines = {s.line for s in doc.slips}
    hidden = {f'"{s.key}"' for s in doc.slips if s.key}
    explained = [d for d in found if d.location.line in slip_lines
                 or (d.code == "E015" and any(k in d.message for k in hidden))]
    shown = [s for s in doc.slips if explained or s.code.startswith("W")]
    kept = [d for d in found if d not in explained] if explained else found
    return [*frontmatter.slip_diagnostics(shown, rel, lines), *kept]


def decode(data: bytes, rel: str) -> tuple[str | None, list[Diagnostic]]:
    """Bytes → text with '\\n' newlines, or a diagnostic saying why not."""
    if len(data) > MAX_BYTES:
        return None, [diagnostic("E003", f"the file is {len(data) // 1_000_000} MB; the limit is "
                                 f"{MAX_BYTES // 1_000_000} MB", rel,
                                 hint="split the episode or move large material elsewhere")]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None, [diagnostic("E001", "the file is UTF-16; episodes must be UTF-8", rel, 1, 1,
                                 hint="save the file as UTF-8 in your editor")]
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        column = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        return None, [diagnostic("E001", f"invalid UTF-8 byte 0x{data[err.start]:02x}", rel,
                                 line, column, hint="save the file as UTF-8 in your editor")]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        offset = text.index("\x00")
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        return None, [diagnostic("E002", "the file contains a NUL byte", rel, line, column,
                                 hint="remove the invisible NUL character (often from a paste)")]
    return text, []


def _check_number(meta: dict[str, Any], doc: frontmatter.YamlDoc, name: str,
                  checker: FieldChecker) -> None:
    match = EPISODE_NAME.match(name)
    if "number" not in meta or not match:
        return
    expected = int(match.group(1))
    if meta["number"] != expected:
        checker.report("E018", f"number {meta['number']} does not match the file name {name}",
                       ("number",), f"rename the file to {meta['number']:03d}.md or write "
                       f"number: {expected}")


def _episode(meta: dict[str, Any], section_meta: dict[str, dict[str, Any]], body: Body,
             ctx: Context, config: SiteConfig, rel: str,
             key_lines: tuple[tuple[str, int], ...]) -> Episode:
    sections = []
    for raw in body.sections:
        extra = section_meta.get(raw.kind.key, {})
        is_free_talk = raw.kind.key == "free_talk"
        sections.append(Section(
            kind=raw.kind.key,
            title=raw.title,
            anchor=raw.anchor,
            html=render(ctx.md, raw.tokens),
            headings=headings(raw.tokens),
            contributors=tuple(extra.get("contributors", ())),
            topics=tuple(extra.get("topics", ())),
            questions=questions(ctx, raw.tokens) if is_free_talk else (),
            line=raw.line,
        ))
    number = meta["number"]
    return Episode(
        number=number,
        date=meta["date"],
        hosts=meta["host"],
        title=meta.get("title") or f"{config.title} {meta.get('label') or f'{number:03d}'}",
        source=rel,
        summary=meta.get("summary", ""),
        time=meta.get("time", ""),
        topics=meta.get("topics", ()),
        contributors=meta.get("contributors", ()),
        draft=meta.get("draft", False),
        label=meta.get("label", ""),
        video=meta.get("video", ""),
        editors=meta.get("editors", ()),
        intro_html=render(ctx.md, body.intro),
        sections=tuple(sections),
        links=tuple(body.links),
        references=tuple(found_in(sections)),
        assets=tuple(body.assets),
        reading_minutes=reading_minutes(body.text),
        key_lines=key_lines,
    )


def with_frames(diagnostics: Sequence[Diagnostic], root: Path) -> list[Diagnostic]:
    """Give site-wide diagnostics (made without the file at hand) their source line."""
    sources: dict[str, list[str] | None] = {}
    inside = os.path.join(os.path.realpath(root), "")  # once: warnings may name every episode
    out = []
    for d in diagnostics:
        file, line = d.location.file, d.location.line
        if d.source_line is None and line > 0:
            if file not in sources:
                sources[file] = _source_lines(inside, file)
            lines = sources[file]
            if lines is not None and line <= len(lines):
                d = framed(d, lines[line - 1])
        out.append(d)
    return out


def _source_lines(inside: str, file: str) -> list[str] | None:
    """The lines of a file in the site whose real path, ending in a separator, is `inside`
    (never one a symlink leads out to)."""
    path = os.path.realpath(os.path.join(inside, file))
    if not path.startswith(inside) or not os.path.isfile(path):
        return None
    with open(path, "rb") as source:
        text, _ = decode(source.read(), file)
    return text.split("\n") if text is not None else None


def site_relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()

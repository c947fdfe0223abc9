"""`talkgen import`: notes written before talkgen (no front matter, 【label】 lines, headings
at any level) → episode files in the format of SPEC §2. Returns diagnostics; never prints.

The notes are read through markdown-it's token stream and its line maps, so a `# comment`
inside a code block is not a heading. The output copies the source lines of every block;
only headings, question lines and the 【label】 lines that became front matter change.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from markdown_it.token import Token

from . import legacy_labels as labels
from .config import SiteConfig
from .diagnostics import Diagnostic, diagnostic
from .loader import decode, parse_episode
from .markdown import inline_text, parser
from .structure import SectionKind, SectionTable, normalize_title, parse_question
from .urls import Urls

PREFACE_TITLES = ("序章", "序言", "前言", "引言", "开场", "preface", "intro", "introduction")
# Paragraphs that head the material after the last answer (chat log, references).
LEFTOVER_LABELS = ("参考资料", "参考文献", "参考链接", "参考", "聊天区", "聊天记录", "群聊记录",
                   "附录", "references", "refs", "chat", "chat log", "appendix")
UNSORTED_TITLES = ("未归类内容", "Unsorted")  # for Chinese and for other notes
GAP_ENDS_ANSWERS = 2  # this many blank lines after an answer end the Q&A list

_DECORATION = re.compile(r"\s*(?:[-–—_]\s*optional|[（(]\s*(?:可选|选填|optional)\s*[)）])\s*$",
                         re.IGNORECASE)
_NUMBERING = re.compile(r"^(?:\d+\s*[.、)]|[一二三四五六七八九十]+\s*、)\s*")
_ANSWER_MARKER = re.compile(r"^\s*(?:A\d*|答)\s*[:：]\s*$", re.IGNORECASE)
_ASKER_GLUED = re.compile(r"(?<=\S)(--|——)(?=[^-—\s][^-—]*$)")  # `优化。--名字` → `优化。 --名字`
_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


@dataclass(frozen=True)
class Block:
    """One top-level block of the notes: source lines [start, end), then blank/other lines to `stop`."""

    type: str
    start: int
    end: int
    stop: int
    level: int = 0  # headings
    raw: str = ""  # heading source text, without the # markers
    plain: str = ""  # what a reader sees: heading text, or a paragraph's first line
    closer: str = ""  # a code fence left open at the end of the notes: the line that closes it


@dataclass
class Part:
    """A stretch of the output: its heading line ("" for the intro) and its blocks of lines."""

    heading: str
    blocks: list[list[str]] = field(default_factory=list)


@dataclass
class Meta:
    title: str = ""
    numbers: list[tuple[int, str, int]] = field(default_factory=list)  # (number, from, line)
    date: labels.When | None = None
    hosts: tuple[str, ...] = ()
    summary: str = ""
    topics: list[str] = field(default_factory=list)
    contributors: list[str] = field(default_factory=list)
    sections: dict[str, dict[str, list[str]]] = field(default_factory=dict)


@dataclass(frozen=True)
class Converted:
    """One legacy file converted in memory: the episode text, or None when an error stopped it."""

    source: str
    number: int | None
    text: str | None
    diagnostics: list[Diagnostic]


@dataclass(frozen=True)
class ImportResult:
    converted: list[Converted]
    diagnostics: list[Diagnostic]
    written: list[Path]
    message: str

    @property
    def ok(self) -> bool:
        return not any(d.is_error for d in self.diagnostics)


# -- files --------------------------------------------------------------------


def import_notes(config: SiteConfig, files: Sequence[Path], number: int | None = None,
                 force_number: bool = False, write: bool = True) -> ImportResult:
    """Convert every file, then write them all, or nothing when any has an error."""
    converted = [_convert_file(config, path, number, force_number) for path in files]
    problems = [d for c in converted for d in c.diagnostics]
    targets: dict[int, str] = {}
    for item in converted:
        if item.number is None or item.text is None:
            continue
        where = f"episodes/{item.number:03d}.md"
        if (config.episodes_dir / f"{item.number:03d}.md").exists() or item.number in targets:
            other = targets.get(item.number, "")
            problems.append(diagnostic(
                "E050", f"{where} already exists" + (f" (from {other})" if other else ""),
                item.source, hint="import into another number with --number N, or move the "
                "existing episode away; talkgen never overwrites"))
        targets.setdefault(item.number, item.source)
    if any(d.is_error for d in problems):
        return ImportResult(converted, problems, [], "nothing was written")
    if not write:
        return ImportResult(converted, problems, [], "dry run: nothing was written")
    written = _write(config, converted, problems)
    shown = ", ".join(f"{c.source} → episodes/{c.number:03d}.md" for c in converted
                      if config.episodes_dir / f"{c.number:03d}.md" in written)
    return ImportResult(converted, problems, written, f"imported {shown}" if written else
                        "nothing was written")


def _convert_file(config: SiteConfig, path: Path, number: int | None,
                  force_number: bool) -> Converted:
    source = path.as_posix()
    try:
        data = path.read_bytes()
    except OSError as err:
        return Converted(source, None, None, [diagnostic(
            "E001", f"cannot read the file: {err.strerror}", source)])
    text, problems = decode(data, source)
    if text is None:
        return Converted(source, None, None, problems)
    return convert(text, source, config, number, force_number)


def _write(config: SiteConfig, converted: list[Converted], problems: list[Diagnostic]) -> list[Path]:
    """Exclusive create: a file that appeared since the check is reported, never replaced."""
    config.episodes_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for item in converted:
        assert item.number is not None and item.text is not None
        path = config.episodes_dir / f"{item.number:03d}.md"
        try:
            with path.open("x", encoding="utf-8", newline="\n") as f:
                f.write(item.text)
        except FileExistsError:
            problems.append(diagnostic("E050", f"episodes/{path.name} already exists",
                                       item.source, hint="talkgen never overwrites"))
            continue
        written.append(path)
    return written


# -- one document -------------------------------------------------------------


def convert(text: str, source: str, config: SiteConfig, number: int | None = None,
            force_number: bool = False) -> Converted:
    """Legacy notes (already decoded) → the text of an episode file, with every guess reported."""
    lines = text.split("\n")
    if lines[0].strip() == "---":
        return Converted(source, None, None, [diagnostic(
            "E055", "the file already starts with front matter", source, 1, 1,
            hint="it is an episode already: copy it into episodes/ instead of importing it",
            source=lines, width=3)])
    reader = _Reader(lines, source, config.sections)
    reader.read(_blocks(lines))
    chosen = reader.number(number, force_number)
    reader.require()
    if chosen is None or any(d.is_error for d in reader.diagnostics):
        return Converted(source, chosen, None, reader.diagnostics)
    episode = reader.episode_text(chosen, config.title)
    return Converted(source, chosen, episode, reader.diagnostics +
                     _passes_check(episode, chosen, source, config))


def _passes_check(text: str, number: int, source: str, config: SiteConfig) -> list[Diagnostic]:
    """The safety net: the result must load without errors, or it is not written."""
    name = f"{number:03d}.md"
    loaded = parse_episode(text.encode("utf-8"), f"episodes/{name}", name, config,
                           Urls(config.base_path, config.base_url))
    return [diagnostic("E056", f"the converted episode would not pass check: line "
                       f"{d.location.line}: {d.code} {d.message}", source,
                       hint="run with --dry-run to see the result, and adjust the notes")
            for d in loaded.diagnostics if d.is_error]


def _blocks(lines: list[str]) -> list[Block]:
    """The top-level blocks of the notes, from markdown-it's tokens and their line maps."""
    tokens = parser().parse("\n".join(lines))
    tops = [i for i, t in enumerate(tokens) if t.level == 0 and t.nesting >= 0 and t.map]
    blocks = []
    for n, i in enumerate(tops):
        token = tokens[i]
        assert token.map is not None
        start, end = token.map
        stop = tokens[tops[n + 1]].map[0] if n + 1 < len(tops) else len(lines)  # type: ignore[index]
        if token.type == "heading_open":
            inline = tokens[i + 1]
            blocks.append(Block(token.type, start, end, stop, int(token.tag[1]),
                                " ".join(inline.content.split("\n")).strip(),
                                inline_text(inline).strip()))
        elif token.type == "paragraph_open":
            blocks.append(Block(token.type, start, end, stop, plain=_first_line(tokens[i + 1])))
        else:
            blocks.append(Block(token.type, start, end, stop, closer=_closer(token, lines)))
    return blocks


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


# -- reading the blocks -------------------------------------------------------


class _Reader:
    """Walks the blocks once, sorting them into the intro and the five sections."""

    def __init__(self, lines: list[str], source: str, table: SectionTable) -> None:
        self.lines, self.source, self.table = lines, source, table
        self.diagnostics: list[Diagnostic] = []
        self.meta = Meta()
        self.intro = Part("")
        self.sections: dict[str, Part] = {}
        self.section_lines: dict[str, int] = {}
        self.part, self.kind, self.parent = self.intro, "", 1
        # in Free Talk: questions seen; an answer begun; past the last answer
        self.asked = self.answering = self.leftover = False
        self.pending: list[str] | None = None  # an empty "A7：", dropped if nothing follows
        self.gap = 0

    def warn(self, code: str, message: str, line: int, hint: str = "") -> None:
        self.diagnostics.append(diagnostic(code, message, self.source, line + 1, 1, hint=hint,
                                           source=self.lines, width=len(self.lines[line].rstrip())))

    def read(self, blocks: list[Block]) -> None:
        if blocks:
            self.emit(self.lines[: blocks[0].start])  # link definitions before the first block
        first = 0
        if blocks and blocks[0].type == "heading_open" and not self.match(blocks[0].plain) \
                and not self.is_preface(blocks[0].plain):
            self.meta.title, self.parent, first = blocks[0].plain, blocks[0].level, 1
            found = labels.number_in(blocks[0].plain)
            if found is not None:
                self.meta.numbers.append((found, "the title", blocks[0].start))
        for block in blocks[first:]:
            if block.type == "heading_open":
                self.heading(block)
            else:
                self.content(block)
            self.trailer(block)
        self.pending = None

    # headings

    def match(self, text: str) -> tuple[SectionKind, str] | None:
        """Tolerant section matching: `本周经典-optional`, `1. News:`, `Free Talk（可选）`."""
        bare = _NUMBERING.sub("", _DECORATION.sub("", text)).rstrip(":： ")
        kind = self.table.match(bare)
        if kind is None:
            return None
        wanted = normalize_title(bare)
        name = next(n for n in (kind.title, *kind.aliases) if normalize_title(n) == wanted)
        return kind, name

    def is_preface(self, text: str) -> bool:
        return not self.sections and normalize_title(text.rstrip(":：")) in PREFACE_TITLES

    def heading(self, block: Block) -> None:
        self.pending = None
        found = self.match(block.plain)
        if found and found[0].key not in self.sections:
            kind, name = found
            self.part = self.sections[kind.key] = Part(f"## {name}")
            self.section_lines[kind.key] = block.start
            self.kind, self.parent = kind.key, block.level
            self.asked = self.leftover = False
            return
        if self.is_preface(block.plain) and self.part is self.intro:
            self.parent = block.level
            return
        if self.kind == "free_talk" and parse_question(block.plain):
            self.question(block.raw)
            return
        level = min(max(block.level - self.parent + 2, 3), 6)
        if block.level <= self.parent:
            where = f'section "{self.part.heading[3:]}"' if self.kind else "the intro"
            what = "a second heading of that section" if found else "not a section"
            self.warn("W052", f'heading "{block.plain}" (level {block.level}) is {what}; kept '
                      f"as a level-{level} subsection of {where}", block.start,
                      hint="check that it belongs there; move it if not")
        self.emit([f"{'#' * level} {block.raw}"])

    def question(self, text: str) -> None:
        self.pending = None
        self.asked, self.answering, self.leftover = True, False, False
        text = _ASKER_GLUED.sub(r" \1", text.strip().rstrip("\\").rstrip())
        self.emit([f"### {text}"])

    # content

    def content(self, block: Block) -> None:
        lines = self.lines[block.start : block.end]
        if self.kind == "free_talk" and block.type == "paragraph_open":
            if parse_question(block.plain):
                self.question(lines[0])
                lines = lines[1:]
            elif self.asked and normalize_title(block.plain.rstrip(":：")) in LEFTOVER_LABELS \
                    and block.end - block.start == 1:
                self.start_leftover(block.plain.rstrip(":： "), block, labelled=True)
                return
        if self.answering and not self.leftover and self.gap >= GAP_ENDS_ANSWERS \
                and not (block.type == "paragraph_open" and parse_question(block.plain)):
            title = UNSORTED_TITLES[0 if _CJK.search("\n".join(lines)) else 1]
            self.start_leftover(title, block, labelled=False)
        if block.type == "paragraph_open":
            lines = self.paragraph(lines, block.end - len(lines))
            if self.asked and not self.leftover and len(lines) == 1 \
                    and _ANSWER_MARKER.match(lines[0]):
                self.pending = lines  # dropped when nothing follows: the question is open
                return
        self.emit(lines + ([block.closer] if block.closer else []))
        self.answering = self.answering or (self.asked and bool(lines))

    def start_leftover(self, title: str, block: Block, labelled: bool) -> None:
        self.pending = None
        self.leftover = True
        what = f'"{block.plain}"' if labelled else f'"{block.plain[:20] or "…"}…"'
        after = "after the last answer" if labelled else \
            f"after the last answer and {self.gap} blank lines"
        self.warn("W051", f"{what} {after} fits no section; kept as subsection "
                  f'"### {title}" of "{self.part.heading[3:]}"', block.start,
                  hint="rename or move the subsection if it belongs elsewhere")
        self.emit([f"### {title}"])

    def paragraph(self, lines: list[str], first: int) -> list[str]:
        """Drop the 【label】 lines whose whole value went into the front matter."""
        kept = []
        for n, line in enumerate(lines, first):
            label = labels.read_label(line)
            if label is None or label.field is None or not self.take(label, n):
                kept.append(line)
        if kept:
            kept[0] = kept[0].lstrip()
        return kept

    def take(self, label: labels.Label, line: int) -> bool:
        """Put a label's value in the front matter; True when the line is fully represented."""
        value, meta = label.value, self.meta
        if not value:
            return False
        if label.field == "number":
            found = labels.number_in(value)
            if found is not None:
                meta.numbers.append((found, f"【{label.label}】", line))
            return value.strip().isdigit()  # `000 (三位数是…)` stays as text
        if label.field == "date":
            if meta.date is not None and meta.date.date is not None:
                return False
            when = labels.when(value)
            meta.date = when
            took = [str(when.date)] if when.date else []
            return self.complete(when.complete, label, line, "date", took + [when.time or ""])
        if label.field == "summary":
            meta.summary = meta.summary or value
            meta.topics += [t for t in labels.topics(value).values if t not in meta.topics]
            return True
        if label.field == "topics":
            taken = labels.topics(value)
            self.target("topics").extend(t for t in taken.values if t not in self.target("topics"))
            return self.complete(taken.complete, label, line, "topics", taken.values)
        taken = labels.names(value)
        if label.field == "host":
            meta.hosts = meta.hosts or taken.values
            return self.complete(taken.complete, label, line, "host", taken.values)
        people = meta.contributors if label.field == "episode_contributors" \
            else self.target("contributors")
        people.extend(p for p in taken.values if p not in people)
        return self.complete(taken.complete, label, line, "contributors", taken.values)

    def target(self, key: str) -> list[str]:
        if not self.kind:
            return self.meta.topics if key == "topics" else self.meta.contributors
        return self.meta.sections.setdefault(self.kind, {}).setdefault(key, [])

    def complete(self, complete: bool, label: labels.Label, line: int, what: str,
                 took: Sequence[str]) -> bool:
        """Warn when part of a value was not used; the line then stays in the text."""
        if not complete:
            shown = " ".join(t for t in took if t)
            read = f"was only partly read: {what} {shown}" if shown else f"was not read as {what}"
            self.warn("W054", f'【{label.label}】 "{label.value}" {read}; the line stays in the '
                      "text", line,
                      hint=f"check {what} in the front matter of the result")
        return complete

    def trailer(self, block: Block) -> None:
        """Keep lines between blocks that are not blank (link definitions); count the blank ones."""
        last = block.stop
        while last > block.start and not self.lines[last - 1].strip():
            last -= 1
        self.emit(self.lines[block.end : max(last, block.end)])
        self.gap = block.stop - last

    def emit(self, lines: list[str]) -> None:
        while lines and not lines[-1].strip():
            lines = lines[:-1]
        while lines and not lines[0].strip():
            lines = lines[1:]
        if not lines:
            return
        if self.pending is not None:
            self.part.blocks.append(self.pending)
            self.pending = None
        self.part.blocks.append(lines)

    # after reading

    def number(self, given: int | None, force: bool) -> int | None:
        """--number, else the title's number, else 【编号】's; a disagreement is reported."""
        found = self.meta.numbers
        if given is not None:
            if found and given not in {n for n, _, _ in found} and not force:
                n, where, line = found[0]
                self.warn("E054", f"--number {given} but {where} says {n:03d}", line,
                                f"add --force-number to use {given} anyway")
            return given
        if not found:
            self.diagnostics.append(diagnostic(
                "E051", "no episode number: the title and 【编号】 name none", self.source,
                hint="pass --number N"))
            return None
        chosen, where, _ = found[0]
        for n, other, line in found[1:]:
            if n != chosen:
                self.warn("W050", f"{where} says {chosen:03d} but {other} says {n:03d}; "
                          f"using {chosen:03d} from {where}", line,
                          hint=f"pass --number {n} to use the other one")
        return chosen

    def require(self) -> None:
        meta = self.meta
        if meta.date is None or meta.date.date is None:
            self.diagnostics.append(diagnostic(
                "E052", "no date: no 【时间】 line with a date like 2023-06-17 or 20230617",
                self.source, hint="add a line 【时间】：2023-06-17 to the notes"))
        if not meta.hosts:
            self.diagnostics.append(diagnostic(
                "E053", "no host: no 【主持人】 line with a name", self.source,
                hint="add a line 【主持人】：name to the notes"))

    def episode_text(self, number: int, site_title: str) -> str:
        parts = [self.intro]
        order = list(self.sections)
        for before, after in zip(order, order[1:], strict=False):
            if self.table.position(after) < self.table.position(before):
                self.warn("W055", f'section "{self.sections[after].heading[3:]}" came after '
                          f'"{self.sections[before].heading[3:]}"; sections were put in the order '
                          f"{self.table.order_text}", self.section_lines[after],
                          hint="check that the text around the moved section still reads well")
        for kind in self.table.kinds:
            if kind.key in self.sections:
                parts.append(self.sections[kind.key])
            elif kind.required:
                self.diagnostics.append(diagnostic(
                    "W053", f'the notes have no "{kind.title}" section; an empty one was added',
                    self.source, hint="required sections must be present; fill it or leave it"))
                parts.append(Part(f"## {kind.title}"))
        body = "\n\n".join(
            "\n\n".join(([p.heading] if p.heading else []) + ["\n".join(b) for b in p.blocks])
            for p in parts if p.heading or p.blocks)
        return "\n".join(self.front_matter(number, site_title)) + "\n" + body + "\n"

    def front_matter(self, number: int, site_title: str) -> list[str]:
        meta = self.meta
        assert meta.date is not None and meta.date.date is not None
        out = ["---", f"number: {number}", f"date: {meta.date.date.isoformat()}"]
        if meta.date.time:
            out.append(f'time: "{meta.date.time}"')
        hosts = meta.hosts
        out.append(f"host: {_scalar(hosts[0]) if len(hosts) == 1 else _flow(hosts)}")
        out.append(f"title: {_quoted(_title(meta.title or f'{site_title} {number:03d}', meta.topics))}")
        if meta.summary:
            out.append(f"summary: {_quoted(meta.summary)}")
        if meta.topics:
            out += ["topics:", *(f"  - {_scalar(t)}" for t in meta.topics)]
        if meta.contributors:
            out.append(f"contributors: {_flow(meta.contributors)}")
        described = [k.key for k in self.table.kinds if meta.sections.get(k.key)]
        if described:
            out.append("sections:")
        for key in described:
            values = meta.sections[key]
            fields = ", ".join(f"{name}: {_flow(values[name])}"
                               for name in ("contributors", "topics") if values.get(name))
            out.append(f"  {key}: {{{fields}}}")
        return [*out, "---"]


def _title(base: str, topics: list[str]) -> str:
    """`OpenLLM Talk 001` + the first three topics: the index page then says what it was about."""
    if not topics:
        return base
    wide = bool(_CJK.search(base + "".join(topics[:3])))
    return base + ("：" if wide else ": ") + ("；" if wide else "; ").join(topics[:3])


_PLAIN = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`][^:#,\[\]{}]*")


def _scalar(text: str) -> str:
    """A YAML scalar: plain when it reads back unchanged (also inside [ ]), else double-quoted."""
    if _PLAIN.fullmatch(text) and text == text.strip() and yaml.safe_load(text) == text:
        return text
    return _quoted(text)


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def _flow(values: Sequence[str]) -> str:
    return "[" + ", ".join(_scalar(v) for v in values) + "]"

"""A Document → the text of an episode (SPEC §2), with every guess reported as a diagnostic.

The Markdown lines of the document are copied block by block; only headings, question
lines and the 【label】 lines that became front matter change. Sections come from the
section table (tolerant matching), questions from `questions.py`, metadata from `meta.py`.
"""

from __future__ import annotations

import re

from ..diagnostics import Diagnostic, diagnostic
from ..structure import SectionKind, SectionTable, normalize_title
from . import labels
from .blocks import Block, Item
from .document import Document
from .episode import Part
from .meta import Meta, MetaReader
from .questions import EMPTY_ANSWER, FreeTalk

PREFACE_TITLES = ("序章", "序言", "前言", "引言", "开场", "preface", "intro", "introduction")
NOTICE_TITLES = ("注意事项", "说明", "notice", "notes")  # never the episode's title
# Paragraphs that head the material after the last answer (chat log, references).
LEFTOVER_LABELS = ("参考资料", "参考文献", "参考链接", "参考", "聊天区", "聊天记录", "群聊记录",
                   "附录", "references", "refs", "chat", "chat log", "appendix")
UNSORTED_TITLES = ("未归类内容", "Unsorted")  # for Chinese and for other notes
GAP_ENDS_ANSWERS = 2  # this many blank lines after an answer end the Q&A list

_DECORATION = re.compile(r"\s*(?:[-–—_]\s*optional|[（(]\s*(?:可选|选填|optional)\s*[)）])\s*$",
                         re.IGNORECASE)
_NUMBERING = re.compile(r"^(?:\d+\s*[.、)]|[一二三四五六七八九十]+\s*、)\s*")
_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


class Reader:
    """Walks the blocks once, sorting them into the intro and the five sections."""

    def __init__(self, document: Document, table: SectionTable) -> None:
        self.doc, self.lines, self.table = document, document.lines, table
        self.diagnostics: list[Diagnostic] = []
        self.meta = Meta(title=document.title)
        self.labels = MetaReader(self.meta, self.warn)
        self.intro = Part("")
        self.sections: dict[str, Part] = {}
        self.section_lines: dict[str, int] = {}
        self.part, self.kind, self.parent = self.intro, "", 1
        self.talk = FreeTalk()
        self.answering = self.leftover = False  # in Free Talk: an answer begun; past the last
        self.pending: list[str] | None = None  # an empty "A7：", dropped if nothing follows
        self.gap = 0

    def warn(self, code: str, message: str, line: int, hint: str = "") -> None:
        place = self.doc.place(line)
        if place:
            self.diagnostics.append(diagnostic(code, f"{message} ({place})", self.doc.source,
                                               hint=hint))
            return
        self.diagnostics.append(diagnostic(code, message, self.doc.source, line + 1, 1, hint=hint,
                                           source=self.lines,
                                           width=len(self.lines[line].rstrip())))

    def read(self, blocks: list[Block]) -> None:
        if blocks:
            self.emit(self.lines[: blocks[0].start])  # link definitions before the first block
        first = 0
        if blocks and blocks[0].type == "heading_open" and not self.match(blocks[0].plain) \
                and not self.is_preface(blocks[0].plain) \
                and normalize_title(blocks[0].plain) not in NOTICE_TITLES:
            self.meta.title, self.parent, first = blocks[0].plain, blocks[0].level, 1
        if self.meta.title:
            found = labels.number_in(self.meta.title)
            self.meta.label = labels.special(self.meta.title)
            if found is not None:
                self.meta.numbers.append((found, "the title", blocks[0].start if first else 0))
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
        if not block.plain.strip():
            return  # an empty heading carries nothing
        found = self.match(block.plain)
        if found and found[0].key not in self.sections:
            kind, name = found
            self.part = self.sections[kind.key] = Part(f"## {name}")
            self.section_lines[kind.key] = block.start
            self.kind, self.parent = kind.key, block.level
            self.labels.kind = kind.key
            self.talk, self.leftover = FreeTalk(), False
            return
        if self.is_preface(block.plain) and self.part is self.intro:
            self.parent = block.level
            self.emit([f"### {block.raw}"])  # kept: its text is the reader's, not structure
            return
        if self.kind == "free_talk" and self.talk.is_question_paragraph(block.plain) \
                and not self.leftover:
            self.question(self.talk.question_from_paragraph(block.raw))
            return
        level = min(max(block.level - self.parent + 2, 3), 6)
        if block.level <= self.parent and self.kind == "free_talk" and self.talk.count:
            self.leftover = True
            self.warn("W051", f'"{block.plain}" after the questions of Free Talk is not a '
                      f"question; kept as appendix subsection \"### {block.raw}\"", block.start,
                      hint="move it to another section, or delete it if it is boilerplate")
        elif block.level <= self.parent:
            where = f'section "{self.part.heading[3:]}"' if self.kind else "the intro"
            what = "a second heading of that section" if found else "not a section"
            self.warn("W052", f'heading "{block.plain}" (level {block.level}) is {what}; kept '
                      f"as a level-{level} subsection of {where}", block.start,
                      hint="check that it belongs there; move it if not")
        if self.kind == "free_talk" and level == 3:
            self.talk.restart()
            self.answering = False
        self.emit([f"{'#' * level} {block.raw}"])

    def question(self, line: str) -> None:
        self.pending = None
        self.answering, self.leftover = False, False
        self.emit([line])

    # content

    def content(self, block: Block) -> None:
        lines = self.lines[block.start : block.end]
        in_talk = self.kind == "free_talk" and not self.leftover
        if in_talk and block.type == "ordered_list_open":
            self.numbered_list(block)
            return
        if self.kind == "free_talk" and block.type == "paragraph_open":
            if self.talk.is_question_paragraph(block.plain):
                self.question(self.talk.question_from_paragraph(lines[0]))
                lines = lines[1:]
            elif self.talk.count and normalize_title(block.plain.rstrip(":：")) in LEFTOVER_LABELS \
                    and block.end - block.start == 1:
                self.start_leftover(block.plain.rstrip(":： "), block, labelled=True)
                return
            elif in_talk:
                self.talk.answer_line(block.plain)
        if self.answering and not self.leftover and self.gap >= GAP_ENDS_ANSWERS \
                and not (block.type == "paragraph_open" and
                         self.talk.is_question_paragraph(block.plain)):
            title = UNSORTED_TITLES[0 if _CJK.search("\n".join(lines)) else 1]
            self.start_leftover(title, block, labelled=False)
        if block.type == "paragraph_open":
            lines = self.labels.paragraph(lines, block.end - len(lines))
            if self.talk.count and not self.leftover and len(lines) == 1 \
                    and EMPTY_ANSWER.match(lines[0]):
                self.pending = lines  # dropped when nothing follows: the question is open
                return
        self.emit(lines + ([block.closer] if block.closer else []))
        self.answering = self.answering or (self.talk.count > 0 and bool(lines))

    def numbered_list(self, block: Block) -> None:
        """Each numbered item that is a question becomes `### Qn：…`; others stay a list."""
        run: list[Item] = []
        for item in block.items:
            if not item.plain and item.text_end >= item.end:
                continue  # an empty `2.` left from the template
            if self.talk.item_is_question(item):
                self.flush(run)
                run = []
                self.question(self.talk.question_from_item(item))
                rest = [line[len(line) - len(line.lstrip()):] if line.strip() else line
                        for line in self.lines[item.text_end:item.end]]
                self.emit([line.strip() for line in rest])
                self.answering = self.answering or any(line.strip() for line in rest)
            else:
                run.append(item)
        self.flush(run)

    def flush(self, items: list[Item]) -> None:
        if items:
            self.emit(self.lines[items[0].start:items[-1].end])
            self.answering = True

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

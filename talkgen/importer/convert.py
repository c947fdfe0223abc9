"""A Document → the parts of an episode, with every guess reported as a diagnostic.

The Markdown lines of the document are copied block by block; only headings, question
lines and the 【label】 lines that became front matter change. Where lines go is
`outline.py`, questions are `questions.py`, front matter values `meta.py`.
"""

from __future__ import annotations

import textwrap

from ..content.sections import SectionTable, normalize_title
from ..diagnostics import Diagnostic
from .blocks import Block, between
from .document import WIDE_SCRIPT, Document
from .meta import Meta, MetaReader
from .outline import Outline, is_title, match_section
from .questions import EMPTY_ANSWER, FreeTalk

# Paragraphs that head the material after the last answer (chat log, references).
LEFTOVER_LABELS = ("参考资料", "参考文献", "参考链接", "参考", "聊天区", "聊天记录", "群聊记录",
                   "附录", "references", "refs", "chat", "chat log", "appendix")
UNSORTED_TITLES = ("未归类内容", "Unsorted")  # for Chinese and for other notes
GAP_ENDS_ANSWERS = 2  # this many blank lines after an answer end the Q&A list


def leftover_message(title: str, block: Block, labelled: bool, gap: int, section: str) -> str:
    what = f'"{block.plain}"' if labelled else f'"{block.plain[:20] or "…"}…"'
    after = "after the last answer" if labelled else f"after the last answer and {gap} blank lines"
    return f'{what} {after} fits no section; kept as subsection "### {title}" of "{section}"'


class Reader:
    """Walks the blocks once, sorting them into the intro and the five sections."""

    def __init__(self, document: Document, table: SectionTable) -> None:
        self.doc, self.lines, self.table = document, document.lines, table
        self.diagnostics: list[Diagnostic] = []
        self.meta = Meta(title=document.title)
        self.labels = MetaReader(self.meta, self.warn)
        self.out = Outline()
        self.talk = FreeTalk()
        self.answering = self.leftover = False  # in Free Talk: an answer begun; past the last
        self.gap = 0

    def warn(self, code: str, message: str, line: int, hint: str = "") -> None:
        self.diagnostics.append(self.doc.diagnostic(code, message, line, hint))

    def read(self, blocks: list[Block]) -> None:
        if blocks:
            self.out.emit(self.lines[: blocks[0].start])  # link definitions before the first
        first = int(is_title(blocks[0], self.table)) if blocks else 0
        if first:
            self.meta.title, self.out.parent = blocks[0].plain, blocks[0].level
        self.meta.read_title(blocks[0].start if first else 0)
        for block in blocks[first:]:
            if block.type == "heading_open":
                self.heading(block)
            else:
                self.content(block)
            self.trailer(block)
        self.out.pending = None

    @property
    def in_talk(self) -> bool:
        return self.out.kind == "free_talk" and not self.leftover

    def heading(self, block: Block) -> None:
        out = self.out
        out.pending = None
        if not block.plain.strip():
            return  # an empty heading carries nothing
        found = match_section(self.table, block.plain)
        if found and found[0].key not in out.sections:
            out.open_section(found[0], found[1], block.start, block.level)
            self.labels.kind = found[0].key
            self.talk, self.leftover = FreeTalk(), False
            return
        if out.is_preface(block.plain) and out.part is out.intro:
            out.parent = block.level
            out.emit([f"### {block.raw}"])  # kept: its words are the author's, not structure
            return
        if self.in_talk and self.talk.is_question_paragraph(block.plain):
            self.question(self.talk.question_from_paragraph(block.raw))
            return
        level = min(max(block.level - out.parent + 2, 3), 6)
        if block.level <= out.parent and out.kind == "free_talk" and self.talk.count:
            self.leftover = True
            self.warn("W051", f'"{block.plain}" after the questions of Free Talk is not a '
                      f"question; kept as appendix subsection \"### {block.raw}\"", block.start,
                      hint="move it to another section, or delete it if it is boilerplate")
        elif block.level <= out.parent:
            what = "a second heading of that section" if found else "not a section"
            self.warn("W052", f'heading "{block.plain}" (level {block.level}) is {what}; kept '
                      f"as a level-{level} subsection of {out.where()}", block.start,
                      hint="check that it belongs there; move it if not")
        if self.in_talk and level == 3:
            self.talk.restart()
            self.answering = False
        out.emit([f"{'#' * level} {block.raw}"])

    def question(self, lines: list[str]) -> None:
        self.out.pending = None
        self.answering, self.leftover = len(lines) > 1, False
        self.out.emit(lines)

    def content(self, block: Block) -> None:
        lines = self.lines[block.start : block.end]
        if self.in_talk and block.type == "ordered_list_open":
            self.numbered_list(block)
            return
        if self.out.kind == "free_talk" and block.type == "paragraph_open":
            if self.in_talk and self.talk.is_question_paragraph(block.plain):
                self.question(self.talk.question_from_paragraph(lines[0]))
                lines = lines[1:]
            elif self.talk.count and normalize_title(block.plain.rstrip(":：")) in LEFTOVER_LABELS \
                    and block.end - block.start == 1:
                self.start_leftover(block.plain.rstrip(":： "), block, labelled=True)
                return
            elif self.in_talk:
                self.talk.answer_line(block.plain)
        if self.answering and not self.leftover and self.gap >= GAP_ENDS_ANSWERS \
                and not (block.type == "paragraph_open" and
                         self.talk.is_question_paragraph(block.plain)):
            title = UNSORTED_TITLES[0 if WIDE_SCRIPT.search("\n".join(lines)) else 1]
            self.start_leftover(title, block, labelled=False)
        if block.type == "paragraph_open":
            self.check_section_label(block)
            lines = self.labels.paragraph(lines, block.end - len(lines))
            if self.talk.count and not self.leftover and len(lines) == 1 \
                    and EMPTY_ANSWER.match(lines[0]):
                self.out.pending = lines  # dropped when nothing follows: the question is open
                return
        self.out.emit(lines + ([block.closer] if block.closer else []))
        self.answering = self.answering or (self.talk.count > 0 and bool(lines))

    def check_section_label(self, block: Block) -> None:
        before = self.out.part.heading[3:]
        found = self.out.retitle_from_label(self.table, self.lines[block.start])
        if found is not None:
            self.labels.kind = found[0].key
            self.warn("W059", f'section heading "{before}" is followed by 【{found[1]}】; the '
                      f'section is taken as "{found[1]}"', block.start,
                      hint="fix the heading in the notes if the label is the mistake")

    def numbered_list(self, block: Block) -> None:
        """Each numbered item that is a question becomes `### Qn：…`; others stay a list."""
        for kind, lines in self.talk.split_list(block.items, self.lines):
            if kind == "question":
                self.question(lines)
            else:
                self.out.emit(textwrap.dedent("\n".join(lines)).split("\n"))
                self.answering = True

    def start_leftover(self, title: str, block: Block, labelled: bool) -> None:
        self.out.pending = None
        self.leftover = True
        self.warn("W051", leftover_message(title, block, labelled, self.gap,
                                           self.out.part.heading[3:]), block.start,
                  hint="rename or move the subsection if it belongs elsewhere")
        self.out.emit([f"### {title}"])

    def trailer(self, block: Block) -> None:
        kept, self.gap = between(self.lines, block)
        self.out.emit(kept)

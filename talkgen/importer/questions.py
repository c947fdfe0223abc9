"""Free Talk: which paragraphs and list items are questions, and which lines answer them.

The archive writes questions as `Q1：…` paragraphs, and later as a numbered list
(`1. question`) followed by `答：` / `A：` / `回答：` paragraphs. A numbered item is a
question unless it sits inside an answer that a marker opened and does not continue the
question numbering (then it is a list in the answer); with `Q1：` questions, numbered lists
are always answers. A `--reply` that is not a name stays in the answer, not as the asker.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterator

from ..content.sections import parse_question
from .blocks import Item

ANSWER = re.compile(r"^\s*(?:A\d*|答|回答)\s*[:：]", re.IGNORECASE)
EMPTY_ANSWER = re.compile(r"^\s*(?:A\d*|答|回答)\s*[:：]\s*$", re.IGNORECASE)
_ASKER_GLUED = re.compile(r"(?<=\S)(--|——)(?=[^-—\s][^-—]*$)")  # `优化。--名字` → `优化。 --名字`
_ASKER_DASH = re.compile(r"\s*(?<![—-])[—–](?![—–])\s*([^\s—–]{1,20})\s*$")  # `？—羡鱼`
_NOT_A_NAME = re.compile(r"[，。；！？,;!?：:、\s]")  # a reply or a sentence, not who asked
_TAIL = re.compile(r"\s*(?:--|——)\s*([^-—]+)$")


def heading_lines(text: str) -> list[str]:
    """`Q1：text—羡鱼` → [`### Q1：text --羡鱼`]; a tail that is no name → a line of answer."""
    text = text.strip().rstrip("\\").rstrip()
    text = _ASKER_DASH.sub(r" --\1", text)
    tail = _TAIL.search(text)
    if tail and (_NOT_A_NAME.search(tail.group(1).strip()) or len(tail.group(1)) > 20):
        return [f"### {text[: tail.start()].rstrip()}", "", tail.group(0).strip()]
    return ["### " + _ASKER_GLUED.sub(r" \1", text)]


class FreeTalk:
    """The question state of one Free Talk section."""

    def __init__(self) -> None:
        self.count = 0  # questions so far
        self.numbered = 0  # the number of the last numbered-list question
        self.marked = False  # an answer marker (答：) opened the current answer
        self.q_style = False  # questions are `Q1：` paragraphs: numbered lists are answers

    def is_question_paragraph(self, plain: str) -> bool:
        return parse_question(plain) is not None

    def answer_line(self, plain: str) -> None:
        if self.count and ANSWER.match(plain):
            self.marked = True

    def item_is_question(self, item: Item) -> bool:
        if not item.plain or self.q_style:
            return False
        return not self.marked or (self.numbered > 0 and item.number == self.numbered + 1)

    def question_from_paragraph(self, line: str) -> list[str]:
        self.count += 1
        self.q_style = True
        self.marked = False
        return heading_lines(line)

    def split_list(self, items: tuple[Item, ...], lines: list[str]
                 ) -> Iterator[tuple[str, list[str]]]:
        """("question", heading and answer lines) or ("list", the items that stay a list)."""
        run: list[Item] = []
        for item in items:
            if not item.plain and item.text_end >= item.end:
                continue  # an empty `2.` left from the template
            if not self.item_is_question(item):
                run.append(item)
                continue
            if run:
                yield "list", lines[run[0].start:run[-1].end]
                run = []
            self.count += 1
            self.numbered, self.marked = item.number, False
            rest = textwrap.dedent("\n".join(lines[item.text_end:item.end])).strip("\n")
            yield "question", heading_lines(f"Q{self.count}：{item.plain}") + (
                ["", *rest.split("\n")] if rest.strip() else [])
        if run:
            yield "list", lines[run[0].start:run[-1].end]

    def restart(self) -> None:
        """A sub-heading (线上讨论, 群里讨论) starts a new numbered list."""
        self.numbered = 0
        self.marked = False

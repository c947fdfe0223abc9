"""Free Talk: which paragraphs and list items are questions, and which lines answer them.

The archive writes questions as `Q1：…` paragraphs, and later as a numbered list
(`1. question`) followed by `答：` / `A：` / `回答：` paragraphs. A numbered item is a
question unless it sits inside an answer that a marker opened and does not continue the
question numbering (then it is a list in the answer).
"""

from __future__ import annotations

import re

from ..structure import parse_question
from .blocks import Item

ANSWER = re.compile(r"^\s*(?:A\d*|答|回答)\s*[:：]", re.IGNORECASE)
EMPTY_ANSWER = re.compile(r"^\s*(?:A\d*|答|回答)\s*[:：]\s*$", re.IGNORECASE)
_ASKER_GLUED = re.compile(r"(?<=\S)(--|——)(?=[^-—\s][^-—]*$)")  # `优化。--名字` → `优化。 --名字`
_ASKER_DASH = re.compile(r"\s*(?<![—-])[—–](?![—–])\s*([^\s—–]{1,20})\s*$")  # `？—羡鱼`


def heading_line(text: str) -> str:
    """`Q1：text—羡鱼` → `### Q1：text --羡鱼`."""
    text = text.strip().rstrip("\\").rstrip()
    text = _ASKER_DASH.sub(r" --\1", text)
    return "### " + _ASKER_GLUED.sub(r" \1", text)


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

    def question_from_item(self, item: Item) -> str:
        self.count += 1
        self.numbered = item.number
        self.marked = False
        return heading_line(f"Q{self.count}：{item.plain}")

    def question_from_paragraph(self, line: str) -> str:
        self.count += 1
        self.q_style = True
        self.marked = False
        return heading_line(line)

    def restart(self) -> None:
        """A sub-heading (线上讨论, 群里讨论) starts a new numbered list."""
        self.numbered = 0
        self.marked = False

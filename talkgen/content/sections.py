"""The section spec as data: kinds, titles, aliases, order, and which are required.

Validation, `talkgen new` and `talkgen import` all read SECTION_KINDS; adding a sixth
kind is one more row.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..model import identity


@dataclass(frozen=True)
class SectionKind:
    """One kind of section: its key, heading, other accepted headings, whether required."""

    key: str
    title: str
    aliases: tuple[str, ...]
    required: bool
    guidance: str  # one line for the scaffold of `talkgen new`


SECTION_KINDS: tuple[SectionKind, ...] = (
    SectionKind("news", "本周新闻", ("News",), True, "学术、项目、工业界的 LLM/AI 新闻"),
    SectionKind("recommendations", "本周推荐", ("Recommendations",), True,
                "模型、开源项目、资料或课程，1-3 项"),
    SectionKind("classics", "本周经典", ("Classics",), False, "NLP/LLM 领域的经典话题"),
    SectionKind("practice", "本周实践", ("Practice",), False, "实践经验分享"),
    SectionKind("free_talk", "Free Talk", ("自由讨论",), True,
                "每个问题写成 ### Q1：问题 --提问人，答案写在下面"),
)

KIND_KEYS: tuple[str, ...] = tuple(kind.key for kind in SECTION_KINDS)


def normalize_title(text: str) -> str:
    """Case- and width-insensitive form of a heading, for matching titles and aliases."""
    return " ".join(identity(text).split())


@dataclass(frozen=True)
class SectionTable:
    """The kinds as configured for one site (titles and aliases may be overridden)."""

    kinds: tuple[SectionKind, ...] = SECTION_KINDS

    def match(self, heading: str) -> SectionKind | None:
        wanted = normalize_title(heading)
        for kind in self.kinds:
            if wanted in (normalize_title(name) for name in (kind.title, *kind.aliases)):
                return kind
        return None

    def kind(self, key: str) -> SectionKind:
        return next(k for k in self.kinds if k.key == key)

    def position(self, key: str) -> int:
        return next(i for i, k in enumerate(self.kinds) if k.key == key)

    @property
    def all_names(self) -> list[str]:
        return [name for kind in self.kinds for name in (kind.title, *kind.aliases)]

    @property
    def order_text(self) -> str:
        return " → ".join(k.key.replace("_", " ") for k in self.kinds)

    def with_overrides(self, overrides: Mapping[str, Mapping[str, object]]) -> SectionTable:
        """Apply `sections:` from talkgen.yaml: {kind: {title: str, aliases: [str]}}."""
        kinds = []
        for kind in self.kinds:
            o = overrides.get(kind.key, {})
            title = o.get("title", kind.title)
            aliases = o.get("aliases", kind.aliases)
            assert isinstance(title, str) and isinstance(aliases, Sequence)
            extra = (kind.title,) if title != kind.title else ()
            kinds.append(SectionKind(kind.key, title, (*extra, *map(str, aliases)),
                                     kind.required, kind.guidance))
        return SectionTable(tuple(kinds))


# -- Free Talk questions ------------------------------------------------------

_QUESTION = re.compile(r"^\s*Q(?P<num>\d*)\s*[:：]\s*(?P<text>.*)$", re.IGNORECASE | re.DOTALL)
_LOOSE_QUESTION = (  # how authors also number a question; read as one, with a warning
    re.compile(r"^\s*Q(?P<num>\d+)(?:\s*[.、．)）]\s*|\s+)(?P<text>\S.*)$", re.IGNORECASE | re.DOTALL),
    re.compile(r"^\s*(?P<num>\d+)\s*[.、．)）:：]\s*(?P<text>\S.*)$", re.DOTALL),
    re.compile(r"^\s*问题\s*(?P<num>\d*)\s*[:：.、]\s*(?P<text>\S.*)$", re.DOTALL),
)
_ASKER = re.compile(r"\s*(?:--|——|—)\s*(?P<name>[^-—]+?)\s*$")


@dataclass(frozen=True)
class QuestionHeading:
    """A Free Talk question heading read apart: label, question, who asked."""

    label: str
    text: str
    asker: str | None


def parse_question(heading: str) -> QuestionHeading | None:
    """`Q1：text --name` → label, text, asker; None when the heading is not a question."""
    m = _QUESTION.match(heading)
    return _question(m) if m else None


def loose_question(heading: str) -> QuestionHeading | None:
    """`Q1 问题`, `1. 问题`, `问题1：…`: a question written without `Q1：`."""
    for pattern in _LOOSE_QUESTION:
        m = pattern.match(heading)
        if m:
            return _question(m)
    return None


def _question(m: re.Match[str]) -> QuestionHeading:
    text = m.group("text").strip()
    asker = None
    a = _ASKER.search(text)
    if a and a.start() > 0:
        asker = a.group("name").strip() or None
        text = text[: a.start()].rstrip()
    return QuestionHeading(f"Q{m.group('num')}", text, asker)

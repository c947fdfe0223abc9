"""Where converted lines go: the intro or one of the sections, in the order they were found.

Also the tolerant matching of headings to the section table (`本周经典-optional`,
`1. News:`, `Free Talk（可选）`) and the preface and notice titles.
"""

from __future__ import annotations

import re

from ..content.sections import SectionKind, SectionTable, normalize_title
from . import labels
from .blocks import Block
from .episode import Part

PREFACE_TITLES = ("序章", "序言", "前言", "引言", "开场", "preface", "intro", "introduction")
NOTICE_TITLES = ("注意事项", "说明", "notice", "notes")  # never the episode's title

_DECORATION = re.compile(r"\s*(?:[-–—_]\s*optional|[（(]\s*(?:可选|选填|optional)\s*[)）])\s*$",
                         re.IGNORECASE)
_NUMBERING = re.compile(r"^(?:\d+\s*[.、)]|[一二三四五六七八九十]+\s*、)\s*")


def match_section(table: SectionTable, text: str) -> tuple[SectionKind, str] | None:
    """The section a heading names, and the title or alias it used."""
    bare = _NUMBERING.sub("", _DECORATION.sub("", text)).rstrip(":： ")
    kind = table.match(bare)
    if kind is None:
        return None
    wanted = normalize_title(bare)
    name = next(n for n in (kind.title, *kind.aliases) if normalize_title(n) == wanted)
    return kind, name


def is_title(block: Block, table: SectionTable) -> bool:
    """A first heading is the title unless it is a section, the preface or a notice."""
    plain = normalize_title(block.plain.rstrip(":："))
    return block.type == "heading_open" and bool(plain) and plain not in PREFACE_TITLES \
        and plain not in NOTICE_TITLES and match_section(table, block.plain) is None


class Outline:
    """The intro and the sections found so far, and the part that receives new lines."""

    def __init__(self) -> None:
        self.intro = Part("")
        self.sections: dict[str, Part] = {}
        self.section_lines: dict[str, int] = {}
        self.part, self.kind, self.parent = self.intro, "", 1
        self.pending: list[str] | None = None  # an empty "A7：", dropped if nothing follows

    def open_section(self, kind: SectionKind, name: str, line: int, level: int) -> None:
        self.part = self.sections[kind.key] = Part(f"## {name}")
        self.section_lines[kind.key] = line
        self.kind, self.parent = kind.key, level

    def rename(self, kind: SectionKind, name: str) -> None:
        """The section just opened is another one (its template label says so)."""
        part = self.sections.pop(self.kind)
        self.section_lines[kind.key] = self.section_lines.pop(self.kind)
        part.heading = f"## {name}"
        self.sections[kind.key] = part
        self.kind = kind.key

    def retitle_from_label(self, table: SectionTable, line: str
                           ) -> tuple[SectionKind, str] | None:
        """`## 本周推荐` then 【本周新闻】：… (a template copied under the wrong heading): the
        label, written for that section, names it; returns the new section, if renamed."""
        label = labels.read_label(line)
        found = match_section(table, label.label) if label else None
        if not self.kind or self.part.blocks or found is None or found[0].key in self.sections:
            return None
        self.rename(*found)
        return found

    def is_preface(self, text: str) -> bool:
        return not self.sections and normalize_title(text.rstrip(":：")) in PREFACE_TITLES

    def where(self) -> str:
        return f'section "{self.part.heading[3:]}"' if self.kind else "the intro"

    def emit(self, lines: list[str]) -> None:
        """Append a block, without its blank edges; a pending answer marker goes first."""
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

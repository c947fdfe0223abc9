"""The one form every reader produces and the converter reads: Markdown lines plus their origin.

Markdown is the intermediate form because it already says everything the converter needs
(headings, lists, emphasis, links, tables, images) and because the Markdown reader can then
hand over the user's own lines unchanged. PDF and Word readers write Markdown from the
document's structure and remember, per line, where it came from ("page 3", "paragraph 12").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..diagnostics import Diagnostic, diagnostic


@dataclass(frozen=True)
class Document:
    """One input file, read: Markdown lines, the document's own title, where lines came from."""

    source: str  # the file as the user named it, for diagnostics
    lines: list[str]
    title: str = ""  # a title the format marks as such (Word's Title style, pandoc's `title:`)
    places: tuple[str, ...] = ()  # per line, for PDF/Word; empty: line numbers are the source's
    images: dict[str, bytes] = field(default_factory=dict)  # name → bytes, linked as images/NAME
    kind: str = "md"  # "md", "pdf" or "docx"

    def place(self, line: int) -> str:
        """Where 0-based `line` came from, as a phrase for a message ("" for Markdown)."""
        return self.places[line] if 0 <= line < len(self.places) else ""

    def diagnostic(self, code: str, message: str, line: int, hint: str = "") -> Diagnostic:
        """Markdown: file:line with a code frame; PDF/Word: the page or paragraph in the text."""
        place = self.place(line)
        if place or not 0 <= line < len(self.lines):
            return diagnostic(code, f"{message} ({place})" if place else message, self.source,
                              hint=hint)
        return diagnostic(code, message, self.source, line + 1, 1, hint=hint, source=self.lines,
                          width=len(self.lines[line].rstrip()))


# Text written in a wide script (CJK, kana, full-width forms): such notes get Chinese titles.
WIDE_SCRIPT = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")
IMAGE_PREFIX = "talkgen-image:"  # image links point here until the episode's folder is known

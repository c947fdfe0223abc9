"""Free Talk as question blocks: cut a section's HTML at its question headings.

The section is rendered once (markdown.py); here the heading and answer of each question are
lifted out so the theme can draw them as one component, while everything else (text before
the first question, ordinary subsections) stays as written and in order.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass

_H3 = re.compile(r'<h3 id="([^"]*)">.*?</h3>\n?', re.DOTALL)
_NEXT = re.compile(r"<h[1-3][ >]")


@dataclass(frozen=True)
class Part:
    """Plain HTML, or the question whose heading has `anchor` (its answer follows in `html`)."""

    html: str
    anchor: str = ""


def split_questions(fragment: str, anchors: Iterable[str]) -> list[Part]:
    """The section as parts; a question's part holds its answer, up to the next heading."""
    wanted = set(anchors)
    parts: list[Part] = []
    at = 0
    for match in _H3.finditer(fragment):
        if match.start() < at or html.unescape(match.group(1)) not in wanted:
            continue
        if match.start() > at:
            parts.append(Part(fragment[at:match.start()]))
        following = _NEXT.search(fragment, match.end())
        end = following.start() if following else len(fragment)
        parts.append(Part(fragment[match.end():end], html.unescape(match.group(1))))
        at = end
    if at < len(fragment):
        parts.append(Part(fragment[at:]))
    return parts

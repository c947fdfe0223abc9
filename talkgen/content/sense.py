"""Sense checks: values that are valid but almost certainly not what the author meant.

A scaffold's `host: TBD`, a date ten years ahead, an episode dated before the one it
follows. All warnings: the site still builds, but the author hears about it once.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from ..diagnostics import Diagnostic, diagnostic
from ..model import Episode
from .frontmatter import YamlDoc

FUTURE_DAYS = 60
PLACEHOLDER = re.compile(r"^(?:TBD|TBA|TODO|N/?A|X{2,}|待定|待补充|待填写|未知|[?？]+|…+|\.{3,})$",
                         re.IGNORECASE)
_CHECKED = ("host", "title", "summary", "contributors", "topics", "editors")


def check_values(meta: dict[str, Any], doc: YamlDoc, file: str,
                 lines: Sequence[str]) -> list[Diagnostic]:
    """One episode's front matter: placeholders left in."""
    out = []
    for key in _CHECKED:
        values = meta.get(key, ())
        for n, value in enumerate((values,) if isinstance(values, str) else values):
            if isinstance(value, str) and PLACEHOLDER.match(value.strip()):
                line, col = doc.where((key, n) if isinstance(doc.data.get(key), list) else (key,))
                out.append(diagnostic("W070", f'"{key}" is still the placeholder "{value}"',
                                      file, line, col, hint=_placeholder_hint(key),
                                      source=lines, width=len(value)))
    return out


def _placeholder_hint(key: str) -> str:
    if key == "host":
        return "write who hosts the episode, e.g. host: 羡鱼"
    return f"write the real {key}, or delete the line"


def check_episodes(episodes: Sequence[Episode], today: dt.date | None = None) -> list[Diagnostic]:
    """Across episodes: dates far ahead or going backwards as numbers go up; a lone empty
    summary. Here rather than per file, because a parsed file is cached and today moves."""
    today = today or dt.date.today()
    out = [diagnostic("W049", f"date {e.date.isoformat()} is {(e.date - today).days} days from "
                      "today", e.source, e.line_of("date"), 1,
                      hint=f"check the year: episodes are dated the day they meet (more than "
                      f"{FUTURE_DAYS} days ahead is probably a typo)")
           for e in episodes if (e.date - today).days > FUTURE_DAYS]
    ordered = sorted(episodes, key=lambda e: e.number)
    for before, after in zip(ordered, ordered[1:], strict=False):
        if after.date < before.date and after.number != before.number:
            out.append(diagnostic(
                "W048", f"episode {after.number} is dated {after.date.isoformat()}, before "
                f"episode {before.number} ({before.date.isoformat()})", after.source,
                after.line_of("date"), 1,
                hint=f"check the date here and in {before.source}: later numbers meet later"))
    with_summary = sum(1 for e in episodes if e.summary.strip())
    for e in episodes:
        if not e.summary.strip() and "summary" in dict(e.key_lines) and with_summary:
            out.append(diagnostic(
                "W070", '"summary" is empty, but the other episodes have one', e.source,
                e.line_of("summary"), 1, width=len("summary"),
                hint="write one line about the episode: it shows on the index page"))
    return out

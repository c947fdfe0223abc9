"""Characters XML 1.0 forbids (and HTML counts as errors): warned about in episodes, left out of
every page, feed and sitemap, so one pasted terminal colour code cannot break a feed reader."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from typing import Any

from ..diagnostics import Diagnostic, diagnostic
from .frontmatter import YamlDoc

# C0 controls but tab, newline and carriage return; DEL and C1 controls (allowed by XML 1.0 but
# errors in HTML text); lone surrogates; the two non-characters U+FFFE and U+FFFF.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
MAX_REPORTS = 20  # per file: enough to find them, not a flood when a whole log was pasted


def clean(text: str) -> str:
    """`text` without the forbidden characters (unchanged, and not copied, when it has none)."""
    return FORBIDDEN.sub("", text) if FORBIDDEN.search(text) else text


def describe(ch: str) -> str:
    name = {"\x1b": "ESC, from a terminal colour code", "\x0c": "form feed",
            "\x0b": "vertical tab", "\x08": "backspace"}.get(ch)
    return f"U+{ord(ch):04X} ({name or unicodedata.name(ch, 'control character')})"


def check_episode(file: str, lines: Sequence[str], body_line: int,
                  doc: YamlDoc) -> list[Diagnostic]:
    """W090 for each line of the body holding a forbidden character, and for each front matter
    value that holds one (written as an escape such as "\\x0b": the YAML reader refuses the
    raw character itself)."""
    out: list[Diagnostic] = []
    body = lines[body_line - 1:]
    for line in range(body_line, len(lines) + 1) if FORBIDDEN.search("\n".join(body)) else ():
        match = FORBIDDEN.search(lines[line - 1])
        if match:
            out.append(_warning(file, lines, line, match.start() + 1, match.group()))
    escapes = "\\" in "\n".join(lines[: body_line - 1])  # the YAML reader refuses raw ones
    for path, value in _strings(doc.data, ()) if escapes else ():
        match = FORBIDDEN.search(value)
        if match:
            line, column = doc.where(path)
            out.append(_warning(file, lines, line, column, match.group()))
    return out[:MAX_REPORTS]


def _warning(file: str, lines: Sequence[str], line: int, column: int, ch: str) -> Diagnostic:
    return diagnostic("W090", f"invisible control character {describe(ch)}; it is left out of "
                      "the site and its feeds", file, line, column, source=lines, width=1,
                      hint="delete it (it often comes with text pasted from a terminal or a PDF)")


def _strings(data: Any, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, (*path, str(key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, (*path, index))

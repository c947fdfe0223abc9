"""Writing Markdown from PDF and Word text: escapes, emphasis, links, list markers, tables.

Text from a document is data: a `*`, `<img>` or `#` in it must show as typed, never turn
into emphasis, HTML or a heading.
"""

from __future__ import annotations

import re
import unicodedata

from ..urls import is_safe_link

_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")
_LINE_START = re.compile(r"^(\s*)([#>+\-=]|\d+[.)])")
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")
ORDERED = re.compile(r"^\s*(\d{1,3})\s*[.．、)）]\s*(?=\S)")


_BARE_URL = re.compile(r"https?://[^\s<>\"'，。；：、）】》“”]+")


def escape(text: str) -> str:
    """Plain text → Markdown that renders as exactly that text; bare URLs become autolinks."""
    out, last = [], 0
    for m in _BARE_URL.finditer(text):
        url = m.group(0).rstrip(".,;:!?)")
        out.append(_SPECIAL.sub(r"\\\1", text[last:m.start()]))
        out.append(f"<{url}>" if is_safe_link(url) else _SPECIAL.sub(r"\\\1", url))
        last = m.start() + len(url)
    out.append(_SPECIAL.sub(r"\\\1", text[last:]))
    return "".join(out)


def list_item(text: str) -> str:
    """A paragraph typed as `1.text`, `2）text` or `3、text` → a Markdown list item."""
    m = ORDERED.match(text)
    if not m:
        return escape_line_start(text)
    delimiter = ")" if m.group(0).rstrip()[-1] in ")）" else "."
    return f"{m.group(1)}{delimiter} {text[m.end():]}"


def escape_line_start(text: str) -> str:
    """Escape what would make a line a heading, quote, list or rule."""
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text, count=1)


def is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def tidy(text: str) -> str:
    """Collapse runs of spaces; drop spaces between two Chinese characters (letter-spaced PDFs)."""
    text = _SPACES.sub(" ", text).strip()
    out = []
    for i, ch in enumerate(text):
        if ch == " " and 0 < i < len(text) - 1 and is_wide(text[i - 1]) and is_wide(text[i + 1]):
            continue
        out.append(ch)
    return "".join(out)


def join(before: str, after: str) -> str:
    """Re-join a wrapped line: Chinese joins without a space, Latin with one, URLs without."""
    if not before or not after:
        return before + after
    last_word = before.rsplit(" ", 1)[-1]
    if is_wide(before[-1]) or is_wide(after[0]) or "://" in last_word or before.endswith("-"):
        return before + after
    return before + " " + after


def emphasis(text: str, bold: bool, italic: bool) -> str:
    """Wrap an already escaped run; spaces stay outside the markers so they still work."""
    core = text.strip()
    if not core or not (bold or italic):
        return text
    mark = "***" if bold and italic else "**" if bold else "*"
    lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()):]
    return f"{lead}{mark}{core}{mark}{trail}"


def link(text: str, url: str) -> str:
    """`[text](url)` for a safe target; the bare text when the target is unsafe or the same."""
    if not is_safe_link(url) or any(c in url for c in " \n<>"):
        return text
    if text.strip() == escape(url).strip():
        return f"<{url}>"
    return f"[{text}]({url.replace('(', '%28').replace(')', '%29')})"


def table(rows: list[list[str]]) -> list[str]:
    """A GitHub table; cell text arrives escaped (so `|` is already `\\|`)."""
    if not rows:
        return []
    width = max(len(r) for r in rows)
    cells = [[c.replace("\n", " ") or " " for c in r] + [" "] * (width - len(r)) for r in rows]
    return ["| " + " | ".join(cells[0]) + " |", "|" + " --- |" * width,
            *("| " + " | ".join(r) + " |" for r in cells[1:])]

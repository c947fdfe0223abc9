"""The lean document Pagefind is given for a page: only what it would read of the whole page.

Pagefind parses every byte it is handed, though on a page with data-pagefind-body it indexes
only that element: the head, the navigation, the ignored regions (table of contents, related
episodes, the reading list's mentions) and the Pygments spans inside code blocks cost it a
fifth of its time for nothing. The lean document keeps the page's language and <title>, the
elements outside the body that carry metadata or filters (Pagefind reads those anywhere), and
the body without its ignored regions and with code as plain text: Pagefind writes the same
index from it, byte for byte (tests/test_search_document.py).

When the page does not have the simple shape this relies on (no body or several, an element
that does not close, metadata inside an ignored region, an element ignored with its
metadata), there is no lean document and Pagefind gets the whole page, as before.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

PREFIX = "data-pagefind-"
READ_ANYWHERE = frozenset({"meta", "filter", "sort", "default-meta"})  # also outside the body
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                  "source", "track", "wbr"})
_ATTRIBUTE = re.compile(r"data-pagefind-([a-z-]+)(=[\"']?([^\"'\s>]*))?")
_NAME = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)")
_LANG = re.compile(r"<html\b[^<>]*?\slang=\"([^\"<>]*)\"", re.IGNORECASE)
_TITLE = re.compile(r"<title>[^<]*</title>")
_CODE = re.compile(r"<pre\b[^>]*>.*?</pre>", re.DOTALL)
_HIGHLIGHT = re.compile(r'<span class="[^"<>]*">|</span>')  # Pygments' markup, not its text


class NotLean(Exception):
    """The page has a shape the lean document cannot be sure to read as Pagefind would."""


@dataclass(frozen=True)
class Mark:
    """One data-pagefind-* attribute in a start tag: the tag's position, its kind and value."""

    tag: int  # index of the tag's "<"
    kind: str  # "body", "ignore", "meta", ...
    value: str


def search_document(html: str) -> str | None:
    """The document to index in place of `html`, or None to index the page as it is."""
    try:
        return _lean(html)
    except NotLean:
        return None


def _lean(html: str) -> str:
    marks = list(_marks(html))
    bodies = [mark for mark in marks if mark.kind == "body"]
    if len(bodies) != 1:
        raise NotLean(f"{len(bodies)} elements marked {PREFIX}body")
    if any(mark.kind == "ignore" and mark.value not in ("", "index") for mark in marks):
        raise NotLean("an element ignored with its metadata")
    start = bodies[0].tag
    end = _element_end(html, start)
    inside = [mark for mark in marks if start < mark.tag < end]
    outside = [mark for mark in marks if mark.kind in READ_ANYWHERE and not start <= mark.tag < end]
    body = _CODE.sub(_plain_code, _unignored(html, start, end, inside))
    lang = _LANG.search(html, 0, start)
    title = _TITLE.search(html, 0, start)
    return ("<!doctype html>"
            + (f'<html lang="{lang.group(1)}">' if lang else "<html>")
            + f"<head>{title.group() if title else ''}</head><body>"
            + "".join(_elements(html, outside, start)) + body + "</body></html>")


def _marks(html: str) -> Iterator[Mark]:
    """Every data-pagefind-* attribute of the page; the same words in its text are skipped."""
    at = html.find(PREFIX)
    while at >= 0:
        tag = html.rfind("<", 0, at)
        if tag >= 0 and html[at - 1].isspace() and html.find(">", tag, at) < 0 \
                and html[tag + 1].isalpha():
            attribute = _ATTRIBUTE.match(html, at)
            if attribute:
                yield Mark(tag, attribute.group(1), attribute.group(3) or "")
        at = html.find(PREFIX, at + len(PREFIX))


def _elements(html: str, marks: list[Mark], body: int) -> Iterator[str]:
    """The elements starting at the marks' tags, each once (not again inside another)."""
    at = 0
    for mark in marks:
        if mark.tag < at:
            continue
        at = _element_end(html, mark.tag)
        if mark.tag < body < at:
            raise NotLean("the body inside an element with metadata")
        yield html[mark.tag:at]


def _unignored(html: str, start: int, end: int, inside: list[Mark]) -> str:
    """html[start:end] without its ignored elements (their metadata is checked to be none)."""
    kept: list[str] = []
    at = start
    for mark in inside:
        if mark.tag < at:
            if mark.kind != "ignore":
                raise NotLean(f"{PREFIX}{mark.kind} inside an ignored element")
            continue
        if mark.kind == "ignore":
            kept.append(html[at:mark.tag])
            at = _element_end(html, mark.tag)
    kept.append(html[at:end])
    return "".join(kept)


def _plain_code(code: re.Match[str]) -> str:
    """A code block without its highlighting spans (unless one carries Pagefind's markup)."""
    return code.group() if PREFIX in code.group() else _HIGHLIGHT.sub("", code.group())


def _element_end(html: str, start: int) -> int:
    """The index just after the element whose start tag begins at `start`."""
    name_match = _NAME.match(html, start)
    opened = html.find(">", start) + 1
    if name_match is None or not opened:
        raise NotLean("a start tag that does not end")
    name = name_match.group(1).lower()
    if name in VOID or html[opened - 2] == "/":
        return opened
    depth = 1
    for tag in _same_name(name).finditer(html, opened):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return tag.end()
    raise NotLean(f"<{name}> is not closed")


@lru_cache(maxsize=64)
def _same_name(name: str) -> re.Pattern[str]:
    """Start and end tags of elements called `name` (group 1 is "/" for an end tag)."""
    return re.compile(rf"<(/?){re.escape(name)}(?=[\s/>])[^<>]*>", re.IGNORECASE)

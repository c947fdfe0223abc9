"""Escaping for the Atom feed, written here because xml.sax.saxutils imports urllib.request,
http.client and ssl: a tenth of a one-episode build's start-up, for three replacements."""

from __future__ import annotations

_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_ATTRIBUTE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;",
                            "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def escape(text: str) -> str:
    """`text` safe between tags."""
    return text.translate(_TEXT)


def quoteattr(text: str) -> str:
    """`text` as a quoted attribute value: double quotes, or single ones when the value holds
    a double quote but no single one (the same choice as the standard library's)."""
    value = text.translate(_ATTRIBUTE)
    if '"' not in value:
        return f'"{value}"'
    if "'" not in value:
        return f"'{value}'"
    return '"' + value.replace('"', "&quot;") + '"'

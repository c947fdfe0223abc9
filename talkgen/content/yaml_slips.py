"""Typing slips in front matter that YAML misreads, found on the lines the author typed.

A Chinese input method types `：` for `:` and `“` for `"`; editors insert tabs. YAML then
fails a line later with a message about tokens, or quietly reads one string where a list
was meant. Looking at the raw lines lets us point at the very character and say what to
type instead. The parser's own complaint is a consequence, and is dropped when a slip
explains it (see frontmatter.parse).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

# a key as authors write them: ASCII words or Chinese, no YAML syntax characters
_KEY = r"[^\s:：#'\"\[\]{},\-—][^:：#'\"\[\]{},]{0,39}?"
_FULL_COLON = re.compile(rf"^(?P<indent>[ \t\u3000]*)(?P<key>{_KEY})[ \u3000]*(?P<mark>：)")
_NO_SPACE_COLON = re.compile(rf"^(?P<indent> *)(?P<key>{_KEY}):(?P<next>[^\s/:])")
_WIDE_SPACE_AFTER_COLON = re.compile(rf"^(?P<indent> *)(?P<key>{_KEY}):(?P<mark>\u3000)")
_WIDE_DASH = re.compile(r"^(?P<indent> *)(?P<mark>[－—–・•·])[ \u3000]*\S")
_DASH_ITEM = re.compile(r"^(?P<indent> *)(?P<mark>-)(?P<next>[^\s\-])")
_VALUE = re.compile(rf"^ *(?:- +)?(?:{_KEY}: +)?(?P<value>\S.*)$")
_FLOW_LIST = re.compile(rf"^ *(?P<key>{_KEY}): +\[(?P<items>[^\]]*)\]\s*$")
_ONE_NAME = re.compile(r"^(?P<key>host): +(?P<value>[^\s\[\]{}\"'“【［].*)$")
_WIDE_OPEN = {"“": '"', "”": '"', "‘": "'", "’": "'", "【": "[", "［": "[", "｛": "{"}
_LIST_SEPARATORS = "，、"


@dataclass(frozen=True)
class Slip:
    """One slip: a file position (1-based), the span to underline, what to say.

    `key` names the key the slip hides from YAML, so that "missing key" is not reported too.
    """

    code: str
    line: int
    column: int
    width: int
    message: str
    hint: str
    key: str = ""


def scan(yaml_text: str, first_line: int) -> list[Slip]:
    """Every slip in the front matter, in line order (lines are file lines)."""
    out: list[Slip] = []
    for offset, text in enumerate(yaml_text.split("\n")):
        if text.lstrip().startswith("#"):
            continue
        out.extend(_line_slips(text, first_line + offset))
    return out


def _line_slips(text: str, line: int) -> Iterator[Slip]:
    """The slips on one line; the first syntax slip on a line hides the ones after it."""
    tab = text.find("\t")
    if tab >= 0 and not text[:tab].strip(" \u3000-"):
        yield Slip("E036", line, tab + 1, 1, "a tab indents this line; YAML allows only spaces",
                   "replace the tab (shown as →) with spaces, e.g. two spaces per level")
        return
    indent = len(text) - len(text.lstrip(" \u3000"))
    if "\u3000" in text[:indent]:
        col = text.index("\u3000") + 1
        yield Slip("E035", line, col, 1, 'full-width space "\u3000" (U+3000) in the indentation',
                   "delete it and indent with ASCII spaces (or none at the top level)",
                   key=_key_after(text, indent))
        return
    m = _FULL_COLON.match(text)
    if m and ":" not in text[: m.start("mark")]:
        key = m.group("key").strip()
        value = text[m.end("mark"):].strip()
        yield Slip("E035", line, m.start("mark") + 1, 1,
                   f'full-width colon "：" (U+FF1A) after "{key}"; YAML needs an ASCII colon',
                   f"type an ASCII colon and a space: {key}: {value}".rstrip(), key=key)
        return
    m = _WIDE_SPACE_AFTER_COLON.match(text)
    if m:
        key = m.group("key").strip()
        yield Slip("E035", line, m.start("mark") + 1, 1,
                   f'full-width space "\u3000" (U+3000) after "{key}:"; YAML needs an ASCII space',
                   f"type an ASCII space after the colon: {key}: {text[m.end('mark'):].strip()}",
                   key=key)
        return
    m = _NO_SPACE_COLON.match(text)
    if m and not m.group("key").strip().isdigit():
        key = m.group("key").strip()
        yield Slip("E038", line, m.start("next"), 1, f'no space after the colon of "{key}"',
                   f"type a space after the colon: {key}: {text[m.start('next'):].strip()}",
                   key=key)
        return
    m = _WIDE_DASH.match(text)
    if m:
        dash = m.group("mark")
        yield Slip("E035", line, m.start("mark") + 1, 1,
                   f'full-width dash "{dash}" (U+{ord(dash):04X}) where a YAML list item needs '
                   'an ASCII "-"', f"type a hyphen and a space: - {text[m.end('mark'):].strip()}")
        return
    m = _DASH_ITEM.match(text)
    if m and text.strip() not in ("---", "..."):
        item = text[m.start("next"):].strip()
        yield Slip("E038", line, m.start("mark") + 1, 1, "no space after the list dash \"-\"",
                   f"type a space after the dash: - {item}")
        return
    yield from _value_slips(text, line)


def _value_slips(text: str, line: int) -> Iterator[Slip]:
    """Quotes and brackets at the start of a value, and commas inside [ ]."""
    m = _VALUE.match(text)
    if not m:
        return
    value, col = m.group("value"), m.start("value") + 1
    first = value[0]
    if first in _WIDE_OPEN:
        ascii_mark = _WIDE_OPEN[first]
        yield Slip("E035", line, col, 1,
                   f'full-width {_name(first)} "{first}" (U+{ord(first):04X}) where YAML expects '
                   f"an ASCII {ascii_mark}", f"type {ascii_mark} instead: {_asciified(value)}")
        return
    if first == "[" and "]" not in value:
        yield Slip("E037", line, col, 1, "the list bracket [ opened here is never closed",
                   f"add ] at the end: {value.rstrip()}]")
        return
    if first in "\"'" and not _closed(value):
        yield Slip("E037", line, col, 1, f"the quote {first} opened here is never closed",
                   f"add a closing {first} at the end of the value, or delete this one")
        return
    names = _ONE_NAME.match(text)
    if names and any(sep in names.group("value") for sep in _LIST_SEPARATORS):
        value = names.group("value").strip()
        items = [i.strip() for i in re.split(f"[{_LIST_SEPARATORS}]", value) if i.strip()]
        yield Slip("W039", line, names.start("value") + 1, len(value),
                   f'"{names.group("key")}" is one name, "{value}": full-width commas do not '
                   "separate names", f"for several people write {names.group('key')}: "
                   f"[{', '.join(items)}]")
        return
    flow = _FLOW_LIST.match(text)
    if flow and "," not in flow.group("items"):
        for sep in _LIST_SEPARATORS:
            where = flow.group("items").find(sep)
            if where >= 0:
                items = [i.strip() for i in re.split(f"[{_LIST_SEPARATORS}]", flow.group("items"))]
                yield Slip("W039", line, flow.start("items") + where + 1, 1,
                           f'"{flow.group("key").strip()}" is one item, "{flow.group("items")}": '
                           f'full-width "{sep}" does not separate list items',
                           f"separate items with an ASCII comma: [{', '.join(items)}]")
                return


def _key_after(text: str, indent: int) -> str:
    rest = text[indent:]
    return rest.split(":", 1)[0].strip() if ":" in rest else ""


def _closed(value: str) -> bool:
    """Whether a quoted YAML value closes on its own line ('' and \\" are escapes)."""
    quote, body = value[0], value[1:]
    if quote == "'":
        return "'" in body.replace("''", "")
    i = 0
    while i < len(body):
        if body[i] == "\\":
            i += 2
            continue
        if body[i] == '"':
            return True
        i += 1
    return False


def _asciified(value: str) -> str:
    table = str.maketrans({**_WIDE_OPEN, "”": '"', "’": "'", "】": "]", "］": "]", "｝": "}",
                           "，": ",", "、": ","})
    return value.translate(table)


def _name(ch: str) -> str:
    return "quote" if ch in "“”‘’" else "bracket" if ch in "【［｛" else \
        unicodedata.name(ch, "character").lower()

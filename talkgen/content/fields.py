"""Key tables for front matter and talkgen.yaml, and the one checker that reads them.

The tables are data so that the validator, `talkgen new` and the JSON Schemas for editors
(schemas_json.py) come from a single definition.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ..diagnostics import Diagnostic, diagnostic, did_you_mean
from ..urls import is_web_url
from .frontmatter import KeyPath, YamlDoc
from .sections import SECTION_KINDS, normalize_title

Kind = Literal["int", "str", "date", "bool", "names", "name_or_names", "mapping", "time", "url"]


@dataclass(frozen=True)
class Field:
    """One key of the front matter or of talkgen.yaml: checks, docs and JSON Schema read it."""

    name: str
    kind: Kind
    required: bool = False
    doc: str = ""
    children: tuple[Field, ...] = ()  # for kind "mapping" with fixed keys
    each: Field | None = None  # for kind "mapping" with free keys (names): every value's field


SECTION_META_FIELDS = (
    Field("contributors", "names", doc="who wrote this section"),
    Field("topics", "names", doc="topics of this section"),
)

EPISODE_FIELDS: tuple[Field, ...] = (
    Field("number", "int", True, "episode number; must match the file name (002.md ⇔ 2)"),
    Field("date", "date", True, "date of the meeting, YYYY-MM-DD"),
    Field("host", "name_or_names", True, "who hosted: a name or a list of names"),
    Field("title", "str", doc="page title; defaults to '<site title> NNN'"),
    Field("summary", "str", doc="one line about the episode"),
    Field("time", "time", doc='start time, "22:00"'),
    Field("topics", "names", doc="episode-level topics"),
    Field("contributors", "names", doc="contributors; section contributors are added"),
    Field("draft", "bool", doc="drafts are built only with --drafts"),
    Field("label", "str", doc='shown instead of the number for a special episode, e.g. "番外02"'),
    Field("video", "url", doc="the recording of the talk: an http(s) URL"),
    Field("editors", "names", doc="who edited the notes"),
    Field("chapters", "mapping", doc='times in the recording → section or heading, e.g. '
          '{"00:41:00": free_talk}', each=Field("chapter", "str", doc="a section or heading")),
    Field("sections", "mapping", doc="per-section metadata, keyed by section kind",
          children=tuple(Field(k.key, "mapping", doc=k.title, children=SECTION_META_FIELDS)
                         for k in SECTION_KINDS)),
)

MAX_NUMBER = 999_999
MAX_NAME = 200

_TYPE_WORDS = {
    "int": "an integer ≥ 0",
    "str": "a string",
    "date": "a date like 2023-06-24",
    "bool": "true or false",
    "names": "a list of names, e.g. [羡鱼, yuhan]",
    "name_or_names": "a name or a list of names",
    "mapping": "a mapping of keys to values",
    "time": 'a time like "22:00"',
    "url": "an http(s) URL, e.g. https://www.bilibili.com/video/BV1xx411c7mD",
}


class FieldChecker:
    """Checks a YamlDoc against a field table, collecting diagnostics and clean values."""

    def __init__(self, doc: YamlDoc, file: str, lines: Sequence[str]) -> None:
        self.doc, self.file, self.lines = doc, file, lines
        self.diagnostics: list[Diagnostic] = []

    def report(self, code: str, message: str, path: KeyPath, hint: str, *, key: bool = False) -> None:
        line, col = self.doc.where(path, key=key)
        width = len(str(path[-1])) if key and path else 0
        self.diagnostics.append(diagnostic(code, message, self.file, line, col, hint=hint,
                                           source=self.lines, width=width))

    def check(self, data: dict[str, Any], fields: Sequence[Field], path: KeyPath = ()) -> dict[str, Any]:
        """Return the values that passed, keyed by field name; report everything else."""
        known = {f.name: f for f in fields}
        for key in data:
            if key not in known:
                where = ".".join(map(str, (*path, key)))
                suggestion = _suggest(str(key), known, path)
                meant = suggestion.split('"')[1] if suggestion else ""
                hint = f"write {meant}: here; " if meant else ""
                self.report("E014", f'unknown key "{where}"{suggestion}', (*path, key),
                            f"{hint}known keys: {', '.join(known)}", key=True)
        clean: dict[str, Any] = {}
        for f in fields:
            if f.name not in data:
                if f.required:
                    self.report("E015", f'missing required key "{f.name}"', path,
                                f"add '{f.name}: …' ({_TYPE_WORDS[f.kind]}) to the front matter")
                continue
            if data[f.name] is None and f.kind not in ("names", "mapping"):
                if f.required:  # `host:` and nothing after it
                    self.report("E043", f'"{f.name}" has no value', (*path, f.name),
                                f"write the value after the colon, e.g. {_example(f)}", key=True)
                continue  # an optional key left empty is as if it were not there
            value = self.convert(data[f.name], f, (*path, f.name))
            if value is not None:
                clean[f.name] = value
        return clean

    def convert(self, value: Any, f: Field, path: KeyPath) -> Any:
        if f.kind == "int" and re.fullmatch(r"0\d+", self.doc.raw.get(path, "")):
            value = int(self.doc.raw[path], 10)  # YAML 1.1 reads 010 as octal 8, 008 as text
        converted = _CONVERTERS[f.kind](value)
        if converted is None:
            name = ".".join(map(str, path))
            calendar = _calendar_problem(value) if f.kind == "date" else ""
            if calendar:
                self.report("E017", f'"{name}" is not a real date: {calendar}', path,
                            "check the day and month of the meeting")
                return None
            code = "E017" if f.kind == "date" else "E016"
            self.report(code, f'"{name}" must be {_TYPE_WORDS[f.kind]}, not {_show(value)}', path,
                        _hint_for(f, value))
            return None
        if f.children and isinstance(converted, dict):
            return self.check(converted, f.children, path)
        if f.each and isinstance(converted, dict):
            return self.each(converted, f.each, path)
        return converted

    def each(self, data: dict[str, Any], f: Field, path: KeyPath) -> dict[str, Any]:
        """A mapping keyed by free names (e.g. `people:`): every value is checked against `f`."""
        clean: dict[str, Any] = {}
        for key, value in data.items():
            if _to_name(key) is None:
                self.report("E016", f'"{".".join(map(str, (*path, key)))}" must be keyed by a '
                            "non-empty name", (*path, key), "write each name as a key", key=True)
                continue
            converted = self.convert(value, f, (*path, key))
            if converted is not None:
                clean[key] = converted
        return clean


def _show(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else f'"{value}"'
    return text if len(text) <= 60 else text[:57] + "…"


def _hint_for(f: Field, value: Any = None) -> str:
    """The fix, written out with the author's own value where we can guess what was meant."""
    text = value.strip() if isinstance(value, str) else ""
    if f.kind == "date":
        parts = re.findall(r"\d+", unicodedata.normalize("NFKC", text))
        if len(parts) == 3 and len(parts[0]) == 4:
            return f"write the date as YYYY-MM-DD: {f.name}: {parts[0]}-{int(parts[1]):02d}-" \
                   f"{int(parts[2]):02d}"
        return "write the date as YYYY-MM-DD, e.g. date: 2023-06-24"
    if f.kind in ("names", "name_or_names"):
        items = [i.strip() for i in re.split(r"[,，、;；]", text.strip("[]【】［］ ")) if i.strip()]
        if len(items) > 1:
            return f"write a list in ASCII brackets with ASCII commas: {f.name}: " \
                   f"[{', '.join(items)}]"
        return f"write {f.name}: [name1, name2]; each name is non-empty text"
    if f.kind == "int" and text.isascii() and text.isdigit():
        return f"write the number without quotes: {f.name}: {int(text)}"
    if f.kind == "int" and unicodedata.normalize("NFKC", text).isdigit():
        return f"type the number with ASCII digits: {f.name}: " \
               f"{int(unicodedata.normalize('NFKC', text))}"
    return f"{f.name} should be {_TYPE_WORDS[f.kind]}"


def _example(f: Field) -> str:
    return {"date": f"{f.name}: 2023-06-24", "int": f"{f.name}: 2"}.get(f.kind, f"{f.name}: 羡鱼")


def _calendar_problem(value: Any) -> str:
    """'February 2024 has 29 days' for a date in the right form that no calendar has."""
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value.strip()) if isinstance(value, str) else None
    if not m:
        return ""
    year, month, day = map(int, m.groups())
    if not 1 <= month <= 12:
        return f"there is no month {month}"
    import calendar  # only to word an error: not imported by every build

    days = calendar.monthrange(year, month)[1]
    return f"{calendar.month_name[month]} {year} has {days} days" if day > days or day < 1 else ""


def _suggest(key: str, known: Iterable[str], path: KeyPath) -> str:
    """Did-you-mean for a key; under `sections:` section titles (新闻, Practice) count too."""
    if path != ("sections",):
        return did_you_mean(key, known)
    wanted = normalize_title(key)
    for kind in SECTION_KINDS:
        names = [normalize_title(n) for n in (kind.key, kind.title, *kind.aliases)]
        if any(wanted and (wanted in n or n in wanted) for n in names):
            return f'; did you mean "{kind.key}" (the {kind.title} section)?'
    by_name = {normalize_title(n): k.key for k in SECTION_KINDS for n in (k.title, *k.aliases)}
    import difflib  # only to word an error: not imported by every build

    close = difflib.get_close_matches(wanted, [*known, *by_name], n=1, cutoff=0.5)
    if not close:
        return ""
    kind_key = by_name.get(close[0], close[0])
    return f'; did you mean "{kind_key}"?'


def _to_int(v: Any) -> int | None:
    if isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= MAX_NUMBER:
        return v
    return None


def _to_str(v: Any) -> str | None:
    if isinstance(v, str):
        return v
    if isinstance(v, int | float) and not isinstance(v, bool):
        return str(v)
    return None


def _to_name(v: Any) -> str | None:
    text = _to_str(v)
    if text is None:
        return None
    text = " ".join(text.split())
    return text if 0 < len(text) <= MAX_NAME else None


def _to_names(v: Any) -> tuple[str, ...] | None:
    if v is None:
        return ()
    if not isinstance(v, list):
        return None
    names = [_to_name(item) for item in v]
    return None if any(n is None for n in names) else tuple(n for n in names if n)


def _to_name_or_names(v: Any) -> tuple[str, ...] | None:
    if isinstance(v, list):
        names = _to_names(v)
        return names if names else None
    name = _to_name(v)
    return (name,) if name else None


def _to_date(v: Any) -> dt.date | None:
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, str):
        try:
            return dt.date.fromisoformat(v.strip())
        except ValueError:
            return None
    return None


def _to_bool(v: Any) -> bool | None:
    return v if isinstance(v, bool) else None


def _to_time(v: Any) -> str | None:
    if isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 24 * 60:
        return f"{v // 60:02d}:{v % 60:02d}"  # YAML 1.1 reads 22:00 as sexagesimal 1320
    if isinstance(v, str) and v.strip():
        return v.strip()
    return None


def _to_url(v: Any) -> str | None:
    return v.strip() if isinstance(v, str) and is_web_url(v) else None


def _to_mapping(v: Any) -> dict[str, Any] | None:
    if v is None:
        return {}
    return v if isinstance(v, dict) else None


_CONVERTERS = {
    "int": _to_int,
    "str": _to_str,
    "date": _to_date,
    "bool": _to_bool,
    "names": _to_names,
    "name_or_names": _to_name_or_names,
    "mapping": _to_mapping,
    "time": _to_time,
    "url": _to_url,
}

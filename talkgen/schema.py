"""Key tables for front matter and talkgen.yaml, and the one checker that reads them.

The tables are data so that the validator, `talkgen new` and the JSON Schemas for editors
(schemas_json.py) come from a single definition.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from .diagnostics import Diagnostic, diagnostic, did_you_mean
from .frontmatter import Path, YamlDoc
from .structure import SECTION_KINDS
from .urls import is_web_url

Kind = Literal["int", "str", "date", "bool", "names", "name_or_names", "mapping", "time", "url"]


@dataclass(frozen=True)
class Field:
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

    def report(self, code: str, message: str, path: Path, hint: str, *, key: bool = False) -> None:
        line, col = self.doc.where(path, key=key)
        width = len(str(path[-1])) if key and path else 0
        self.diagnostics.append(diagnostic(code, message, self.file, line, col, hint=hint,
                                           source=self.lines, width=width))

    def check(self, data: dict[str, Any], fields: Sequence[Field], path: Path = ()) -> dict[str, Any]:
        """Return the values that passed, keyed by field name; report everything else."""
        known = {f.name: f for f in fields}
        for key in data:
            if key not in known:
                where = ".".join(map(str, (*path, key)))
                self.report("E014", f'unknown key "{where}"{did_you_mean(key, known)}',
                            (*path, key), f"known keys: {', '.join(known)}", key=True)
        clean: dict[str, Any] = {}
        for f in fields:
            if f.name not in data:
                if f.required:
                    self.report("E015", f'missing required key "{f.name}"', path,
                                f"add '{f.name}: …' ({_TYPE_WORDS[f.kind]}) to the front matter")
                continue
            value = self.convert(data[f.name], f, (*path, f.name))
            if value is not None:
                clean[f.name] = value
        return clean

    def convert(self, value: Any, f: Field, path: Path) -> Any:
        converted = _CONVERTERS[f.kind](value)
        if converted is None:
            code = "E017" if f.kind == "date" else "E016"
            shown = _show(value)
            self.report(code, f'"{".".join(map(str, path))}" must be {_TYPE_WORDS[f.kind]}, '
                        f"not {shown}", path, _hint_for(f))
            return None
        if f.children and isinstance(converted, dict):
            return self.check(converted, f.children, path)
        if f.each and isinstance(converted, dict):
            return self.each(converted, f.each, path)
        return converted

    def each(self, data: dict[str, Any], f: Field, path: Path) -> dict[str, Any]:
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


def _hint_for(f: Field) -> str:
    if f.kind == "date":
        return "write the date as YYYY-MM-DD, e.g. date: 2023-06-24"
    if f.kind in ("names", "name_or_names"):
        return f"write {f.name}: [name1, name2]; each name is non-empty text"
    return f"{f.name} should be {_TYPE_WORDS[f.kind]}"


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

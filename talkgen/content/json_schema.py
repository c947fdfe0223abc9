"""JSON Schemas for editors, generated from the key tables the validator itself reads.

Editors (VS Code's YAML extension, anything built on yaml-language-server) read YAML 1.2,
where `2023-06-24` and `22:00` are strings; the schemas accept what `talkgen check`
accepts when the front matter is read that way.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from .config import CONFIG_FIELDS
from .fields import EPISODE_FIELDS, MAX_NAME, MAX_NUMBER, Field

DIALECT = "http://json-schema.org/draft-07/schema#"  # the one every YAML editor supports
FILES = {"episode": "episode.schema.json", "config": "talkgen.schema.json"}
SITE_SCHEMAS = "schemas"  # where `talkgen init` writes them in a site

_NAME: dict[str, Any] = {"type": ["string", "number"], "minLength": 1, "maxLength": MAX_NAME,
                         "pattern": r"\S"}
_KINDS: dict[str, dict[str, Any]] = {
    "int": {"type": "integer", "minimum": 0, "maximum": MAX_NUMBER},
    "str": {"type": ["string", "number"]},
    "date": {"type": "string",
             "pattern": r"^\s*\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])([Tt ].*)?\s*$"},
    "bool": {"type": "boolean"},
    "names": {"type": ["array", "null"], "items": _NAME},
    "name_or_names": {"anyOf": [_NAME, {"type": "array", "items": _NAME, "minItems": 1}]},
    "time": {"anyOf": [{"type": "string", "pattern": r"\S"},
                       {"type": "integer", "minimum": 0, "maximum": 24 * 60 - 1}]},
    "mapping": {"type": ["object", "null"]},
    "url": {"type": "string", "pattern": r"^\s*[Hh][Tt][Tt][Pp][Ss]?://[^/\s]"},
}


def field_schema(f: Field) -> dict[str, Any]:
    """The schema of one key, with its doc line as the description editors show on hover."""
    schema: dict[str, Any] = {"description": f.doc} if f.doc else {}
    schema |= json.loads(json.dumps(_KINDS[f.kind]))  # a copy: callers may extend it
    if f.children:
        schema |= _properties(f.children)
    if f.each:
        schema["propertyNames"] = {"minLength": 1, "pattern": r"\S"}
        schema["additionalProperties"] = field_schema(f.each)
    return schema


def _properties(fields: tuple[Field, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {"properties": {f.name: field_schema(f) for f in fields},
                           "additionalProperties": False}
    required = [f.name for f in fields if f.required]
    if required:
        out["required"] = required
    return out


def episode_schema() -> dict[str, Any]:
    return {"$schema": DIALECT, "title": "talkgen episode front matter", "type": "object",
            **_properties(EPISODE_FIELDS)}


def config_schema() -> dict[str, Any]:
    return {"$schema": DIALECT, "title": "talkgen.yaml", "type": ["object", "null"],
            **_properties(CONFIG_FIELDS)}


_BUILDERS = {"episode": episode_schema, "config": config_schema}


def schema_text(name: str) -> str:
    """The schema as written to disk: stable key order, UTF-8, final newline."""
    return json.dumps(_BUILDERS[name](), ensure_ascii=False, indent=2) + "\n"


def shipped_schema(name: str) -> str:
    """The copy shipped in the package (talkgen/data/); a test keeps it equal to schema_text."""
    return (resources.files("talkgen") / "data" / FILES[name]).read_text(encoding="utf-8")

"""The converted parts → the text of an episode file (front matter, then the sections)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import yaml

from ..content.sections import SectionTable
from .document import WIDE_SCRIPT
from .meta import Meta


@dataclass
class Part:
    """A stretch of the output: its heading line ("" for the intro) and its blocks of lines."""

    heading: str
    blocks: list[list[str]] = field(default_factory=list)


def body_text(parts: list[Part]) -> str:
    return "\n\n".join(
        "\n\n".join(([p.heading] if p.heading else []) + ["\n".join(b) for b in p.blocks])
        for p in parts if p.heading or p.blocks)


def front_matter(meta: Meta, number: int, host: Sequence[str], date: str, site_title: str,
                 table: SectionTable) -> list[str]:
    out = ["---", f"number: {number}", f"date: {date}"]
    if meta.date is not None and meta.date.time:
        out.append(f'time: "{meta.date.time}"')
    out.append(f"host: {scalar(host[0]) if len(host) == 1 else flow(host)}")
    if meta.label:
        out.append(f"label: {scalar(meta.label)}")
    base = meta.title or f"{site_title} {number:03d}"
    out.append(f"title: {quoted(title(base, meta.topics))}")
    if meta.summary:
        out.append(f"summary: {quoted(meta.summary)}")
    if meta.topics:
        out += ["topics:", *(f"  - {scalar(t)}" for t in meta.topics)]
    if meta.contributors:
        out.append(f"contributors: {flow(meta.contributors)}")
    if meta.editors:
        out.append(f"editors: {flow(meta.editors)}")
    if meta.video:
        out.append(f"video: {quoted(meta.video)}")
    described = [k.key for k in table.kinds if meta.sections.get(k.key)]
    if described:
        out.append("sections:")
    for key in described:
        values = meta.sections[key]
        fields = ", ".join(f"{name}: {flow(values[name])}"
                           for name in ("contributors", "topics") if values.get(name))
        out.append(f"  {key}: {{{fields}}}")
    return [*out, "---"]


def title(base: str, topics: list[str]) -> str:
    """`OpenLLM Talk 001` + the first three topics: the index page then says what it was about."""
    if not topics or len(base) > 40:
        return base
    wide = bool(WIDE_SCRIPT.search(base + "".join(topics[:3])))
    return base + ("：" if wide else ": ") + ("；" if wide else "; ").join(topics[:3])


_PLAIN = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`][^:#,\[\]{}]*")


def scalar(text: str) -> str:
    """A YAML scalar: plain when it reads back unchanged (also inside [ ]), else double-quoted."""
    if _PLAIN.fullmatch(text) and text == text.strip() and yaml.safe_load(text) == text:
        return text
    return quoted(text)


def quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def flow(values: Sequence[str]) -> str:
    return "[" + ", ".join(scalar(v) for v in values) + "]"

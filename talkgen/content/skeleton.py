"""The text of a new episode, generated from the section table: what `talkgen new` and
`talkgen init` write, and what `talkgen import` recognises as an untouched placeholder."""

from __future__ import annotations

import datetime as dt

from .json_schema import FILES, SITE_SCHEMAS
from .sections import SectionTable


def episode_text(number: int, date: dt.date, host: str, title: str | None,
                 table: SectionTable) -> str:
    """Front matter, guidance as YAML comments (so sections stay empty), and every heading.

    The first YAML line names the schema, so yaml-language-server editors check as you type.
    """
    lines = ["---", f"# yaml-language-server: $schema=../{SITE_SCHEMAS}/{FILES['episode']}",
             f"number: {number}", f"date: {date.isoformat()}", f"host: {_quote(host)}"]
    if title:
        lines.append(f"title: {_quote(title)}")
    lines += [
        "summary: ''",
        "topics: []",
        "# sections: per-section contributors and topics, for example",
        "#   news: {contributors: [name], topics: [RLHF]}",
        "# What goes where:",
        *(f"#   {k.title}{'' if k.required else '（可选）'}: {k.guidance}" for k in table.kinds),
        "---",
        "",
    ]
    for kind in table.kinds:
        lines += [f"## {kind.title}", ""]
    return "\n".join(lines)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

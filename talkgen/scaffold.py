"""`talkgen new`: a fresh episode file generated from the section table."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .config import SiteConfig
from .loader import EPISODE_NAME, episode_files
from .schema import MAX_NUMBER
from .schemas_json import FILES, SITE_SCHEMAS
from .structure import SectionTable


@dataclass(frozen=True)
class Scaffolded:
    path: Path | None
    message: str


def next_number(config: SiteConfig) -> int:
    files, _ = episode_files(config)
    numbers = [int(m.group(1)) for p in files if (m := EPISODE_NAME.match(p.name))]
    return max(numbers) + 1 if numbers else 1


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


def new_episode(config: SiteConfig, number: int | None = None, date: dt.date | None = None,
                host: str | None = None, title: str | None = None,
                today: dt.date | None = None) -> Scaffolded:
    """Create episodes/NNN.md; never overwrites (exclusive create, so a race cannot either)."""
    number = next_number(config) if number is None else number
    if number > MAX_NUMBER:
        return Scaffolded(None, f"episode numbers end at {MAX_NUMBER}; nothing was written "
                          "(give a free number: talkgen new NUMBER)")
    path = config.episodes_dir / f"{number:03d}.md"
    if path.exists():
        return Scaffolded(None, f"{_rel(path, config)} already exists; nothing was written")
    text = episode_text(number, date or today or dt.date.today(), host or "TBD", title,
                        config.sections)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as f:
            f.write(text)
    except FileExistsError:
        return Scaffolded(None, f"{_rel(path, config)} already exists; nothing was written")
    return Scaffolded(path, f"created {_rel(path, config)}")


def _rel(path: Path, config: SiteConfig) -> str:
    try:
        return path.relative_to(config.root).as_posix()
    except ValueError:
        return str(path)

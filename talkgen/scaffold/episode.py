"""`talkgen new`: a fresh episode file generated from the section table."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..content.config import SiteConfig
from ..content.episode import EPISODE_NAME, episode_files
from ..content.fields import MAX_NUMBER
from ..content.skeleton import episode_text


@dataclass(frozen=True)
class Scaffolded:
    path: Path | None
    message: str


def next_number(config: SiteConfig) -> int:
    files, _ = episode_files(config)
    numbers = [int(m.group(1)) for p in files if (m := EPISODE_NAME.match(p.name))]
    return max(numbers) + 1 if numbers else 1


def new_episode(config: SiteConfig, number: int | None = None, date: dt.date | None = None,
                host: str | None = None, title: str | None = None,
                today: dt.date | None = None) -> Scaffolded:
    """Create episodes/NNN.md; never overwrites (exclusive create, so a race cannot either)."""
    number = next_number(config) if number is None else number
    if number > MAX_NUMBER:
        return Scaffolded(None, f"episode numbers end at {MAX_NUMBER}; nothing was written "
                          "(give a free number: talkgen new NUMBER)")
    path = config.episodes_dir / f"{number:03d}.md"
    if not config.episodes_dir.resolve().is_relative_to(config.root.resolve()):
        return Scaffolded(None, "episodes/ links outside the site; nothing was written "
                          "(make episodes/ a real folder)")
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

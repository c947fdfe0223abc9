"""Writing imported episodes: exclusive create, images beside the episode, and the one file
that may be replaced: the untouched placeholder episode of `talkgen init`.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..content.config import SiteConfig
from ..content.skeleton import episode_text

IMAGE_FOLDER = "images"  # episodes/images/NNN/NAME, linked as images/NNN/NAME
_DATE = re.compile(r"^date: (\d{4})-(\d{2})-(\d{2})$", re.MULTILINE)


def is_placeholder(path: Path, config: SiteConfig) -> bool:
    """True for the episode `talkgen init` wrote, unchanged (recognised by its content)."""
    import datetime as dt

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    m = _DATE.search(text)
    if m is None or not path.name[:-3].isdigit():
        return False
    try:
        date = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return False
    number = int(path.name[:-3])
    return text == episode_text(number, date, "TBD", None, config.sections)


def write_episode(config: SiteConfig, number: int, text: str, images: dict[str, bytes],
                  replace_placeholder: bool) -> Path:
    """Write one episode (FileExistsError when a file appeared since the check)."""
    config.episodes_dir.mkdir(parents=True, exist_ok=True)
    path = config.episodes_dir / f"{number:03d}.md"
    if replace_placeholder and is_placeholder(path, config):
        path.unlink()
    with path.open("x", encoding="utf-8", newline="\n") as f:
        f.write(text)
    if images:
        folder = config.episodes_dir / IMAGE_FOLDER / f"{number:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in images.items():
            (folder / name).write_bytes(data)
    return path

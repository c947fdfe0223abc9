"""`chapters:` in front matter: a time in the recording → the section or heading it starts.

YAML 1.1 reads an unquoted `5:30` as the sexagesimal integer 330, which is exactly its
seconds (and `1:02:03` is 3723), so an integer key is taken as seconds.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..model import identity

_CLOCK = re.compile(r"^(?:(\d{1,2}):)?(\d{1,3}):([0-5]\d)$")
MAX_SECONDS = 48 * 3600


@dataclass(frozen=True)
class Chapter:
    """A time in the recording and the section or heading it starts."""

    seconds: int
    title: str  # the section or heading as written
    anchor: str


def seconds(key: Any) -> int | None:
    """`"1:02:03"`, `"05:30"`, `"90"` or the integer YAML made of an unquoted time → seconds."""
    text = str(key).strip()
    if text.isdigit():
        value = int(text)
    elif (match := _CLOCK.match(text)) is not None:
        hours, minutes, secs = (int(g or 0) for g in match.groups())
        value = hours * 3600 + minutes * 60 + secs
    else:
        return None
    return value if value <= MAX_SECONDS else None


def resolve(raw: Mapping[Any, str], targets: Mapping[str, tuple[str, str]]
            ) -> tuple[tuple[Chapter, ...], list[tuple[Any, str]]]:
    """Chapters in time order, and (key, problem) for each entry that cannot be one.

    `targets` maps the identity of a section kind, section title, heading text or anchor to
    (title, anchor).
    """
    chapters, problems = [], []
    for key, target in raw.items():
        at = seconds(key)
        if at is None:
            problems.append((key, f'chapter time "{key}" is not a time like "00:41:00"'))
            continue
        found = targets.get(identity(target))
        if found is None:
            problems.append((key, f'chapter "{target}" is not a section or heading of this '
                                  "episode"))
            continue
        chapters.append(Chapter(at, *found))
    return tuple(sorted(chapters, key=lambda c: c.seconds)), problems

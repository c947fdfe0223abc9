"""The UI message catalogue: one JSON file per language in data/messages/, picked by `language`.

Adding a language is adding one file with the same keys as en.json.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

FALLBACK = "en"


def available() -> list[str]:
    """Language tags that have a catalogue, e.g. ["en", "zh-CN"]."""
    folder = resources.files("talkgen").joinpath("data", "messages")
    return sorted(p.name.removesuffix(".json") for p in folder.iterdir()
                  if p.name.endswith(".json"))


def catalogue_for(language: str) -> str:
    """The catalogue a site's `language` uses: exact tag, then same primary language, else en."""
    tags = available()
    wanted = language.strip().lower()
    for tag in tags:
        if tag.lower() == wanted:
            return tag
    primary = wanted.split("-")[0]
    for tag in tags:
        if tag.lower().split("-")[0] == primary:
            return tag
    return FALLBACK


@functools.cache
def _load(tag: str) -> dict[str, str]:
    path = resources.files("talkgen").joinpath("data", "messages", f"{tag}.json")
    data: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    return data


class Messages:
    """Looks up a key and fills its {placeholders}; a missing key is a bug, so it raises."""

    def __init__(self, language: str) -> None:
        self.tag = catalogue_for(language)
        self.table = _load(self.tag)

    def __call__(self, key: str, **values: Any) -> str:
        text = self.table[key]
        return text.format(**values) if values else text

    def script_table(self) -> dict[str, str]:
        """The messages the theme's scripts use, embedded in each page as JSON."""
        keys = ("search_unavailable", "search_none", "search_found", "link_copied",
                "copy_code", "code_copied", "toc_current", "overlay_title", "overlay_close")
        return {k: self.table[k] for k in keys}

"""Pictures and other files next to the episodes, as page resources.

`talkgen import` saves pictures under episodes/images/NNN/ and the Markdown names them
relatively (`![](images/001/a.jpg)`), which works on GitHub. On the site the page is
episodes/001/index.html, so the reader rewrites each relative target to the URL of the copy
static_list.py publishes; a picture that is not there is W074, checked once every file is
known (not when the episode is read, so the build cache never keeps a stale warning).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import unquote

from ..diagnostics import Diagnostic, diagnostic
from ..model import Episode

_NOT_RELATIVE = re.compile(r"^\s*(?:[A-Za-z][A-Za-z0-9+.-]*:|//|/|#|\?)")


def output_path(target: str) -> tuple[str, str] | None:
    """A relative target written in an episode → (site-relative path, "?query#fragment"), or
    None for what stays as written: absolute URLs, anchors, episode files (NNN.md, which
    link_checks.py links to pages) and paths leaving the site."""
    if not target or _NOT_RELATIVE.match(target):
        return None
    cut = min((i for i in (target.find("?"), target.find("#")) if i >= 0), default=len(target))
    path, rest = unquote(target[:cut]), target[cut:]
    if not path or path.lower().endswith(".md"):
        return None
    joined = posixpath.normpath(posixpath.join("episodes", path))
    if joined == ".." or joined.startswith("../"):
        return None
    return joined + ("/" if path.endswith("/") else ""), rest


def missing(episodes: Sequence[Episode], root: Path) -> list[Diagnostic]:
    """W074 for each relative picture whose file is not in the site folder."""
    out = []
    for episode in episodes:
        for asset in episode.assets:
            if not (root / asset.path).is_file():
                out.append(diagnostic(
                    "W074", f'picture "{asset.written}" not found: there is no {asset.path}',
                    episode.source, asset.line, asset.column, width=asset.width,
                    hint=f"put the file at {asset.path}, or correct the path (it is relative "
                    "to the episode's file)"))
    return out

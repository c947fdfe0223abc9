"""Which folder a build may replace whole.

The site folder (talkgen.yaml, a committed `_site` symlink) arrives by pull request, so the
output must stay inside it unless the maintainer names an absolute path on the command line,
and must never be or hold the repository, the sources or the cache. A folder that is not
empty is replaced only if talkgen's marker file says talkgen wrote it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

MARKER = ".talkgen-output"
MARKER_TEXT = b"Written by talkgen build: this folder is replaced whole on every build.\n"
SOURCES = ("episodes", "templates", "static", ".talkgen-cache", ".git")


def output_problem(out: Path, root: Path) -> str | None:
    """Why a build must not replace `out`, or None when it may.

    What the folder holds can change while another build swaps it, so a build asks this
    again once it holds the output's lock; `place_problem` is the part safe to ask before.
    """
    reason = place_problem(out, root)
    resolved = Path(os.path.abspath(out)).resolve()
    if reason is None and resolved.exists():
        reason = _not_ours(resolved)
    return reason


def place_problem(out: Path, root: Path) -> str | None:
    """Why no build may ever write at `out` (a symlink, the site, its sources, a repository),
    whatever the folder holds; asked before anything, even the lock's folder, is created."""
    root = root.resolve()
    lexical = Path(os.path.abspath(out))
    if lexical.is_relative_to(root):
        link = _first_symlink(root, lexical)
        if link is not None:
            shown = link.relative_to(root).as_posix()
            return f'"{shown}" is a symlink; the output folder must be a real folder in the site'
    elif lexical.is_symlink():
        return f"{lexical} is a symlink; give the real folder instead"
    return _protected(lexical.resolve(), root)


def _first_symlink(root: Path, path: Path) -> Path | None:
    current = root
    for part in path.relative_to(root).parts:
        current = current / part
        if current.is_symlink():
            return current
    return None


def _protected(out: Path, root: Path) -> str | None:
    named = {root: "the site root", Path.home().resolve(): "your home folder",
             Path(out.anchor): "the file system root"}
    if out in named:
        return f"the output folder is {named[out]}"
    if out in root.parents:
        return "the output folder contains the site"
    if out.is_relative_to(root):
        inside = out.relative_to(root).parts
        if inside[0] in SOURCES or ".git" in inside:
            return f'the output folder is inside "{inside[0]}", which talkgen must not replace'
    if os.path.lexists(out / ".git"):
        return 'the output folder holds ".git", which talkgen must not replace'
    return None


def _not_ours(out: Path) -> str | None:
    if not out.is_dir():
        return "the output folder is a file"
    if not any(out.iterdir()):
        return None
    try:
        marked = stat.S_ISREG(os.lstat(out / MARKER).st_mode)
    except OSError:
        marked = False
    if not marked:
        return (f"the output folder {out.name}/ is not empty and has no {MARKER} file, "
                "so talkgen did not write it")
    for folder, _, _ in os.walk(out):
        if not os.access(folder, os.W_OK | os.X_OK):
            return f"the output folder cannot be replaced: {folder} is read-only"
    return None

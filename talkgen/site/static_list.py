"""The one list of static files, for the build and the preview alike.

A file of the site's static/ is published only if its real path stays inside the site folder
(a theme file: inside the theme), so a committed symlink `static/leak.txt → /etc/passwd` is
refused (W034) by both, instead of being copied by one and refused by the other.

Files next to the episodes (episodes/images/001/a.jpg, saved there by `talkgen import`) are
page resources: published under the same path below episodes/, by the same rules. Markdown
there is never copied (a draft's source must not be published), nor are hidden folders.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..diagnostics import Diagnostic, diagnostic
from .theme import theme_root


def static_files(root: Path) -> tuple[dict[str, Path], list[Diagnostic]]:
    """Output path → source file (the site's file replaces the theme's), and what was refused."""
    root = root.resolve()
    found: dict[str, Path] = {}
    refused: list[Diagnostic] = []
    theme = theme_root().resolve()
    for folder, boundary in ((theme / "static", theme), (root / "static", root)):
        if os.path.lexists(folder):
            _walk(folder, boundary, root, found, refused)
    episodes = root / "episodes"  # config.episodes_dir
    if _inside(episodes, root) and episodes.is_dir():  # else the loader reports it (W034)
        _walk(episodes, root, root, found, refused, "episodes/")
    return found, refused


def _walk(folder: Path, boundary: Path, root: Path, found: dict[str, Path],
          refused: list[Diagnostic], prefix: str = "static/") -> None:
    assets = prefix != "static/"
    if not _inside(folder, boundary):
        refused.append(_refused(folder, root, "it links outside the site"))
        return
    seen = {folder.resolve()}
    for here, dirs, files in os.walk(folder, followlinks=True):
        current = Path(here)
        for name in sorted(dirs):
            path = current / name
            real = path.resolve()
            if assets and name.startswith("."):
                dirs.remove(name)
            elif not _inside(path, boundary):
                refused.append(_refused(path, root, "it links outside the site", assets))
                dirs.remove(name)
            elif real in seen:
                dirs.remove(name)  # a loop, or a second way to the same folder
            else:
                seen.add(real)
        dirs.sort()
        for name in sorted(files):
            path = current / name
            if name.startswith(".") or (assets and name.lower().endswith(".md")):
                continue
            if not _inside(path, boundary):
                refused.append(_refused(path, root, "it links outside the site", assets))
            elif not _regular(path):
                refused.append(_refused(path, root, "it is not a regular file", assets))
            else:
                found[prefix + path.relative_to(folder).as_posix()] = path


def _inside(path: Path, boundary: Path) -> bool:
    try:
        return path.resolve().is_relative_to(boundary)
    except (OSError, RuntimeError):  # a symlink loop
        return False


def _regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:  # a dangling symlink
        return False


def _refused(path: Path, root: Path, why: str, asset: bool = False) -> Diagnostic:
    shown = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()
    where = "next to the episodes" if asset else "into static/"
    return diagnostic("W034", f'skipped "{shown}": {why}', shown,
                      hint=f"copy the file {where} instead of linking to it")

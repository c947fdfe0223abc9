"""The one list of static files, for the build and the preview alike.

A file of the site's static/ is published only if its real path stays inside the site folder
(a theme file: inside the theme), so a committed symlink `static/leak.txt → /etc/passwd` is
refused (W034) by both, instead of being copied by one and refused by the other.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .diagnostics import Diagnostic, diagnostic
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
    return found, refused


def _walk(folder: Path, boundary: Path, root: Path, found: dict[str, Path],
          refused: list[Diagnostic]) -> None:
    if not _inside(folder, boundary):
        refused.append(_refused(folder, root, "it links outside the site"))
        return
    seen = {folder.resolve()}
    for here, dirs, files in os.walk(folder, followlinks=True):
        current = Path(here)
        for name in sorted(dirs):
            path = current / name
            real = path.resolve()
            if not _inside(path, boundary):
                refused.append(_refused(path, root, "it links outside the site"))
                dirs.remove(name)
            elif real in seen:
                dirs.remove(name)  # a loop, or a second way to the same folder
            else:
                seen.add(real)
        dirs.sort()
        for name in sorted(files):
            path = current / name
            if name.startswith("."):
                continue
            if not _inside(path, boundary):
                refused.append(_refused(path, root, "it links outside the site"))
            elif not _regular(path):
                refused.append(_refused(path, root, "it is not a regular file"))
            else:
                found["static/" + path.relative_to(folder).as_posix()] = path


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


def _refused(path: Path, root: Path, why: str) -> Diagnostic:
    shown = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()
    return diagnostic("W034", f'skipped "{shown}": {why}', shown,
                      hint="copy the file into static/ instead of linking to it")

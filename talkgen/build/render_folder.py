"""The folder beside the output where the workers write the pages they render.

The folder is flat (one file per page, named by a hash of its path): creating and removing a
folder per page costs more than rendering some pages on a slow file system, and the pages
are moved into the staging folder's tree one by one anyway.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path


def render_folder(out: Path) -> Path:
    """A new folder beside the output for the workers' pages (not named like write_site's
    own folders, which it clears); one left by a killed build is removed first."""
    for stale in out.parent.glob(f".{out.name}-render-*"):
        pid = stale.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)
    folder = out.parent / f".{out.name}-render-{os.getpid()}"
    if folder.is_symlink():
        folder.unlink()
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def flat_name(path: str) -> str:
    """The page's file name in the render folder: one level, short whatever the path."""
    return hashlib.sha256(path.encode("utf-8")).hexdigest()[:32] + ".html"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True

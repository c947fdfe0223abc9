"""The folder beside the output where the workers write the pages they render."""

from __future__ import annotations

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


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True

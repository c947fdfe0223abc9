"""A build that cannot write says which file and what to do, and publishes nothing."""

from __future__ import annotations

import errno
import os
from pathlib import Path

from ..content.config import SiteConfig
from ..diagnostics import diagnostic
from .result import BuildResult

_WRITE_HINTS = {
    errno.ENOSPC: "free some disk space, then build again; the old output was not changed",
    errno.EDQUOT: "free some disk space, then build again; the old output was not changed",
    errno.EROFS: "the folder is read-only: build into a writable folder with --out",
    errno.EACCES: "make the file or folder readable and writable for you, or use --out",
    errno.EPERM: "make the file or folder readable and writable for you, or use --out",
}


def cannot_write(result: BuildResult, err: OSError, config: SiteConfig) -> BuildResult:
    """A failed write is a diagnostic naming the file, not a traceback; nothing was published."""
    full = err.errno in (errno.ENOSPC, errno.EDQUOT)  # about the disk, not one file
    where = shown(Path(err.filename), config.root) if err.filename and not full else \
        shown(config.output, config.root)
    result.site = None
    result.check.diagnostics.append(diagnostic(
        "E080", f"cannot write the site: {err.strerror or err}", where,
        hint=_WRITE_HINTS.get(err.errno or 0, "fix the problem, then build again; "
                              "the old output was not changed")))
    return result


def shown(path: Path, root: Path) -> str:
    """A path as the user would write it: relative to the site when it is inside."""
    try:
        return Path(os.path.abspath(path)).relative_to(root).as_posix()
    except ValueError:
        return str(path)

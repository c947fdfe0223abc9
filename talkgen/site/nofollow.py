"""File operations that never follow a symlink: the site folder is untrusted input, and a
committed symlink must not make talkgen read or overwrite a file elsewhere."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_BINARY = getattr(os, "O_BINARY", 0)


def is_real_dir(path: Path) -> bool:
    """A directory that is not a symlink (lstat)."""
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def read_regular(path: Path, limit: int) -> bytes | None:
    """The bytes of a regular file that is not a symlink and at most `limit` bytes, else None."""
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _BINARY)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(f.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        data = f.read(limit + 1)
    return data if len(data) <= limit else None


def create_new(path: Path, data: bytes | Iterable[bytes], mode: int = 0o644) -> None:
    """Write a file that did not exist: O_EXCL never opens an existing file or a symlink.

    `data` may come in chunks, so a large file is never held whole in memory."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _BINARY, mode)
    try:
        with os.fdopen(fd, "wb") as f:
            for chunk in (data,) if isinstance(data, bytes) else data:
                f.write(chunk)
            f.flush()
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def replace_file(path: Path, data: bytes | Iterable[bytes], mode: int = 0o644) -> None:
    """Write a fresh file next to `path` and rename it over `path`: readers see the old
    bytes or the new ones, and a symlink at `path` is replaced, never written through."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    create_new(temporary, data, mode)
    try:
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise

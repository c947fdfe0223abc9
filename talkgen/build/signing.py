"""The per-user key that signs the build cache, kept outside the site folder.

The cache holds data only (codec.py), so the key is not what keeps code from running; it keeps
a `.talkgen-cache/` that arrives in a pull request from putting forged pages into the site.
A key is used only if it is exactly KEY_BYTES long, a regular file owned by this user and
readable by nobody else; anything else is replaced, or the cache is not used at all.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from ..site.nofollow import create_new, read_regular

KEY_BYTES = 32


def key_path() -> Path:
    home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return home / "talkgen" / "cache-key"


def signing_key(path: Path | None = None) -> bytes | None:
    """This user's key, created once (whole, mode 0600); None when there is no safe one."""
    path = path or key_path()
    key = _valid(path)
    if key is not None:
        return key
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        _publish(path)
    except OSError:
        return None
    return _valid(path)  # ours, or the one a concurrent first run published before us


def _valid(path: Path) -> bytes | None:
    try:
        info = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode) or info.st_mode & 0o077 \
            or (hasattr(os, "getuid") and info.st_uid != os.getuid()):
        return None
    key = read_regular(path, KEY_BYTES)
    return key if key is not None and len(key) == KEY_BYTES else None


def _publish(path: Path) -> None:
    """Write the key to a private file, then give it its name in one step: nobody ever reads
    a half-written or empty key. A bad key file (empty, shared, foreign) is replaced."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    create_new(temporary, secrets.token_bytes(KEY_BYTES), mode=0o600)
    try:
        try:
            os.link(temporary, path)
        except FileExistsError:
            if _valid(path) is None:
                os.replace(temporary, path)
        except OSError:  # a file system without hard links
            os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)

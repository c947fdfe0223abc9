"""Compiled templates kept in memory across Jinja environments and between runs in the user's
cache folder, because compiling the theme is a third of a one-episode build (and the preview
makes a new environment for each edit).

Compiled templates are code, so they never live in the site folder (it arrives by pull
request): the folder is `$XDG_CACHE_HOME/talkgen` (else `~/.cache/talkgen`), used only when it
belongs to this user and nobody else may write to it, as for Python's own `__pycache__`. An
entry is taken only for the same template source (its checksum is in the entry), the same
Jinja, Python and environment options; anything else is compiled afresh and the entry
replaced. A cache folder that cannot be made or written is no cache, never an error.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import stat
import sys
import threading
from pathlib import Path
from types import CodeType

import jinja2
from jinja2.bccache import Bucket

from .nofollow import replace_file

_HEADER = b"talkgen compiled template 1\n"


class CompiledTemplates(jinja2.BytecodeCache):
    """Jinja's bytecode cache hook: entry → (source checksum, code) in memory (thread-safe), in
    front of one file per entry in `folder` (None: memory only)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._codes: dict[str, tuple[str, CodeType]] = {}
        self._lock = threading.Lock()

    def _entry(self, bucket: Bucket) -> str:
        """The entry's file name: the template and everything its compiled code depends on."""
        env = bucket.environment
        identity = repr((jinja2.__version__, sys.implementation.cache_tag, type(env).__name__,
                         env.autoescape, env.trim_blocks, env.lstrip_blocks,
                         env.keep_trailing_newline, env.undefined.__name__,
                         sorted(env.filters), sorted(env.tests), bucket.key))
        return f"{hashlib.sha256(identity.encode()).hexdigest()}.jinja"

    def load_bytecode(self, bucket: Bucket) -> None:
        name = self._entry(bucket)
        with self._lock:
            known = self._codes.get(name)
        if known is not None and known[0] == bucket.checksum:
            bucket.code = known[1]
            return
        if self.folder is None:
            return
        try:
            fd = os.open(self.folder / name, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            with os.fdopen(fd, "rb") as f:
                data = f.read()
        except OSError:
            return
        head = _HEADER + bucket.checksum.encode() + b"\n"
        if data.startswith(head):
            try:
                bucket.code = marshal.loads(data[len(head):])
            except (EOFError, ValueError, TypeError):
                bucket.reset()
                return
            with self._lock:
                self._codes[name] = (bucket.checksum, bucket.code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        if bucket.code is None:
            return
        name = self._entry(bucket)
        with self._lock:
            self._codes[name] = (bucket.checksum, bucket.code)
        if self.folder is None:
            return
        data = _HEADER + bucket.checksum.encode() + b"\n" + marshal.dumps(bucket.code)
        # Another process writing the same entry, or a full disk: the next run compiles again.
        with contextlib.suppress(OSError):
            replace_file(self.folder / name, data, mode=0o600)


def user_cache() -> CompiledTemplates:
    """A cache backed by the user's cache folder, or by memory only when that folder is not
    safely ours."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = Path(base, "talkgen", "templates")
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.lstat()
    except OSError:
        return CompiledTemplates(None)
    ours = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    if not stat.S_ISDIR(info.st_mode) or not ours or info.st_mode & 0o022:
        return CompiledTemplates(None)
    return CompiledTemplates(folder)

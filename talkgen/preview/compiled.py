"""Compiled templates kept in memory across the preview's renderers.

Each edit gets a new Renderer, and with it a new Jinja environment whose first page would
compile every template again (about 130 ms at the theme's size). Jinja's bytecode cache is the
supported way to share the compiled code: it is looked up by template file and checked
against the template's source, so an edited template is compiled again and nothing stale runs.
"""

from __future__ import annotations

import threading
from types import CodeType

from jinja2.bccache import Bucket, BytecodeCache


class CompiledTemplates(BytecodeCache):
    """Template key → (source checksum, code), in this process only; thread-safe."""

    def __init__(self) -> None:
        self._codes: dict[str, tuple[str, CodeType]] = {}
        self._lock = threading.Lock()

    def load_bytecode(self, bucket: Bucket) -> None:
        with self._lock:
            known = self._codes.get(bucket.key)
        if known is not None and known[0] == bucket.checksum:
            bucket.code = known[1]

    def dump_bytecode(self, bucket: Bucket) -> None:
        if bucket.code is not None:
            with self._lock:
                self._codes[bucket.key] = (bucket.checksum, bucket.code)

    def clear(self) -> None:
        with self._lock:
            self._codes.clear()

"""Watch folders with watchdog and hand over changed paths in debounced batches.

Events only record a path and the time; one consumer waits until the folders have been quiet
for a moment, so an editor's save in several steps (temp file, rename, chmod) is one batch.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

# Writes, not reads: inotify also reports opens, and reading a file must not trigger a rebuild.
_EVENTS = {"created", "deleted", "modified", "moved", "closed"}
_SCRATCH_SUFFIXES = {".swp", ".swo", ".swx", ".tmp", ".bak", ".orig", ".part", ".crdownload"}


def is_scratch(name: str) -> bool:
    """Editor swap, backup and lock files, and hidden files: never part of a site."""
    return (name.startswith((".", "#")) or name.endswith("~") or name == "4913"
            or Path(name).suffix.lower() in _SCRATCH_SUFFIXES)


class Watcher(FileSystemEventHandler):
    def __init__(self, folders: Iterable[tuple[Path, bool]], *, quiet: float = 0.05,
                 longest: float = 1.0) -> None:
        self.quiet, self.longest = quiet, longest
        self._pending: set[Path] = set()
        self._first = self._last = 0.0
        self._cond = threading.Condition()
        self._observer = Observer()
        for folder, recursive in folders:
            self._observer.schedule(self, str(folder), recursive=recursive)

    def start(self) -> None:
        self._observer.daemon = True
        self._observer.start()

    def stop(self) -> None:
        self._observer.stop()
        with self._cond:
            self._cond.notify_all()
        self._observer.join(timeout=5)

    @property
    def busy(self) -> bool:
        """Whether changes are waiting: a long job in progress should make way."""
        with self._cond:
            return bool(self._pending)

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in _EVENTS or (event.is_directory and event.event_type == "modified"):
            return
        paths = [event.src_path, getattr(event, "dest_path", "")]
        found = {Path(_text(p)) for p in paths if p and not is_scratch(Path(_text(p)).name)}
        if not found:
            return
        with self._cond:
            now = time.monotonic()
            if not self._pending:
                self._first = now
            self._pending |= found
            self._last = now
            self._cond.notify_all()

    def next_batch(self, stopping: threading.Event) -> set[Path]:
        """Wait for changes, then until `quiet` seconds pass without one (at most `longest`)."""
        with self._cond:
            while not self._pending and not stopping.is_set():
                self._cond.wait(0.5)
            while not stopping.is_set():
                now = time.monotonic()
                wait = min(self._last + self.quiet, self._first + self.longest) - now
                if wait <= 0:
                    break
                self._cond.wait(wait)
            batch, self._pending = self._pending, set()
            return batch


def _text(path: str | bytes) -> str:
    return path.decode() if isinstance(path, bytes) else path

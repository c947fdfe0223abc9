"""Watch folders with watchdog and hand over changed paths in debounced batches.

Events only record a path and the time; one consumer waits until the folders have been quiet
for a moment, so an editor's save in several steps (temp file, rename, chmod) is one batch.
How long a moment depends on what the last events said: once every file written has been
closed (or renamed into place, or deleted) the save is complete and a short `grace` catches
the rest of a burst; a file still open for writing gets the longer `quiet`.
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
_WRITING = {"created", "modified"}  # a file in the middle of being written: a close follows
_SCRATCH_SUFFIXES = {".swp", ".swo", ".swx", ".tmp", ".bak", ".orig", ".part", ".crdownload"}


def is_scratch(name: str) -> bool:
    """Editor swap, backup and lock files, and hidden files: never part of a site."""
    return (name.startswith((".", "#")) or name.endswith("~") or name == "4913"
            or Path(name).suffix.lower() in _SCRATCH_SUFFIXES)


class Watcher(FileSystemEventHandler):
    def __init__(self, folders: Iterable[tuple[Path, bool]], *, quiet: float = 0.05,
                 grace: float = 0.01, longest: float = 1.0) -> None:
        self.quiet, self.grace, self.longest = quiet, min(grace, quiet), longest
        self._pending: set[Path] = set()
        self._writing: set[Path] = set()  # written to and not closed yet
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
        if self._observer.is_alive():  # Ctrl-C may come while it is being started
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
            if event.event_type in _WRITING and not event.is_directory:
                self._writing |= found
            else:
                self._writing -= found
            self._last = now
            self._cond.notify_all()

    def next_batch(self, stopping: threading.Event) -> set[Path]:
        """Wait for changes, then until `grace` seconds pass without one, or `quiet` while a
        file is still being written (at most `longest` in all)."""
        with self._cond:
            while not self._pending and not stopping.is_set():
                self._cond.wait(0.5)
            while not stopping.is_set():
                now = time.monotonic()
                calm = self.quiet if self._writing & self._pending else self.grace
                wait = min(self._last + calm, self._first + self.longest) - now
                if wait <= 0:
                    break
                self._cond.wait(wait)
            batch, self._pending = self._pending, set()
            self._writing -= batch
            return batch


def _text(path: str | bytes) -> str:
    return path.decode() if isinstance(path, bytes) else path

"""The preview's search index, kept current from a thread of its own so that no page waits for it.

Pagefind needs seconds for a thousand episodes; the first page and every reload must not.
After the first build, and after edits once saving has paused for `delay` seconds, one thread
asks the builder to index the site again. An edit made while Pagefind runs is indexed by the
next run: search results may lag an edit, pages never do. On Linux the thread and the Pagefind
process it starts run at a lower CPU priority, so that a rebuild on a busy machine goes first.
When the preview stops, a Pagefind still at work is ended with it.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence

from ..diagnostics import Diagnostic, format_text
from ..site.render import Page
from ..site.search import Indexer, bundle

DELAY = 1.0  # seconds without a save before the index is made again
NICENESS = 10


class BackgroundSearch:
    """Runs `index` (which returns its warnings) whenever wanted, never two at once."""

    def __init__(self, index: Callable[[threading.Event], list[Diagnostic]],
                 log: Callable[[str], None], *,
                 delay: float = DELAY) -> None:
        self._index, self._log, self.delay = index, log, delay
        self._wanted = threading.Event()
        self._stopping = threading.Event()
        self._last = 0.0
        self._reported: set[str] = set()
        self._thread: threading.Thread | None = None
        self.runs = 0  # finished runs, for tests and the benchmark
        self.done = threading.Condition()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True, name="talkgen-search")
        self._thread.start()

    def want(self, *, now: bool = False) -> None:
        """Index again: at once, or after `delay` seconds without another call."""
        self._last = 0.0 if now else time.monotonic()
        self._wanted.set()

    def close(self, wait: float = 2.0) -> None:
        """Stop, ending a Pagefind at work; waits for it up to `wait` seconds."""
        self._stopping.set()
        self._wanted.set()
        if self._thread is not None and self._thread.is_alive():  # Ctrl-C may come before
            self._thread.join(wait)

    def _run(self) -> None:
        _lower_priority()
        while True:
            self._wanted.wait()
            while not self._stopping.is_set() and \
                    (left := self._last + self.delay - time.monotonic()) > 0:
                self._stopping.wait(left)  # saves in a row: index once they pause
            if self._stopping.is_set():
                return
            self._wanted.clear()
            started = time.monotonic()
            problems = self._index(self._stopping)
            if self._stopping.is_set():
                return
            self._report(problems, time.monotonic() - started)
            with self.done:
                self.runs += 1
                self.done.notify_all()

    def _report(self, problems: list[Diagnostic], seconds: float) -> None:
        """The first index and each new problem, once: the terminal is for build results."""
        for d in problems:
            text = format_text(d)
            if text not in self._reported:
                self._reported.add(text)
                self._log(text + "\n")
        if not problems and "ready" not in self._reported:
            self._reported.add("ready")
            self._log(f"search index ready in {seconds:.1f} s")


def pagefind_files(paths: Sequence[str], pages: Iterable[Page], cancel: threading.Event, *,
                   lean: bool = True) -> tuple[dict[str, bytes], list[Diagnostic]]:
    """The Pagefind bundle for `pages` (in the order of `paths`), as site/search.search_files
    makes it, except that setting `cancel` ends Pagefind at once."""
    indexer = Indexer(paths, lean=lean)
    finished = threading.Event()
    threading.Thread(target=_close_on, args=(cancel, finished, indexer), daemon=True,
                     name="talkgen-search-cancel").start()
    try:
        files, problems = bundle(indexer, pages, cancel.is_set)
    finally:
        finished.set()
        indexer.close()
    return ({}, []) if cancel.is_set() else (files, problems)


def _close_on(cancel: threading.Event, finished: threading.Event, indexer: Indexer) -> None:
    """Kill the indexer's Pagefind when `cancel` is set before `finished`."""
    while not finished.wait(0.1):
        if cancel.is_set():
            indexer.close()
            return


def _lower_priority() -> None:
    """Nice this thread, and so the Pagefind it starts (Linux: a thread has its own nice value)."""
    if sys.platform == "linux":
        with contextlib.suppress(OSError):  # not allowed: the index is made at normal priority
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICENESS)

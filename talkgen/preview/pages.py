"""The preview's pages in memory: the last good site's files, stale ones rendered on demand.

Thread-safe. A request for a stale page renders it outside the lock (a page is a pure
function of its snapshot); a render finishing after a newer edit never overwrites that
edit's page. Feeds and the sitemap are made together, from the whole site, when first wanted.
How long each page took to render is kept, so that the background can leave the slow ones
(the reading list of a big site takes most of a second) until the editor pauses.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from ..build.page_render import render_page
from ..content.config import SiteConfig
from ..diagnostics import Diagnostic
from ..model import Site
from ..site.feeds import crawler_files
from ..site.render import Page

Render = Callable[[], Page]


class Plan(Mapping[str, Render]):
    """A site's output paths in order, and how to render each. When an edit keeps every path,
    the renderers (10,000 closures at 1000 episodes) are made when a page is first rendered,
    after the reload event rather than before it."""

    def __init__(self, paths: Iterable[str], make: Callable[[], dict[str, Render]]) -> None:
        self._paths = dict.fromkeys(paths)
        self._make: Callable[[], dict[str, Render]] | None = make
        self._made: dict[str, Render] = {}
        self._lock = threading.Lock()

    @classmethod
    def of(cls, made: dict[str, Render]) -> Plan:
        return cls(made, lambda: made)

    def made(self) -> dict[str, Render]:
        """Path → renderer (made now if not yet)."""
        with self._lock:
            if self._make is not None:
                self._made, self._make = self._make(), None
            return self._made

    def __getitem__(self, path: str) -> Render:
        return self.made()[path]

    def __contains__(self, path: object) -> bool:
        return path in self._paths

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)


@dataclass
class Snapshot:
    """The last good site: every output file, and how to render the pages not yet up to date."""

    site: Site
    config: SiteConfig
    plan: Plan
    related: dict[int, tuple[int, ...]]
    files: dict[str, bytes] = field(default_factory=dict)
    stale: set[str] = field(default_factory=set)
    crawl: set[str] = field(default_factory=set)  # feeds, sitemap: made together, from the site
    crawl_stale: bool = True
    cost: dict[str, float] = field(default_factory=dict)  # seconds each page last took to render


class LivePages:
    """The current snapshot and the renders that bring it up to date."""

    def __init__(self, lock: threading.RLock) -> None:
        self.lock = lock  # shared with the Preview, so a read waits while an update runs
        self.current: Snapshot | None = None
        self._late: list[Diagnostic] = []
        self._asked = 0  # requests rendering a page now: the background waits for them
        self._asking = threading.Condition()

    def read(self, path: str) -> bytes | None:
        """The current content of an output path, rendering it first if it is stale."""
        with self.lock:  # waits while an update is in progress
            snapshot = self.current
            if snapshot is None:
                return None
            crawl = path not in snapshot.plan and snapshot.crawl_stale
            if path not in snapshot.stale and not crawl:
                return snapshot.files.get(path)
        if crawl:
            self.crawl(snapshot)
            return snapshot.files.get(path)
        with self._asking:
            self._asked += 1
        try:
            return self._render(snapshot, path)
        finally:
            with self._asking:
                self._asked -= 1
                self._asking.notify_all()

    def settle(self, stop: Callable[[], bool] = lambda: False,
               faster_than: float = math.inf) -> list[Diagnostic]:
        """Render the remaining stale pages one at a time, pausing while a request renders one
        (the page the browser asks for first); only those whose last render took less than
        `faster_than` seconds, if given."""
        skipped: set[str] = set()
        while not stop():
            with self._asking:
                if self._asked:
                    self._asking.wait(0.05)
                    continue
            with self.lock:
                snapshot = self.current
                if snapshot is None:
                    break
                todo = snapshot.stale - skipped
                if not (todo or snapshot.crawl_stale):
                    break
                path = min(todo) if todo else None
            if path is not None and snapshot.cost.get(path, 0.0) >= faster_than:
                skipped.add(path)
            elif path is None:
                self.crawl(snapshot)
            else:
                self._render(snapshot, path)  # outside the lock: a request may come first
        with self.lock:
            late, self._late = self._late, []
        return late

    def crawl(self, snapshot: Snapshot) -> list[Diagnostic]:
        """Feeds and the sitemap summarise the whole site: made again, together, when needed."""
        files, warnings = crawler_files(snapshot.site, snapshot.config, list(snapshot.plan))
        with self.lock:
            if snapshot.crawl_stale and snapshot is self.current:  # see _render
                for gone in snapshot.crawl - files.keys():
                    snapshot.files.pop(gone, None)
                snapshot.files.update((name, text.encode("utf-8")) for name, text in files.items())
                snapshot.crawl, snapshot.crawl_stale = set(files), False
        return warnings

    def _render(self, snapshot: Snapshot, path: str) -> bytes | None:
        """Render one stale page of a snapshot (a pure function of it, so no lock is needed);
        a template error keeps the last good page and is reported."""
        started = time.perf_counter()
        page = render_page(snapshot.plan.made(), snapshot.config.root, path)
        html = page.html.encode("utf-8") if isinstance(page, Page) else None
        snapshot.cost[path] = time.perf_counter() - started
        with self.lock:
            if snapshot is not self.current:  # an edit came in meanwhile; the newer snapshot
                return html or snapshot.files.get(path)  # shares `files` and renders its own
            if path in snapshot.stale:
                snapshot.stale.discard(path)
                if html is not None:
                    snapshot.files[path] = html
                elif isinstance(page, Diagnostic):
                    self._late.append(page)
            return snapshot.files.get(path)

"""The preview's builder: the whole site kept in memory and rebuilt as little as a change needs.

Episodes are kept per file (preview_sources.py), so an edited episode is re-read alone; the
indexes are rebuilt (cheap), and the pages the rebuild planner (rebuild.py) names are marked
stale and rendered when requested or when the server has time (preview_pages.py). A template
or config change rebuilds everything. A failed rebuild keeps the last good site: its
snapshot is replaced only on success.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ..build.gather import SiteOutput, generated_files
from ..build.page_render import render_page
from ..content.config import CONFIG_FILE, SiteConfig, load_config
from ..diagnostics import Diagnostic, sort_diagnostics
from ..model import Site
from ..site.rebuild import plan_rebuild
from ..site.render import Page, Renderer
from ..site.search import FOLDER as SEARCH_FOLDER
from ..site.search import indexed, lean_documents
from ..site.template_cache import user_cache
from .pages import LivePages, Plan, Snapshot
from .paths import kind, label, watched
from .search import pagefind_files
from .sources import Sources


@dataclass(frozen=True)
class Outcome:
    """What one rebuild did: for the server to print and to push to the browser."""

    what: str  # "episodes/002.md", "templates", "the site"
    diagnostics: tuple[Diagnostic, ...] = ()
    pages: frozenset[str] = frozenset()  # output paths refreshed or to be re-rendered
    css_only: bool = False
    seconds: float = 0.0

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors


class Preview:
    """Builds a site into memory and keeps it current; thread-safe, never writes a file."""

    def __init__(self, root: Path, *, drafts: bool = False, search: bool | None = None) -> None:
        self.root = root.resolve()
        self.drafts = drafts
        self.search = search  # None: as talkgen.yaml says; False: as `serve --no-search`
        self._sources = Sources(SiteConfig(root=self.root), [])
        self._lock = threading.RLock()
        self._pages = LivePages(self._lock)
        self._compiled = user_cache()

    @property
    def config(self) -> SiteConfig:
        return self._sources.config

    @property
    def base_path(self) -> str:
        return self.config.base_path

    @property
    def _snapshot(self) -> Snapshot | None:
        return self._pages.current

    def watched(self) -> list[tuple[Path, bool]]:
        return watched(self.config)

    def read(self, path: str) -> bytes | None:
        return self._pages.read(path)

    def settle(self, stop: Callable[[], bool] = lambda: False,
               faster_than: float = math.inf) -> list[Diagnostic]:
        return self._pages.settle(stop, faster_than)

    def index_search(self, cancel: threading.Event | None = None) -> list[Diagnostic]:
        """Index the episode pages with Pagefind and serve the index (seconds at 1000 episodes:
        the server runs this in the background, and sets `cancel` to end it when it stops).
        Pages edited meanwhile are indexed next time."""
        with self._lock:
            snapshot = self._snapshot
            if snapshot is None or not self.config.search:
                return []
            paths = [path for path in snapshot.plan if indexed(path)]
        pages = (Page(path, html.decode("utf-8")) for path in paths
                 if (html := self.read(path)) is not None)  # renders the stale ones
        files, problems = pagefind_files(paths, pages, cancel or threading.Event(),
                                         lean=lean_documents(self.config))
        with self._lock:
            current = self._snapshot
            if current is not None:
                for name in [n for n in current.files if n.startswith(SEARCH_FOLDER + "/")]:
                    del current.files[name]
                current.files.update(files)
        return problems

    def files(self) -> dict[str, bytes]:
        """Every output file, all pages up to date (for tests and the benchmark)."""
        self.settle()
        with self._lock:
            return dict(self._snapshot.files) if self._snapshot else {}

    def start(self) -> Outcome:
        """The first build: read the config and every episode, render every page."""
        with self._lock:
            return self._reload(time.perf_counter())

    def update(self, paths: Iterable[Path]) -> Outcome:
        """Rebuild after `paths` changed on disk; only what they affect is redone."""
        started = time.perf_counter()
        kinds: dict[str | None, set[Path]] = {"config": set(), "template": set(), "static": set(),
                                              "episode": set()}
        for path in map(Path, paths):
            kinds.setdefault(kind(self.config, path), set()).add(path)
        with self._lock:
            if kinds["config"] or self._snapshot is None:
                return self._reload(started)
            static = self._sources.refresh_static(kinds["static"], self._snapshot.files)
            if kinds["template"]:
                self._sources.reread(kinds["episode"])
                return self._render_all("templates", started, self._snapshot.site)
            outcome = self._episodes(kinds["episode"], started)
            what = outcome.what if kinds["episode"] else label(self.root, kinds["static"])
            only_css = bool(static) and not outcome.pages and all(
                p.endswith(".css") for p in static)
            return Outcome(what, outcome.diagnostics, outcome.pages | static, only_css,
                           time.perf_counter() - started)

    def _reload(self, started: float) -> Outcome:
        config, problems = load_config(self.root)
        self._sources = Sources(config.with_overrides(drafts=self.drafts, search=self.search), problems)
        if any(d.is_error for d in problems):
            return Outcome(CONFIG_FILE, tuple(problems), seconds=time.perf_counter() - started)
        self._sources.read_all()
        return self._render_all("the site", started, None)  # drafts or aliases may have changed

    def _render_all(self, what: str, started: float, previous: Site | None) -> Outcome:
        """Render every page now; the new snapshot replaces the old one only if all succeed."""
        site, diagnostics = self._sources.checked(previous)
        if site is None:
            return Outcome(what, tuple(diagnostics), seconds=time.perf_counter() - started)
        plan = Renderer(site, self.config, self._compiled).plan()
        pages: list[Page] = []
        cost: dict[str, float] = {}
        for path in plan:
            begun = time.perf_counter()
            page = render_page(plan, self.root, path)
            if isinstance(page, Diagnostic):
                return Outcome(what, (*diagnostics, page), seconds=time.perf_counter() - started)
            pages.append(page)
            cost[path] = time.perf_counter() - begun
        files = SiteOutput(pages, self._sources.static, generated_files()).files()
        rebuild = plan_rebuild(None, site, None, plan)  # a first build: every related list
        self._pages.current = Snapshot(site, self.config, Plan.of(plan), rebuild.related, files,
                                       cost=cost)
        diagnostics += self._pages.crawl(self._pages.current)
        return Outcome(what, tuple(sort_diagnostics(diagnostics)), frozenset(files),
                       seconds=time.perf_counter() - started)

    def _episodes(self, changed: set[Path], started: float) -> Outcome:
        """Re-read the changed episodes and mark the pages the planner names as stale."""
        old = self._snapshot
        assert old is not None
        self._sources.reread(changed)
        site, diagnostics = self._sources.checked(old.site)
        what = label(self.root, changed)
        if site is None:
            return Outcome(what, tuple(diagnostics), seconds=time.perf_counter() - started)
        renderer = Renderer(site, self.config, self._compiled)
        if site.topics is old.site.topics and site.contributors is old.site.contributors and \
                [e.number for e in site.episodes] == [e.number for e in old.site.episodes]:
            new_plan = Plan(old.plan, renderer.plan)  # the same pages (reindex.py kept the indexes)
        else:
            new_plan = Plan.of(renderer.plan())
        rebuild = plan_rebuild(old.site, site, old.related, new_plan)
        pages = set(new_plan) if rebuild.everything else set(rebuild.pages)
        if not pages and new_plan.keys() == old.plan.keys():
            return Outcome(what, tuple(diagnostics), seconds=time.perf_counter() - started)
        for gone in old.plan.keys() - new_plan.keys():
            old.files.pop(gone, None)
            pages.add(gone)
        stale = {p for p in old.stale | pages if p in new_plan}
        self._pages.current = Snapshot(site, self.config, new_plan, rebuild.related, old.files,
                                       stale, old.crawl, cost=old.cost)
        return Outcome(what, tuple(diagnostics), frozenset(pages | old.crawl),
                       seconds=time.perf_counter() - started)

"""The preview's builder: the whole site kept in memory and rebuilt as little as a change needs.

Episodes are kept per file, so an edited episode is re-read alone; the indexes are rebuilt
(cheap), and only the pages the edit can change (affected.py) are marked stale and rendered
when requested or when the server has time. A template or config change rebuilds everything.
A failed rebuild keeps the last good site: its snapshot is replaced only on success.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from .affected import affected, changed_numbers, related_map, same_topics, sharing_a_topic
from .build import check_loaded, generated_files, template_diagnostic
from .config import CONFIG_FILE, SiteConfig, load_config
from .diagnostics import Diagnostic, sort_diagnostics
from .feeds import crawler_files
from .loader import Loaded, episode_files, read_episode
from .model import Site
from .render import Page, Renderer
from .site import build_site
from .static_list import static_files
from .theme import static_dirs, template_dirs
from .urls import Urls


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


@dataclass
class _Snapshot:
    """The last good site: every output file, and how to render the pages not yet up to date."""

    site: Site
    plan: dict[str, Callable[[], Page]]
    related: dict[int, tuple[int, ...]]
    files: dict[str, bytes] = field(default_factory=dict)
    stale: set[str] = field(default_factory=set)
    crawl: set[str] = field(default_factory=set)  # feeds, sitemap: made together, from the site
    crawl_stale: bool = False


class Preview:
    """Builds a site into memory and keeps it current; thread-safe, never writes a file."""

    def __init__(self, root: Path, *, drafts: bool = False) -> None:
        self.root = root.resolve()
        self.drafts = drafts
        self.config = SiteConfig(root=self.root)
        self._config_problems: list[Diagnostic] = []
        self._loaded: dict[Path, Loaded] = {}
        self._skipped: list[Diagnostic] = []
        self._static: dict[str, Path] = {}
        self._static_refused: list[Diagnostic] = []  # W034, as the build reports them
        self._snapshot: _Snapshot | None = None
        self._late: list[Diagnostic] = []
        self._lock = threading.RLock()

    @property
    def base_path(self) -> str:
        return self.config.base_path

    def watched(self) -> list[tuple[Path, bool]]:
        """Folders to watch, each with whether to watch it recursively."""
        dirs = {self.config.episodes_dir, *template_dirs(self.root), *static_dirs(self.root)}
        return [(self.root, False), *((d, True) for d in sorted(dirs) if d.is_dir())]

    # -- building ------------------------------------------------------------

    def start(self) -> Outcome:
        """The first build: read the config and every episode, render every page."""
        with self._lock:
            return self._reload(time.perf_counter())

    def update(self, paths: Iterable[Path]) -> Outcome:
        """Rebuild after `paths` changed on disk; only what they affect is redone."""
        started = time.perf_counter()
        kinds: dict[str, set[Path]] = {"config": set(), "template": set(), "static": set(),
                                       "episode": set()}
        for path in paths:
            kind = self._kind(Path(path))
            if kind:
                kinds[kind].add(Path(path))
        with self._lock:
            if kinds["config"] or self._snapshot is None:
                return self._reload(started)
            static = self._refresh_static(kinds["static"])
            if kinds["template"]:
                self._reread(kinds["episode"])
                return self._render_all("templates", started)
            outcome = self._episodes(kinds["episode"], started)
            what = outcome.what if kinds["episode"] else self._label(kinds["static"])
            only_css = bool(static) and not outcome.pages and all(
                p.endswith(".css") for p in static)
            return Outcome(what, outcome.diagnostics, outcome.pages | static, only_css,
                           time.perf_counter() - started)

    def _reload(self, started: float) -> Outcome:
        config, problems = load_config(self.root)
        self.config, self._config_problems = config.with_overrides(drafts=self.drafts), problems
        if any(d.is_error for d in problems):
            return Outcome(CONFIG_FILE, tuple(problems), seconds=time.perf_counter() - started)
        self._loaded.clear()
        self._reread(set())
        self._static, self._static_refused = static_files(self.root)
        return self._render_all("the site", started)

    def _reread(self, changed: set[Path]) -> None:
        """Read new and changed episode files again; forget deleted ones."""
        if self._loaded and all(p in self._loaded and p.is_file() for p in changed):
            urls = Urls(self.config.base_path, self.config.base_url)
            self._loaded.update((p, read_episode(p, self.config, urls)) for p in changed)
            return  # the same files as before: no need to list the folder again
        files, self._skipped = episode_files(self.config)
        urls = Urls(self.config.base_path, self.config.base_url)
        self._loaded = {p: self._loaded[p] if p in self._loaded and p not in changed
                        else read_episode(p, self.config, urls) for p in files}

    def _checked(self) -> tuple[Site | None, list[Diagnostic]]:
        result = check_loaded(list(self._loaded.values()), self._skipped)
        diagnostics = sort_diagnostics([*self._config_problems, *result.diagnostics,
                                        *self._static_refused])
        if result.failed():
            return None, diagnostics
        site = build_site(result.episodes, drafts=self.config.drafts, aliases=self.config.aliases)
        return site, diagnostics

    def _render_all(self, what: str, started: float) -> Outcome:
        """Render every page now; the new snapshot replaces the old one only if all succeed."""
        site, diagnostics = self._checked()
        if site is None:
            return Outcome(what, tuple(diagnostics), seconds=time.perf_counter() - started)
        plan = Renderer(site, self.config).plan()
        try:
            pages = {path: render().html.encode("utf-8") for path, render in plan.items()}
        except jinja2.TemplateError as err:
            problem = template_diagnostic(err, self.root)
            return Outcome(what, (*diagnostics, problem), seconds=time.perf_counter() - started)
        files = {name: source.read_bytes() for name, source in self._static.items()}
        files.update((name, text.encode("utf-8")) for name, text in generated_files().items())
        files.update(pages)
        self._snapshot = _Snapshot(site, plan, related_map(site), files, crawl_stale=True)
        diagnostics += self._crawl(self._snapshot)
        return Outcome(what, tuple(sort_diagnostics(diagnostics)), frozenset(files),
                       seconds=time.perf_counter() - started)

    def _episodes(self, changed: set[Path], started: float) -> Outcome:
        """Re-read the changed episodes and mark the pages they reach as stale."""
        old = self._snapshot
        assert old is not None
        self._reread(changed)
        site, diagnostics = self._checked()
        what = self._label(changed)
        if site is None:
            return Outcome(what, tuple(diagnostics), seconds=time.perf_counter() - started)
        numbers = changed_numbers(old.site, site)
        if not numbers:
            return Outcome(what, tuple(diagnostics), seconds=time.perf_counter() - started)
        plan = Renderer(site, self.config).plan()
        related = old.related
        if not same_topics(old.site, site, numbers):
            candidates = sharing_a_topic(old.site, [old.site.by_number[n] for n in numbers
                                                    if n in old.site.by_number])
            candidates |= sharing_a_topic(site, [site.by_number[n] for n in numbers
                                                 if n in site.by_number])
            related = related_map(site, candidates, old.related)
        change = affected(old.site, site, numbers, old.related, related, plan)
        pages = set(plan) if change.everything else set(change.pages)
        if change.everything:
            related = related_map(site)
        for gone in {p for p in old.plan if p not in plan}:
            old.files.pop(gone, None)
            pages.add(gone)
        stale = {p for p in old.stale | pages if p in plan}
        self._snapshot = _Snapshot(site, plan, related, old.files, stale, old.crawl, True)
        pages |= old.crawl
        return Outcome(what, tuple(diagnostics), frozenset(pages),
                       seconds=time.perf_counter() - started)

    def _refresh_static(self, changed: set[Path]) -> set[str]:
        """Copy the changed static files alone (a site file may shadow or unshadow the theme's)."""
        if not changed or self._snapshot is None:
            return set()
        fresh, self._static_refused = static_files(self.root)
        files = self._snapshot.files
        touched = set(self._static.keys() - fresh.keys())
        for name in touched:
            files.pop(name, None)
        for name, source in fresh.items():
            if source in changed or self._static.get(name) != source or name not in files:
                try:
                    files[name] = source.read_bytes()
                except OSError:
                    files.pop(name, None)
                touched.add(name)
        self._static = fresh
        return touched

    # -- serving -------------------------------------------------------------

    def read(self, path: str) -> bytes | None:
        """The current content of an output path, rendering it first if it is stale."""
        with self._lock:  # waits while an update is in progress
            snapshot = self._snapshot
            if snapshot is None:
                return None
            crawl = path not in snapshot.plan and snapshot.crawl_stale
            if path not in snapshot.stale and not crawl:
                return snapshot.files.get(path)
        if crawl:
            self._crawl(snapshot)
            return snapshot.files.get(path)
        return self._render(snapshot, path)

    def settle(self, stop: Callable[[], bool] = lambda: False) -> list[Diagnostic]:
        """Render the remaining stale pages one at a time (requests get in between)."""
        while not stop():
            with self._lock:
                snapshot = self._snapshot
                if snapshot is None or not (snapshot.stale or snapshot.crawl_stale):
                    break
                path = min(snapshot.stale) if snapshot.stale else None
            if path is None:
                self._crawl(snapshot)
            else:
                self._render(snapshot, path)  # outside the lock: a request may come first
        with self._lock:
            late, self._late = self._late, []
        return late

    def files(self) -> dict[str, bytes]:
        """Every output file, all pages up to date (for tests and the benchmark)."""
        self.settle()
        with self._lock:
            return dict(self._snapshot.files) if self._snapshot else {}

    def _crawl(self, snapshot: _Snapshot) -> list[Diagnostic]:
        """Feeds and the sitemap summarise the whole site: made again, together, when needed."""
        files, warnings = crawler_files(snapshot.site, self.config, list(snapshot.plan))
        with self._lock:
            if snapshot.crawl_stale and snapshot is self._snapshot:  # see _render
                for gone in snapshot.crawl - files.keys():
                    snapshot.files.pop(gone, None)
                snapshot.files.update((name, text.encode("utf-8")) for name, text in files.items())
                snapshot.crawl, snapshot.crawl_stale = set(files), False
        return warnings

    def _render(self, snapshot: _Snapshot, path: str) -> bytes | None:
        """Render one stale page of a snapshot (a pure function of it, so no lock is needed);
        a template error keeps the last good page and is reported."""
        try:
            html = snapshot.plan[path]().html.encode("utf-8")
        except jinja2.TemplateError as err:
            html = None
            problem = template_diagnostic(err, self.root)
        with self._lock:
            if snapshot is not self._snapshot:  # an edit came in meanwhile; the newer snapshot
                return html or snapshot.files.get(path)  # shares `files` and renders its own
            if path in snapshot.stale:
                snapshot.stale.discard(path)
                if html is None:
                    self._late.append(problem)
                else:
                    snapshot.files[path] = html
            return snapshot.files.get(path)

    # -- classifying changes -------------------------------------------------

    def _kind(self, path: Path) -> str | None:
        if path == self.root / CONFIG_FILE:
            return "config"
        if any(path.is_relative_to(d) for d in template_dirs(self.root)):
            return "template"
        if any(path.is_relative_to(d) for d in static_dirs(self.root)):
            return "static"
        episodes = self.config.episodes_dir
        if path == episodes or (path.parent == episodes and path.suffix.lower() == ".md"):
            return "episode"
        return None

    def _label(self, paths: set[Path]) -> str:
        if len(paths) == 1:
            path = next(iter(paths))
            return path.relative_to(self.root).as_posix() if path.is_relative_to(self.root) \
                else path.name
        return f"{len(paths)} files"

"""check() and build(): what the CLI and the preview server both call.

Gather, then write: every file is loaded and checked before anything is written.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import os
import shutil
import stat
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from stat import S_ISREG

import jinja2

from ..content import assets
from ..content.config import SiteConfig
from ..content.episode import EPISODE_NAME, Loaded, episode_files, site_relative, with_frames
from ..content.markdown import pygments_css
from ..diagnostics import Diagnostic, diagnostic, sort_diagnostics
from ..model import Episode, Site
from ..site.feeds import crawler_files
from ..site.indexes import build_site, check_site, involving
from ..site.output import exclusive, recover, write_site, written_files
from ..site.output_folder import output_problem
from ..site.rebuild import Rebuild, plan_rebuild
from ..site.render import Page, Renderer
from ..site.search import FOLDER as FOLDER_SEARCH
from ..site.search import Indexer, indexed, verify
from ..site.static_list import static_files
from ..site.theme import template_dirs
from .cache import FOLDER, Store, code_hash, files_hash
from .load import EpisodeCache, load_all
from .pool import Stream, ordered_stream

BUILD_FILE = "build.json"


@dataclass
class CheckResult:
    diagnostics: list[Diagnostic]
    files: int
    episodes: list[Episode] = field(default_factory=list)
    keys: dict[str, str] = field(default_factory=dict)  # episode source → content key

    def failed(self, strict: bool = False) -> bool:
        return any(d.is_error or strict for d in self.diagnostics)


@dataclass
class BuildResult:
    check: CheckResult
    out: Path
    site: Site | None = None
    written: int = 0
    pages: int = 0
    seconds: float = 0.0
    input_bytes: int = 0  # the episode files
    output_bytes: int = 0  # every file in the output folder (docs/security.md bounds it)
    phases: dict[str, float] = field(default_factory=dict)
    related: dict[int, tuple[int, ...]] = field(default_factory=dict)

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return self.check.diagnostics

    @property
    def ok(self) -> bool:
        return self.site is not None


def check(config: SiteConfig, only: list[Path] | None = None, *, cache: EpisodeCache | None = None,
          parallel: bool = False, allow_empty: bool = True) -> CheckResult:
    """Load and validate every episode (or just `only`, plus site-wide rules that involve them)."""
    files, skipped = episode_files(config)
    if not files and not allow_empty:
        skipped = [*skipped, no_episodes(config)]
    loaded = load_all(config, files, cache=cache, parallel=parallel)
    result = check_loaded([one.loaded for one in loaded], skipped, config.root)
    result.keys = {one.loaded.episode.source: one.key for one in loaded if one.loaded.episode}
    if only is not None:
        wanted = {p.resolve() for p in only}
        named = {d.location.file for d in result.diagnostics} | {e.source for e in result.episodes}
        result.diagnostics = involving(result.diagnostics, result.episodes,
                                       {f for f in named if (config.root / f).resolve() in wanted})
    return result


def check_loaded(loaded: Sequence[Loaded], skipped: Sequence[Diagnostic] = (),
                 root: Path | None = None) -> CheckResult:
    """Add the site-wide rules to episodes already loaded (the preview keeps them per file)."""
    problems = list(skipped)
    episodes = []
    unloaded = set()
    for one in loaded:
        problems += one.diagnostics
        if one.episode:
            episodes.append(one.episode)
        elif one.diagnostics and (named := EPISODE_NAME.match(
                Path(one.diagnostics[0].location.file).name)):
            unloaded.add(int(named.group(1)))
    site_wide = check_site(episodes, unloaded) + (assets.missing(episodes, root) if root else [])
    problems += with_frames(site_wide, root) if root is not None else site_wide
    return CheckResult(sort_diagnostics(problems), len(loaded), episodes)


def no_episodes(config: SiteConfig) -> Diagnostic:
    """An empty site is almost always the wrong folder: say where we looked."""
    where = site_relative(config.episodes_dir, config.root)
    found = "does not exist" if not config.episodes_dir.is_dir() else "has no files like 001.md"
    return diagnostic("E071", f"no episodes: {config.episodes_dir} {found}", where + "/",
                      hint="run talkgen in the site folder (or pass --root DIR), create the first "
                      "episode with talkgen new, or pass --allow-empty")


@dataclass
class SiteOutput:
    """Every file of a built site, gathered in memory before anything is written."""

    pages: list[Page]
    static: dict[str, Path]  # output path → source (static_list.py)
    generated: dict[str, str]
    reused: dict[str, Path] = field(default_factory=dict)  # unchanged pages: last build's files

    def files(self) -> dict[str, bytes]:
        """Output path → content, for serving from memory; static files are read here."""
        files = {name: path.read_bytes() for name, path in self.static.items()}
        files.update((name, path.read_bytes()) for name, path in self.reused.items())
        files.update((name, text.encode("utf-8")) for name, text in self.generated.items())
        files.update((page.path, page.html.encode("utf-8")) for page in self.pages)
        return files


@dataclass(frozen=True)
class Previous:
    """What the last build wrote, kept in the cache so the next one renders only what changed."""

    out: str
    keys: dict[str, str]  # episode source → content key, to find its episodes in the cache
    related: dict[int, tuple[int, ...]]
    written: dict[str, tuple[int, int]]  # output path → (size, mtime_ns)

    def site(self, cache: EpisodeCache, config: SiteConfig) -> Site | None:
        """The last build's site, from the cached episodes (None once one is gone)."""
        loaded = [cache.entries.get(key) for key in self.keys.values()]
        if any(one is None or one.episode is None for one in loaded):
            return None
        return build_site([one.episode for one in loaded if one and one.episode],
                          drafts=config.drafts, aliases=config.aliases)

    def intact(self, out: Path, path: str) -> Path | None:
        """The last build's file at `path`, if it is still there as written."""
        target = out / path
        try:
            stat = target.lstat()  # a symlink put in its place is not the file we wrote
        except OSError:
            return None
        return target if self.written.get(path) == (stat.st_size, stat.st_mtime_ns) \
            and S_ISREG(stat.st_mode) else None


def generated_files() -> dict[str, str]:
    return {"static/pygments.css": pygments_css()}


@dataclass
class Prepared:
    """A valid site with its pages planned but not yet rendered."""

    site: Site
    plan: dict[str, Callable[[], Page]]
    todo: list[str]  # pages to render, in plan order
    reused: dict[str, Path]  # unchanged pages: last build's files
    related: dict[int, tuple[int, ...]]

    def render(self, root: Path, parallel: bool) -> Stream[Page | Diagnostic]:
        """Render the pages to do on every core; each page comes back as soon as it is done."""
        return ordered_stream(partial(render_page, self.plan, root), self.todo, parallel=parallel)


def prepare(config: SiteConfig, *, strict: bool = False, cache: EpisodeCache | None = None,
            parallel: bool = False, previous: Previous | None = None, allow_empty: bool = True,
            ) -> tuple[BuildResult, Prepared | None]:
    """Validate every episode and plan every page; None when the site is invalid.

    With `previous` (the last build of the same configuration), pages an edit cannot have
    changed are not to be rendered: Prepared.reused points at the last build's files instead.
    """
    clock = _Clock()
    result = BuildResult(check(config, cache=cache, parallel=parallel, allow_empty=allow_empty),
                         config.output)
    clock.lap(result, "load")
    if result.check.failed(strict):
        return result, None
    site = build_site(result.check.episodes, drafts=config.drafts, aliases=config.aliases)
    old = previous.site(cache, config) if previous and cache \
        and previous.out == str(config.output.resolve()) \
        else None
    plan = Renderer(site, config).plan()  # templates load when a page renders (render_page)
    rebuild = plan_rebuild(old, site, previous.related if previous else None, plan)
    clock.lap(result, "index")
    reused = _reusable(previous, rebuild, list(plan), config.output)
    todo = [path for path in plan if path not in reused]
    return result, Prepared(site, plan, todo, reused, rebuild.related)


def finish(config: SiteConfig, result: BuildResult, prepared: Prepared, *, strict: bool = False,
           ) -> tuple[dict[str, str], dict[str, Path]] | None:
    """The feeds, sitemap and static files, with their warnings added to `result`; None if
    --strict fails on them."""
    crawl, warnings = crawler_files(prepared.site, config, list(prepared.plan))
    result.check.diagnostics = sort_diagnostics([*result.check.diagnostics, *warnings])
    if strict and warnings:
        return None
    static, refused = static_files(config.root)
    result.check.diagnostics = sort_diagnostics([*result.check.diagnostics, *refused])
    if strict and refused:
        return None
    result.site, result.pages, result.related = prepared.site, len(prepared.plan), prepared.related
    return generated_files() | crawl, static


def gather(config: SiteConfig, *, strict: bool = False, cache: EpisodeCache | None = None,
           parallel: bool = False, previous: Previous | None = None, allow_empty: bool = True,
           ) -> tuple[BuildResult, SiteOutput | None]:
    """Validate and render every page in memory; the output is None when the site is invalid."""
    clock = _Clock()
    result, prepared = prepare(config, strict=strict, cache=cache, parallel=parallel,
                               previous=previous, allow_empty=allow_empty)
    if prepared is None:
        return result, None
    clock.phases, clock.last = dict(result.phases), time.perf_counter()
    rendered = list(prepared.render(config.root, parallel))
    errors = [d for d in rendered if isinstance(d, Diagnostic)]
    if errors:
        result.check.diagnostics.append(errors[0])
        return result, None
    pages = [page for page in rendered if isinstance(page, Page)]
    clock.lap(result, "render")
    files = finish(config, result, prepared, strict=strict)
    if files is None:
        result.site = None
        return result, None
    result.seconds = clock.total()
    return result, SiteOutput(pages, files[1], files[0], prepared.reused)


def _render_into(plan: dict[str, Callable[[], Page]], root: Path, folder: Path,
                 path: str) -> str | Diagnostic:
    """Render one page and write it under `folder` (in a worker): only its path travels back."""
    page = render_page(plan, root, path)
    if isinstance(page, Diagnostic):
        return page
    target = folder / page.path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(page.html.encode("utf-8"))
    return page.path


def render_page(plan: dict[str, Callable[[], Page]], root: Path, path: str) -> Page | Diagnostic:
    """One page; a template error comes back as a diagnostic (it may cross a process boundary).

    The one place, for the build and the preview alike, where a template error is caught.
    """
    try:
        return plan[path]()
    except jinja2.TemplateError as err:
        return template_diagnostic(err, root)


def _reusable(previous: Previous | None, rebuild: Rebuild, paths: list[str],
              out: Path) -> dict[str, Path]:
    """Pages the planner says need no rendering, mapped to the last build's files (if intact)."""
    if previous is None or rebuild.everything:
        return {}
    return {path: file for path in paths
            if not rebuild.needs(path) and (file := previous.intact(out, path)) is not None}


def build(config: SiteConfig, *, strict: bool = False, cache: bool = True,
          allow_empty: bool = True) -> BuildResult:
    """Validate, render in memory what changed, then write the output folder in one swap.

    Builds into one folder take turns (a lock), and a write that fails (full disk, read-only
    folder, unreadable static file) is error E080 with the old output left as it was.
    """
    clock = _Clock()
    reason = output_problem(config.output, config.root)
    if reason:
        result = BuildResult(check(config, allow_empty=allow_empty), config.output)
        result.check.diagnostics.append(diagnostic(
            "E041", reason, _shown(config.output, config.root),
            hint="choose another folder with --out, or empty this one (a build replaces it whole)"))
        return result
    try:
        with exclusive(config.output):
            recover(config.output)
            return _build(config, strict, cache, clock, allow_empty)
    except OSError as err:  # the lock, or recovering an interrupted build
        return _cannot_write(BuildResult(check(config, allow_empty=allow_empty), config.output),
                             err, config)


def _build(config: SiteConfig, strict: bool, cache: bool, clock: _Clock,
           allow_empty: bool) -> BuildResult:
    """Render what changed straight into a folder beside the output (each worker writes its
    pages), feeds and static files meanwhile, Pagefind fed each episode page as it is done."""
    out = config.output.resolve()
    builds = Store(config.root / FOLDER, page_salt(config)) if cache else None
    previous = builds.read(BUILD_FILE, Previous) if builds else None
    previous = previous if isinstance(previous, Previous) else None
    episodes = EpisodeCache(config) if cache else None
    result, prepared = prepare(config, strict=strict, cache=episodes, parallel=True,
                               previous=previous, allow_empty=allow_empty)
    if prepared is None:
        if episodes is not None:
            episodes.save(result.check.keys.values())
        return result
    gc.freeze()  # the loaded site lives to the end: the collector need not walk it again
    clock.phases, clock.last = dict(result.phases), time.perf_counter()
    reused = dict(prepared.reused)
    old_index = _search_reusable(prepared, previous, out) if config.search else {}
    indexer = None
    try:
        rendering = _render_folder(out)
        pages = ordered_stream(partial(_render_into, prepared.plan, config.root, rendering),
                               prepared.todo, parallel=True)  # the workers start now
    except OSError as err:
        gc.unfreeze()
        return _cannot_write(result, err, config)
    try:
        files = finish(config, result, prepared, strict=strict)  # meanwhile, here
        if episodes is not None:
            episodes.save(result.check.keys.values())
        if files is None:
            result.site = None
            return result
        generated, static = files
        if config.search and not old_index:
            indexer = Indexer(list(prepared.plan), prepared.reused)  # after the fork: see pool
        reused |= old_index
        searched: list[Diagnostic] = []

        def place(staging: Path) -> None:
            """Move each page the workers wrote into the staging folder as soon as it is
            done; Pagefind reads each episode page meanwhile."""
            for path in pages:
                if isinstance(path, Diagnostic):
                    raise _TemplateFailed(path)
                source = rendering / path
                if indexer is not None and indexed(path):
                    indexer.add(Page(path, source.read_text(encoding="utf-8")))
                (staging / path).parent.mkdir(parents=True, exist_ok=True)
                os.replace(source, staging / path)
            if indexer is not None:
                searched.extend(indexer.finish(staging))

        result.written = write_site(out, [], static, generated, reused=reused,
                                    before_swap=place) + len(prepared.todo)
        written = written_files(out)
    except _TemplateFailed as failed:
        result.check.diagnostics.append(failed.diagnostic)
        result.site = None
        return result
    except OSError as err:
        return _cannot_write(result, err, config)
    finally:
        pages.close()
        if indexer is not None:
            indexer.close()
        shutil.rmtree(rendering, ignore_errors=True)
        gc.unfreeze()
    result.check.diagnostics += searched
    clock.lap(result, "render + write + search" if config.search else "render + write")
    if builds is not None and result.site is not None:
        builds.write(BUILD_FILE, Previous(str(out), result.check.keys, result.related, written))
    result.input_bytes = sum(_size(p) for p in episode_files(config)[0])
    result.output_bytes = sum(size for size, _ in written.values())  # listed once, above
    result.seconds = clock.total()
    return result


def _size(path: Path) -> int:
    """Bytes of a regular file, without following a symlink; 0 for anything else."""
    try:
        info = path.lstat()
    except OSError:
        return 0
    return info.st_size if stat.S_ISREG(info.st_mode) else 0


def _render_folder(out: Path) -> Path:
    """A new folder beside the output for the workers' pages (not named like write_site's
    own folders, which it clears); one left by a killed build is removed first."""
    for stale in out.parent.glob(f".{out.name}-render-*"):
        pid = stale.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)
    folder = out.parent / f".{out.name}-render-{os.getpid()}"
    if folder.is_symlink():
        folder.unlink()
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class _TemplateFailed(Exception):
    """A page could not be rendered: the staging folder is dropped, nothing is published."""

    def __init__(self, problem: Diagnostic) -> None:
        super().__init__(problem.message)
        self.diagnostic = problem


_WRITE_HINTS = {
    errno.ENOSPC: "free some disk space, then build again; the old output was not changed",
    errno.EDQUOT: "free some disk space, then build again; the old output was not changed",
    errno.EROFS: "the folder is read-only: build into a writable folder with --out",
    errno.EACCES: "make the file or folder readable and writable for you, or use --out",
    errno.EPERM: "make the file or folder readable and writable for you, or use --out",
}


def _cannot_write(result: BuildResult, err: OSError, config: SiteConfig) -> BuildResult:
    """A failed write is a diagnostic naming the file, not a traceback; nothing was published."""
    full = err.errno in (errno.ENOSPC, errno.EDQUOT)  # about the disk, not one file
    where = _shown(Path(err.filename), config.root) if err.filename and not full else \
        _shown(config.output, config.root)
    result.site = None
    result.check.diagnostics.append(diagnostic(
        "E080", f"cannot write the site: {err.strerror or err}", where,
        hint=_WRITE_HINTS.get(err.errno or 0, "fix the problem, then build again; "
                              "the old output was not changed")))
    return result


def _shown(path: Path, root: Path) -> str:
    try:
        return Path(os.path.abspath(path)).relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _search_reusable(prepared: Prepared, previous: Previous | None, out: Path) -> dict[str, Path]:
    """The last build's index, when no episode page is rendered anew and every one of its
    files is still there as written and verifies; otherwise nothing (index again)."""
    if previous is None or any(indexed(path) for path in prepared.todo):
        return {}
    names = [path for path in previous.written if path.startswith(FOLDER_SEARCH + "/")]
    files = {path: previous.intact(out, path) for path in names}
    if not names or any(file is None for file in files.values()) or verify(out / FOLDER_SEARCH):
        return {}
    return {path: file for path, file in files.items() if file is not None}


def page_salt(config: SiteConfig) -> str:
    """Everything besides episodes that a rendered page depends on: code, config, templates."""
    templates = [p for d in template_dirs(config.root) for p in d.rglob("*") if p.is_file()]
    return f"{code_hash()}|{config!r}|{files_hash(templates)}"


class _Clock:
    """Phase timings for the summary and the benchmark's profile."""

    def __init__(self) -> None:
        self.started = self.last = time.perf_counter()
        self.phases: dict[str, float] = {}

    def lap(self, result: BuildResult, name: str) -> None:
        now = time.perf_counter()
        self.phases[name] = now - self.last
        self.last = now
        result.phases = dict(self.phases)

    def total(self) -> float:
        return time.perf_counter() - self.started


def template_diagnostic(err: jinja2.TemplateError, root: Path) -> Diagnostic:
    """A template mistake is reported like a content one: file, line, message."""
    name = getattr(err, "filename", None) or getattr(err, "name", None) or "templates"
    with contextlib.suppress(ValueError):  # a theme template stays an absolute path
        name = Path(name).resolve().relative_to(root).as_posix()
    line = getattr(err, "lineno", 0) or 0
    source = None
    path = Path(name) if Path(name).is_absolute() else root / name
    if line and path.is_file():
        source = path.read_text(encoding="utf-8", errors="replace").split("\n")
    return diagnostic("E042", f"template error: {err.message or err}", name, line, 1 if line else 0,
                      hint="fix the template; the site was not written", source=source)

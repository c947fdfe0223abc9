"""build(): validate, render what changed, write the output folder in one swap.

Gather, then write: every file is loaded and checked before anything is written.
"""

from __future__ import annotations

import gc
import os
import shutil
import stat
import time
from functools import partial
from pathlib import Path

from ..content.config import SiteConfig
from ..content.episode import episode_files
from ..diagnostics import Diagnostic, diagnostic
from ..site.output import exclusive, recover, unchanged_output, write_site, written_files
from ..site.output_folder import output_problem, place_problem
from ..site.render import Page
from ..site.search import Indexer, indexed, lean_documents
from .cache import FOLDER, Store
from .check import check
from .collector import fewer_collections
from .gather import finish, prepare, searched_first
from .load import EpisodeCache
from .page_render import render_into
from .pool import ordered_stream
from .previous import BUILD_FILE, Previous, page_salt, search_reusable
from .render_folder import flat_name, render_folder
from .result import BuildResult, Clock
from .write_errors import cannot_write, shown

# The render workers' niceness while Pagefind indexes. Pagefind reads pages one at a time on
# one core and then builds the index alone, so it is a search build's critical path: sharing
# two cores with two workers it got half a core and fell seconds behind them. Lower-priority
# workers still use every core Pagefind leaves idle. 1000 episodes, 8 alternating pairs of
# builds: 14.27 -> 13.69 s median (7 of 8 pairs faster); index and pages byte-identical.
BEHIND_PAGEFIND = 10


def build(config: SiteConfig, *, strict: bool = False, cache: bool = True,
          allow_empty: bool = True) -> BuildResult:
    """Validate, render in memory what changed, then write the output folder in one swap.

    Builds into one folder take turns (a lock), and a write that fails (full disk, read-only
    folder, unreadable static file) is error E080 with the old output left as it was.
    """
    clock = Clock()
    reason = place_problem(config.output, config.root)
    if reason:
        return _refused(config, reason, allow_empty)
    try:
        with exclusive(config.output), fewer_collections():
            reason = output_problem(config.output, config.root)  # under the lock: another
            if reason:  # build may have been swapping the folder, its subfolders vanishing
                return _refused(config, reason, allow_empty)
            recover(config.output)
            return _build(config, strict, cache, clock, allow_empty)
    except OSError as err:  # the lock, or recovering an interrupted build
        return cannot_write(BuildResult(check(config, allow_empty=allow_empty), config.output),
                            err, config)


def _refused(config: SiteConfig, reason: str, allow_empty: bool) -> BuildResult:
    """The sources checked as usual, and E041: the output folder may not be replaced."""
    result = BuildResult(check(config, allow_empty=allow_empty), config.output)
    result.check.diagnostics.append(diagnostic(
        "E041", reason, shown(config.output, config.root),
        hint="choose another folder with --out, or empty this one (a build replaces it whole)"))
    return result


def _build(config: SiteConfig, strict: bool, cache: bool, clock: Clock,
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

    def save_episodes() -> None:
        if episodes is not None:
            episodes.save(result.check.keys.values())  # writes only what changed, once

    if prepared is None:
        save_episodes()
        return result
    gc.freeze()  # the loaded site lives to the end: the collector need not walk it again
    clock.phases, clock.last = dict(result.phases), time.perf_counter()
    reused = dict(prepared.reused)
    old_index = search_reusable(prepared.todo, previous, out) if config.search else {}
    searching = bool(config.search and not old_index)
    indexer = None
    try:
        rendering = render_folder(out)
        todo = searched_first(prepared.plan, prepared.todo) if searching else prepared.todo
        pages = ordered_stream(partial(render_into, prepared.plan, config.root, rendering),
                               todo, parallel=True,  # the workers start now
                               niceness=BEHIND_PAGEFIND if searching else 0)
    except OSError as err:
        gc.unfreeze()
        return cannot_write(result, err, config)
    try:
        if searching:  # after the fork (see pool), and early: Pagefind is the longest step
            indexer = Indexer(list(prepared.plan), prepared.reused,
                              lean=lean_documents(config))
        files = finish(config, result, prepared, strict=strict)  # meanwhile, here
        if files is None:
            result.site = None
            return result
        generated, static = files
        reused |= old_index
        searched: list[Diagnostic] = []

        def place(staging: Path) -> None:
            """Move each page the workers wrote into the staging folder as soon as it is
            done; Pagefind reads each episode page meanwhile, and the episode cache is
            saved while it builds the index, or at once without search (the workers are
            busy: written after the last page, it was the build's serial tail)."""
            if indexer is None:
                save_episodes()
            for path in pages:
                if isinstance(path, Diagnostic):
                    raise _TemplateFailed(path)
                source = rendering / flat_name(path)
                if indexer is not None and indexed(path):
                    indexer.add(Page(path, source.read_text(encoding="utf-8")))
                (staging / path).parent.mkdir(parents=True, exist_ok=True)
                os.replace(source, staging / path)
            if indexer is not None:
                indexer.ask()
                save_episodes()
                searched.extend(indexer.finish(staging))

        same = None if prepared.todo or indexer else unchanged_output(out, static, generated, reused)
        if same is not None:  # nothing changed, and the published folder is still as written
            result.written, written = 0, same
        else:
            result.written = write_site(out, [], static, generated, reused=reused,
                                        before_swap=place) + len(prepared.todo)
            written = written_files(out)
    except _TemplateFailed as failed:
        result.check.diagnostics.append(failed.diagnostic)
        result.site = None
        return result
    except OSError as err:
        return cannot_write(result, err, config)
    finally:
        pages.close()
        if indexer is not None:
            indexer.close()
        save_episodes()  # done already when pages were placed; else now (a no-op if unchanged)
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


class _TemplateFailed(Exception):
    """A page could not be rendered: the staging folder is dropped, nothing is published."""

    def __init__(self, problem: Diagnostic) -> None:
        super().__init__(problem.message)
        self.diagnostic = problem

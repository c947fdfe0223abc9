"""Gather before writing: validate, plan every page, and collect the feeds and static files.

build() and the preview both start here; gather() renders everything in memory (the
preview and the tests), build() has the workers write the pages instead (publish.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from ..content.config import SiteConfig
from ..content.markdown import pygments_css
from ..diagnostics import Diagnostic, sort_diagnostics
from ..model import Site
from ..site.feeds import crawler_files
from ..site.indexes import build_site
from ..site.rebuild import plan_rebuild
from ..site.render import Page, Renderer
from ..site.search import indexed
from ..site.static_list import static_files
from ..urls import QUESTIONS, READING, page_file
from .check import check
from .load import EpisodeCache
from .page_render import render_page
from .pool import Stream, ordered_stream
from .previous import Previous, reusable
from .result import BuildResult, Clock


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


def generated_files() -> dict[str, str]:
    return {"static/pygments.css": pygments_css()}


@dataclass
class Prepared:
    """A valid site with its pages planned but not yet rendered."""

    site: Site
    plan: dict[str, Callable[[], Page]]
    todo: list[str]  # pages to render: the site-wide lists first, then in plan order
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
    clock = Clock()
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
    reused = reusable(previous, rebuild, list(plan), config.output)
    todo = longest_first([path for path in plan if path not in reused])
    return result, Prepared(site, plan, todo, reused, rebuild.related)


# Pages that list the whole site render longest (the reading list ≈ 0.75 s at 1000 episodes, an
# episode page ≈ 3 ms). The reading list is searched: the Indexer keeps it until its turn.
SITE_WIDE = (page_file(READING), page_file(QUESTIONS), page_file(""))


def longest_first(todo: list[str]) -> list[str]:
    """The pages to render with the site-wide ones first: last in plan order, one of them kept
    a worker busy for most of a second at the end of a cold build while the other waited."""
    heavy = [path for path in SITE_WIDE if path in todo]
    return heavy + [path for path in todo if path not in heavy]


def searched_first(plan: Iterable[str], todo: list[str]) -> list[str]:
    """A search build's order: the pages Pagefind reads, in the order it reads them, then the
    rest. Pagefind is then the build's critical path (one core, one page at a time), so it
    ends as much sooner as it starts; with the reading list first, the first page reached it
    0.6 s later. A long list page rendered last no longer holds anything up."""
    wanted = set(todo)
    searched = [path for path in plan if path in wanted and indexed(path)]
    return searched + [path for path in todo if not indexed(path)]


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
    clock = Clock()
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

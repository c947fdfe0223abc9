"""check() and build(): what the CLI and the preview server both call.

Gather, then write: every file is loaded and checked before anything is written.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from .config import SiteConfig
from .diagnostics import Diagnostic, diagnostic, sort_diagnostics
from .feeds import crawler_files
from .loader import episode_files, read_episode
from .markdown import pygments_css
from .model import Episode, Site
from .output import unsafe_output, write_site
from .render import render_site
from .search import search_files
from .site import build_site, check_site, involving
from .theme import static_dirs
from .urls import Urls


@dataclass
class CheckResult:
    diagnostics: list[Diagnostic]
    files: int
    episodes: list[Episode] = field(default_factory=list)

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

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return self.check.diagnostics

    @property
    def ok(self) -> bool:
        return self.site is not None


def check(config: SiteConfig, only: list[Path] | None = None) -> CheckResult:
    """Load and validate every episode (or just `only`, plus site-wide rules that involve them)."""
    files, skipped = episode_files(config)
    urls = Urls(config.base_path, config.base_url)
    problems = list(skipped)
    episodes = []
    for path in files:
        loaded = read_episode(path, config, urls)
        problems += loaded.diagnostics
        if loaded.episode:
            episodes.append(loaded.episode)
    problems += check_site(episodes)
    if only is not None:
        wanted = {p.resolve() for p in only}
        named = {d.location.file for d in problems} | {e.source for e in episodes}
        problems = involving(problems, episodes,
                             {f for f in named if (config.root / f).resolve() in wanted})
    return CheckResult(sort_diagnostics(problems), len(files), episodes)


def build(config: SiteConfig, *, strict: bool = False) -> BuildResult:
    """Validate, render every page in memory, then write the output folder in one swap."""
    started = time.perf_counter()
    result = BuildResult(check(config), config.output)
    reason = unsafe_output(config.output, config.root)
    if reason:
        result.check.diagnostics.append(diagnostic(
            "E041", reason, str(config.output), hint="choose another folder with --out"))
    if result.check.failed(strict):
        return result
    site = build_site(result.check.episodes, drafts=config.drafts, aliases=config.aliases)
    try:
        pages = render_site(site, config)
    except jinja2.TemplateError as err:
        result.check.diagnostics.append(_template_diagnostic(err, config.root))
        return result
    crawl, warnings = crawler_files(site, config, [page.path for page in pages])
    result.check.diagnostics = sort_diagnostics([*result.check.diagnostics, *warnings])
    if strict and warnings:
        return result
    index, warnings = search_files(pages) if config.search else ({}, [])
    result.check.diagnostics += warnings
    generated: dict[str, str | bytes] = {"static/pygments.css": pygments_css(), **crawl, **index}
    result.written = write_site(config.output, pages, static_dirs(config.root), generated)
    result.site, result.pages = site, len(pages)
    result.seconds = time.perf_counter() - started
    return result


def _template_diagnostic(err: jinja2.TemplateError, root: Path) -> Diagnostic:
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

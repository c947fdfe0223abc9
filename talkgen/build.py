"""check() and build(): what the CLI and the preview server both call.

Gather, then write: every file is loaded and checked before anything is written.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from .config import SiteConfig
from .diagnostics import Diagnostic, diagnostic, sort_diagnostics
from .feeds import crawler_files
from .loader import Loaded, episode_files, read_episode
from .markdown import pygments_css
from .model import Episode, Site
from .output import recover, unsafe_output, write_site
from .render import Page, render_site
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
    result = check_loaded([read_episode(path, config, urls) for path in files], skipped)
    if only is not None:
        wanted = {p.resolve() for p in only}
        named = {d.location.file for d in result.diagnostics} | {e.source for e in result.episodes}
        result.diagnostics = involving(result.diagnostics, result.episodes,
                                       {f for f in named if (config.root / f).resolve() in wanted})
    return result


def check_loaded(loaded: Sequence[Loaded], skipped: Sequence[Diagnostic] = ()) -> CheckResult:
    """Add the site-wide rules to episodes already loaded (the preview keeps them per file)."""
    problems = list(skipped)
    episodes = []
    for one in loaded:
        problems += one.diagnostics
        if one.episode:
            episodes.append(one.episode)
    problems += check_site(episodes)
    return CheckResult(sort_diagnostics(problems), len(loaded), episodes)


@dataclass
class SiteOutput:
    """Every file of a built site, gathered in memory before anything is written."""

    pages: list[Page]
    static_dirs: list[Path]
    generated: dict[str, str]

    def files(self) -> dict[str, bytes]:
        """Output path → content, for serving from memory; static files are read here."""
        files = {name: path.read_bytes() for name, path in static_files(self.static_dirs).items()}
        files.update((name, text.encode("utf-8")) for name, text in self.generated.items())
        files.update((page.path, page.html.encode("utf-8")) for page in self.pages)
        return files


def static_files(dirs: Sequence[Path]) -> dict[str, Path]:
    """Output path → source file; a later folder wins; symlinks leading out of a folder are skipped."""
    found: dict[str, Path] = {}
    for folder in dirs:
        inside = folder.resolve()
        for source in sorted(folder.rglob("*")):
            if source.is_file() and not source.name.startswith(".") \
                    and source.resolve().is_relative_to(inside):
                found["static/" + source.relative_to(folder).as_posix()] = source
    return found


def generated_files() -> dict[str, str]:
    return {"static/pygments.css": pygments_css()}


def gather(config: SiteConfig, *, strict: bool = False) -> tuple[BuildResult, SiteOutput | None]:
    """Validate and render every page in memory; the output is None when the site is invalid."""
    started = time.perf_counter()
    result = BuildResult(check(config), config.output)
    if result.check.failed(strict):
        return result, None
    site = build_site(result.check.episodes, drafts=config.drafts, aliases=config.aliases)
    try:
        pages = render_site(site, config)
    except jinja2.TemplateError as err:
        result.check.diagnostics.append(template_diagnostic(err, config.root))
        return result, None
    crawl, warnings = crawler_files(site, config, [page.path for page in pages])
    result.check.diagnostics = sort_diagnostics([*result.check.diagnostics, *warnings])
    if strict and warnings:
        return result, None
    result.site, result.pages = site, len(pages)
    result.seconds = time.perf_counter() - started
    return result, SiteOutput(pages, static_dirs(config.root), generated_files() | crawl)


def build(config: SiteConfig, *, strict: bool = False) -> BuildResult:
    """Validate, render every page in memory, then write the output folder in one swap."""
    started = time.perf_counter()
    reason = unsafe_output(config.output, config.root)
    if reason:
        result = BuildResult(check(config), config.output)
        result.check.diagnostics.append(diagnostic(
            "E041", reason, str(config.output), hint="choose another folder with --out"))
        return result
    recover(config.output)
    result, output = gather(config, strict=strict)
    if output is None:
        result.site = None
        return result
    index, warnings = search_files(output.pages) if config.search else ({}, [])
    result.check.diagnostics += warnings
    result.written = write_site(config.output, output.pages, output.static_dirs,
                                {**output.generated, **index})
    result.seconds = time.perf_counter() - started
    return result


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

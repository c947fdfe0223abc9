"""check(): load and validate every episode, then the rules that span the site.

What `talkgen check` runs, and the first step of every build and of the preview.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..content import assets
from ..content.config import SiteConfig
from ..content.episode import EPISODE_NAME, Loaded, episode_files, site_relative, with_frames
from ..diagnostics import Diagnostic, diagnostic, sort_diagnostics
from ..model import Episode
from ..site.indexes import check_site, involving
from .load import EpisodeCache, load_all


@dataclass
class CheckResult:
    """What checking found: the problems, the episodes loaded and their cache keys."""

    diagnostics: list[Diagnostic]
    files: int
    episodes: list[Episode] = field(default_factory=list)
    keys: dict[str, str] = field(default_factory=dict)  # episode source → content key

    def failed(self, strict: bool = False) -> bool:
        return any(d.is_error or strict for d in self.diagnostics)


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

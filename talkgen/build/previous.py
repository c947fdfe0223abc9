"""What the last build wrote, kept in the cache so the next one renders only what changed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from stat import S_ISREG

from ..content.config import SiteConfig
from ..model import Site
from ..site.indexes import build_site
from ..site.rebuild import Rebuild
from ..site.search import FOLDER as FOLDER_SEARCH
from ..site.search import indexed, verify
from ..site.theme import template_dirs
from .cache import code_hash, files_hash, search_versions
from .load import EpisodeCache

BUILD_FILE = "build.json"


@dataclass(frozen=True)
class Previous:
    """The last build of one configuration: its episodes (by content key), related episodes,
    and every file it wrote with its size and mtime."""

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


def reusable(previous: Previous | None, rebuild: Rebuild, paths: list[str],
             out: Path) -> dict[str, Path]:
    """Pages the planner says need no rendering, mapped to the last build's files (if intact)."""
    if previous is None or rebuild.everything:
        return {}
    return {path: file for path in paths
            if not rebuild.needs(path) and (file := previous.intact(out, path)) is not None}


def search_reusable(todo: list[str], previous: Previous | None, out: Path) -> dict[str, Path]:
    """The last build's index, when no episode page is rendered anew and every one of its
    files is still there as written and verifies; otherwise nothing (index again)."""
    if previous is None or any(indexed(path) for path in todo):
        return {}
    names = [path for path in previous.written if path.startswith(FOLDER_SEARCH + "/")]
    files = {path: previous.intact(out, path) for path in names}
    if not names or any(file is None for file in files.values()) or verify(out / FOLDER_SEARCH):
        return {}
    return {path: file for path, file in files.items() if file is not None}


def page_salt(config: SiteConfig) -> str:
    """Everything besides episodes that a rendered page depends on: code, config, templates,
    and with search Pagefind's version (pages are re-rendered, so re-indexed, when it changes)."""
    templates = [p for d in template_dirs(config.root) for p in d.rglob("*") if p.is_file()]
    searched = f"|{search_versions()}" if config.search else ""
    return f"{code_hash()}|{config!r}|{files_hash(templates)}{searched}"

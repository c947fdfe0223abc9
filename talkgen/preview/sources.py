"""The preview's inputs kept in memory per file: episodes (re-read one by one as they change)
and the static files, so an edit costs the files it touched rather than the whole folder."""

from __future__ import annotations

from pathlib import Path

from ..build.check import check_loaded
from ..build.load import load_all
from ..content.config import SiteConfig
from ..content.episode import Loaded, episode_files
from ..diagnostics import Diagnostic, sort_diagnostics
from ..model import Site
from ..site.indexes import build_site
from ..site.static_list import static_files


class Sources:
    """Episodes by file and static files by output path; not thread-safe (Preview locks)."""

    def __init__(self, config: SiteConfig, config_problems: list[Diagnostic]) -> None:
        self.config = config
        self.config_problems = config_problems
        self.loaded: dict[Path, Loaded] = {}
        self.skipped: list[Diagnostic] = []
        self.static: dict[str, Path] = {}
        self.static_refused: list[Diagnostic] = []  # W034, as the build reports them

    def read_all(self) -> None:
        self.loaded.clear()
        self.reread(set())
        self.static, self.static_refused = static_files(self.config.root)

    def reread(self, changed: set[Path]) -> None:
        """Read new and changed episode files again; forget deleted ones."""
        if self.loaded and all(p in self.loaded and p.is_file() for p in changed):
            self.loaded.update(self._load(sorted(changed)))
            return  # the same files as before: no need to list the folder again
        files, self.skipped = episode_files(self.config)
        fresh = self._load([p for p in files if p not in self.loaded or p in changed])
        self.loaded = {p: fresh[p] if p in fresh else self.loaded[p] for p in files}

    def _load(self, files: list[Path]) -> dict[Path, Loaded]:
        """The same loading path as the build (loading.load_all), without its on-disk cache."""
        return {one.path: one.loaded for one in load_all(self.config, files)}

    def checked(self) -> tuple[Site | None, list[Diagnostic]]:
        """The site with its diagnostics, or None (and why) when an error forbids building it."""
        result = check_loaded(list(self.loaded.values()), self.skipped, self.config.root)
        diagnostics = sort_diagnostics([*self.config_problems, *result.diagnostics,
                                        *self.static_refused])
        if result.failed():
            return None, diagnostics
        site = build_site(result.episodes, drafts=self.config.drafts, aliases=self.config.aliases)
        return site, diagnostics

    def refresh_static(self, changed: set[Path], files: dict[str, bytes]) -> set[str]:
        """Copy the changed static files alone into `files` (a site file may shadow or unshadow
        the theme's); returns the output paths touched."""
        if not changed:
            return set()
        fresh, self.static_refused = static_files(self.config.root)
        touched = set(self.static.keys() - fresh.keys())
        for name in touched:
            files.pop(name, None)
        for name, source in fresh.items():
            if source in changed or self.static.get(name) != source or name not in files:
                try:
                    files[name] = source.read_bytes()
                except OSError:
                    files.pop(name, None)
                touched.add(name)
        self.static = fresh
        return touched

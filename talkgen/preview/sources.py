"""The preview's inputs kept in memory per file: episodes (re-read one by one as they change)
and the static files, so an edit costs the files it touched rather than the whole folder.
The site-wide checks run on every edit; the source lines that frame their diagnostics are read
once per file (a generated site warns about every episode: reading them all took 200 ms)."""

from __future__ import annotations

from pathlib import Path

from ..build.check import check_loaded
from ..build.load import load_all
from ..content.assets import missing
from ..content.config import SiteConfig
from ..content.episode import Loaded, episode_files, site_relative, with_frames
from ..diagnostics import Diagnostic, sort_diagnostics
from ..model import Site
from ..site.reindex import reindex
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
        self._frames: dict[str, dict[Diagnostic, Diagnostic]] = {}  # file → with its line

    def read_all(self) -> None:
        self.loaded.clear()
        self._frames.clear()
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
        """The same loading path as the build (build.load.load_all), without its on-disk cache."""
        for path in files:  # their lines may have changed
            self._frames.pop(site_relative(path, self.config.root), None)
        return {one.path: one.loaded for one in load_all(self.config, files)}

    def checked(self, previous: Site | None = None) -> tuple[Site | None, list[Diagnostic]]:
        """The site with its diagnostics, or None (and why) when an error forbids building it.

        `previous` (the last good site, same config) lends its indexes when the edit kept them.
        """
        loaded = list(self.loaded.values())
        result = check_loaded(loaded, self.skipped)  # no root: framed below, from the cache
        own = {id(d) for d in self.skipped} | {id(d) for one in loaded for d in one.diagnostics}
        framed = self._framed(result.diagnostics, own)  # a frame leaves the order as it was
        pictures = self._framed(missing(result.episodes, self.config.root), set())
        extra = [*self.config_problems, *pictures, *self.static_refused]
        diagnostics = sort_diagnostics([*framed, *extra]) if extra else framed
        if result.failed() or any(d.is_error for d in pictures):
            return None, diagnostics
        site = reindex(previous, result.episodes, drafts=self.config.drafts,
                       aliases=self.config.aliases)
        return site, diagnostics

    def _framed(self, diagnostics: list[Diagnostic], own: set[int]) -> list[Diagnostic]:
        """Site-wide diagnostics (those not in `own`, made with their file at hand) with their
        source line, as check_loaded gives them to a build; each made once per file content."""
        def site_wide(d: Diagnostic) -> bool:
            return id(d) not in own and d.source_line is None and d.location.line > 0

        todo = [d for d in diagnostics
                if site_wide(d) and d not in self._frames.get(d.location.file, {})]
        for d, framed in zip(todo, with_frames(todo, self.config.root), strict=True):
            self._frames.setdefault(d.location.file, {})[d] = framed
        return [self._frames[d.location.file][d] if site_wide(d) else d for d in diagnostics]

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

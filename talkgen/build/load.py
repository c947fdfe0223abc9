"""Every episode file → Loaded: from the build cache when the bytes are unchanged, otherwise
parsed on every core. Same results, in the same order, whichever way they were obtained."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..content.config import SiteConfig
from ..content.episode import Loaded, parse_episode, site_relative
from ..diagnostics import diagnostic
from ..urls import Urls
from .cache import FOLDER, Store, code_hash, content_key
from .pool import ordered_map

CACHE_FILE = "episodes.json"


@dataclass(frozen=True)
class LoadedFile:
    """One episode file as loaded, with the content hash it is cached under."""

    path: Path
    key: str  # content hash ("" when the file could not be read)
    loaded: Loaded


class EpisodeCache:
    """Loaded episodes by content hash, read once per build and saved once at its end."""

    def __init__(self, config: SiteConfig) -> None:
        c = config  # the salt holds every setting a parsed episode depends on
        salt = (f"{code_hash()}|{c.allow_html}|{c.sections!r}|{c.base_path}|{c.base_url}|{c.title}"
                f"|{c.language}")
        self.store = Store(c.root / FOLDER, salt)
        self.entries: dict[str, Loaded] = self.store.read(CACHE_FILE, dict[str, Loaded]) or {}
        self._saved = set(self.entries)

    def save(self, keys: Iterable[str]) -> None:
        """Keep just `keys` (this build's files): the cache never grows past one site."""
        wanted = set(keys) & self.entries.keys()
        if wanted != self._saved:
            self.store.write(CACHE_FILE, {k: self.entries[k] for k in sorted(wanted)})
            self._saved = wanted


def load_all(config: SiteConfig, files: Sequence[Path], *, cache: EpisodeCache | None = None,
             parallel: bool = False) -> list[LoadedFile]:
    """Load every file, reusing the cached result of any whose bytes are unchanged."""
    urls = Urls(config.base_path, config.base_url)
    cached = cache.entries if cache is not None else {}
    results: list[LoadedFile] = []
    misses: list[tuple[int, bytes, str, str]] = []
    for path in files:
        rel = site_relative(path, config.root)
        try:
            data = path.read_bytes()
        except OSError as err:
            failed = Loaded(None, [diagnostic("E001", f"cannot read the file: {err.strerror}", rel)])
            results.append(LoadedFile(path, "", failed))
            continue
        key = content_key(rel, data)
        if key in cached:
            results.append(LoadedFile(path, key, cached[key]))
        else:
            misses.append((len(results), data, rel, path.name))
            results.append(LoadedFile(path, key, Loaded(None, [])))  # filled in below

    def parse(miss: tuple[int, bytes, str, str]) -> Loaded:
        return parse_episode(miss[1], miss[2], miss[3], config, urls)

    for miss, loaded in zip(misses, ordered_map(parse, misses, parallel=parallel), strict=True):
        placeholder = results[miss[0]]
        results[miss[0]] = LoadedFile(placeholder.path, placeholder.key, loaded)
        if cache is not None:
            cache.entries[placeholder.key] = loaded
    return results

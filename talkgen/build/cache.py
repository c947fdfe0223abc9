"""The persistent build cache in <site>/.talkgen-cache/: loaded episodes by content hash, and
what the last build wrote, so a warm build re-parses and re-renders only what changed.

Entries are plain JSON decoded by codec.py into the types the code declares, so a cache can
never run code; they are signed with a per-user key kept outside the site (signing.py), so a
`.talkgen-cache/` that arrives in a pull request cannot put forged pages into the site. The
folder and its files are never followed through a symlink. A damaged, foreign or outdated
cache is ignored and rebuilt, never an error.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import importlib
import importlib.metadata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__
from ..site.nofollow import create_new, is_real_dir, read_regular, replace_file
from ..site.theme import theme_root
from .codec import DecodeError, iterdumps, loads
from .signing import signing_key

FOLDER = ".talkgen-cache"
MAX_BYTES = 1 << 30  # far above any real site; a file claiming more is not read
_SIGNATURE = 32  # bytes of HMAC-SHA256 at the end of each file (written last, as it streams)
_PACKAGE = Path(__file__).resolve().parent.parent  # talkgen/
# Every library whose version can change a byte of a page, with the module whose __version__
# names it: reading that is ≈ 1 ms cheaper per library than importlib.metadata, which parses
# the library's METADATA file.
LIBRARIES = {"markdown-it-py": "markdown_it", "mdit-py-plugins": "mdit_py_plugins",
             "linkify-it-py": "linkify_it", "Pygments": "pygments", "Jinja2": "jinja2",
             "PyYAML": "yaml"}
# The search index's: their modules say 0.0.0a0 whatever is installed, so importlib.metadata
# is asked (≈ 4 ms, the first lookup scanning sys.path), and only by builds with search.
SEARCH_LIBRARIES = ("pagefind", "pagefind-bin-extended", "pagefind-bin")


@functools.cache
def code_hash() -> str:
    """talkgen's version and sources, the libraries' versions and the built-in theme: a cache
    written by any other combination is never read."""
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(_PACKAGE.rglob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    digest.update(library_versions().encode())
    theme = theme_root()
    digest.update(files_hash([p for d in ("templates", "static") for p in (theme / d).rglob("*")
                              if p.is_file()]).encode())
    return digest.hexdigest()


def library_versions() -> str:
    """The versions of the libraries that shape pages, as `name==version` joined by ";"."""
    return ";".join(_named(name, _module_version(module) or _installed_version(name))
                    for name, module in LIBRARIES.items())


@functools.cache
def search_versions() -> str:
    """The versions of Pagefind's packages, in the form of `library_versions`."""
    return ";".join(_named(name, _installed_version(name)) for name in SEARCH_LIBRARIES)


def _named(name: str, version: str | None) -> str:
    return f"{name}=={version}" if version else f"{name} absent"


def _module_version(module: str) -> str | None:
    with contextlib.suppress(ImportError):
        version = getattr(importlib.import_module(module), "__version__", None)
        if isinstance(version, str):
            return version
    return None


def _installed_version(name: str) -> str | None:
    """The version pip installed, None when the library is not installed."""
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def files_hash(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def content_key(rel: str, data: bytes) -> str:
    return hashlib.sha256(rel.encode() + b"\0" + data).hexdigest()


@dataclass
class Store:
    """One signed JSON file per name under the cache folder."""

    folder: Path
    salt: str  # everything besides content that the stored values depend on
    key: bytes | None = field(default_factory=signing_key)

    def read(self, name: str, kind: Any) -> Any:
        """The stored value, decoded as `kind`; None when missing, foreign, damaged or forged."""
        if self.key is None or not is_real_dir(self.folder):
            return None
        blob = read_regular(self.folder / name, MAX_BYTES)
        if blob is None:
            return None
        payload, signature = blob[:-_SIGNATURE], blob[-_SIGNATURE:]
        mac = self._mac()
        mac.update(payload)
        if len(blob) < _SIGNATURE or not hmac.compare_digest(signature, mac.digest()):
            return None  # foreign, damaged or written for another configuration
        try:
            return loads(payload, kind)
        except DecodeError:
            return None

    def write(self, name: str, value: Any) -> None:
        """Store `value`; a cache that cannot be written (full disk, read-only, too large to
        encode in the memory left) is just missing: the next build parses again."""
        if self.key is None:
            return
        with contextlib.suppress(OSError, MemoryError, RecursionError):
            if not self.folder.exists() and not self.folder.is_symlink():
                self.folder.mkdir(parents=True, exist_ok=True)
            if not is_real_dir(self.folder):
                return  # a symlink (perhaps committed) is never written through
            with contextlib.suppress(FileExistsError):
                create_new(self.folder / ".gitignore", b"*\n")
            replace_file(self.folder / name, self._signed(iterdumps(value)))

    def _signed(self, chunks: Iterator[bytes]) -> Iterator[bytes]:
        """The payload as it is encoded, then its signature: signed while streamed."""
        mac = self._mac()
        for chunk in chunks:
            mac.update(chunk)
            yield chunk
        yield mac.digest()

    def _mac(self) -> hmac.HMAC:
        assert self.key is not None
        return hmac.new(self.key, self.salt.encode() + b"\0", hashlib.sha256)


"""The persistent build cache in <site>/.talkgen-cache/: loaded episodes by content hash, and
what the last build wrote, so a warm build re-parses and re-renders only what changed.

Entries are pickled and signed with a key kept outside the site (in the user's cache
folder): a `.talkgen-cache/` that arrives in a pull request is ignored, never unpickled.
A damaged, foreign or outdated cache is ignored and rebuilt, never an error.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import os
import pickle
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__

FOLDER = ".talkgen-cache"
_PACKAGE = Path(__file__).resolve().parent


@functools.cache
def code_hash() -> str:
    """talkgen's version and source: a new talkgen never reads an old talkgen's cache."""
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(_PACKAGE.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def files_hash(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def content_key(rel: str, data: bytes) -> str:
    return hashlib.sha256(rel.encode() + b"\0" + data).hexdigest()


def _secret() -> bytes | None:
    """A per-user signing key, created once; None when there is nowhere to keep it."""
    home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "talkgen"
    path = home / "cache-key"
    try:
        if not path.exists():
            home.mkdir(parents=True, exist_ok=True)
            with path.open("xb") as f:
                os.fchmod(f.fileno(), 0o600)
                f.write(secrets.token_bytes(32))
        return path.read_bytes()
    except FileExistsError:
        return path.read_bytes()
    except OSError:
        return None


@dataclass
class Store:
    """One signed pickle per name under the cache folder."""

    folder: Path
    salt: str  # everything besides content that the stored values depend on
    key: bytes | None = field(default_factory=_secret)

    def read(self, name: str) -> Any:
        if self.key is None:
            return None
        try:
            blob = (self.folder / name).read_bytes()
        except OSError:
            return None
        signature, payload = blob[:32], blob[32:]
        expected = hmac.new(self.key, self.salt.encode() + payload, hashlib.sha256).digest()
        if not hmac.compare_digest(signature, expected):
            return None  # foreign, damaged or written for another configuration
        try:
            return pickle.loads(payload)
        except Exception:  # noqa: BLE001 - a damaged cache is a cache miss
            return None

    def write(self, name: str, value: Any) -> None:
        if self.key is None:
            return
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        signature = hmac.new(self.key, self.salt.encode() + payload, hashlib.sha256).digest()
        temporary = self.folder / f".{name}.{os.getpid()}"
        with contextlib.suppress(OSError):
            self.folder.mkdir(parents=True, exist_ok=True)
            (self.folder / ".gitignore").write_text("*\n")
            temporary.write_bytes(signature + payload)
            temporary.replace(self.folder / name)  # readers see the old file or the new one

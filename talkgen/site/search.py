"""The search index: Pagefind over the episode pages, fed each page while the build renders.

Pagefind's extended binary segments Chinese at index time, so 位置编码 is one word of the
index. It writes into the staging folder, and its files count only once Pagefind has exited
and they pass verify(): a broken index is a warning and no pagefind/ folder, never a
published search that fails in the browser.
"""

from __future__ import annotations

import base64
import json
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path, PurePosixPath

from ..content.config import SiteConfig
from ..diagnostics import Diagnostic, diagnostic
from ..urls import READING, page_file
from .render import Page
from .search_document import search_document

FOLDER = "pagefind"
INDEXED = "episodes/"  # the index pages only repeat what the episodes say
READING_PAGE = page_file(READING)  # …except the reading list, whose entries are searched too


def indexed(path: str) -> bool:
    """Pages the search index holds: the episodes and the reading list."""
    return path.startswith(INDEXED) or path == READING_PAGE


EXCLUDED = [".anchor"]  # the "#" link in every heading would end each sub-result title
ENTRY = "pagefind-entry.json"
SECONDS = 60.0  # a Pagefind that crashed never answers; give up after this long
SECONDS_PER_PAGE = 0.1


def lean_documents(config: SiteConfig) -> bool:
    """Whether Pagefind is sent lean documents: only when every tag on the pages is one
    talkgen wrote (raw HTML in episodes off), the shape search_document.py relies on."""
    return not config.allow_html


class Indexer:
    """Pagefind fed the episode pages in `order` as they are rendered.

    Pages already on disk (`files`, reused from the last build) are read and sent in their
    place in `order`, and a page rendered ahead of its turn waits for it, so the index is the
    same whichever pages were rendered anew and in whatever order. With `lean`, Pagefind is
    sent each page's lean document (search_document.py), which it indexes alike with a fifth
    less work; without (raw HTML in episodes), the page as it is.
    """

    def __init__(self, order: Sequence[str], files: Mapping[str, Path] | None = None,
                 timeout: float | None = None, *, lean: bool = True) -> None:
        self.order = [path for path in order if indexed(path)]
        self.files = dict(files or {})
        self.lean = lean
        self.limit = timeout if timeout is not None else SECONDS + SECONDS_PER_PAGE * len(self.order)
        self.problem: str | None = None
        self._next = 0
        self._early: dict[str, str] = {}  # pages rendered before their turn, as they will be sent
        self._service = None
        try:
            from .pagefind_service import PagefindService

            self._service = PagefindService(_binary(), {"exclude_selectors": EXCLUDED},
                                            time.monotonic() + self.limit)
        except Exception as err:  # noqa: BLE001 - search is optional: any failure becomes a warning
            self._fail(err)

    def add(self, page: Page) -> None:
        """Send `page` if it is indexed, once every page before it in the order is sent."""
        if indexed(page.path):
            self._early[page.path] = self._document(page.html)
            self._send_ready()

    def ask(self) -> None:
        """Every page is added: Pagefind may build the index while the caller does other work."""
        self._send_ready(everything=True)
        if self._service is not None and self.problem is None:
            try:
                self._service.ask_files()
            except Exception as err:  # noqa: BLE001
                self._fail(err)

    def finish(self, site: Path) -> list[Diagnostic]:
        """Write the index into site/pagefind/ and check it; a W060 and no folder when that fails."""
        out = site / FOLDER
        try:
            self.ask()
            if self._service is not None and self.problem is None:
                files = self._service.files()
                self._service.exit()  # ended on its own: nothing of it is left running
                _write(out, files)
                reason = verify(out)
                if reason:
                    raise BrokenIndex(reason)
        except Exception as err:  # noqa: BLE001
            self._fail(err)
        finally:
            self.close()
        if self.problem is not None:
            shutil.rmtree(out, ignore_errors=True)
            return [not_built(self.problem)]
        return []

    def close(self) -> None:
        if self._service is not None:
            self._service.close()
            self._service = None

    def _send_ready(self, everything: bool = False) -> None:
        """Send the pages whose turn it is: added, or on disk; with `everything`, skip the rest."""
        while self._next < len(self.order):
            path = self.order[self._next]
            if path in self._early:
                document: str | None = self._early.pop(path)
            elif path in self.files:
                document = self._document(self.files[path].read_text(encoding="utf-8"))
            elif everything:
                document = None  # never rendered: the caller has every page it will have
            else:
                return  # not rendered yet
            self._next += 1
            if document is not None:
                self._send(path, document)

    def _document(self, html: str) -> str:
        return (self.lean and search_document(html)) or html

    def _send(self, path: str, document: str) -> None:
        if self._service is None or self.problem is not None:
            return
        try:
            self._service.add(path, document)
        except Exception as err:  # noqa: BLE001
            self._fail(err)

    def _fail(self, err: Exception) -> None:
        if self.problem is None:
            self.problem = _reason(err, self.limit)
        self.close()


class BrokenIndex(Exception):
    """Pagefind exited but its files are not a usable index."""


def _write(out: Path, files: dict[str, str]) -> None:
    """Pagefind's files (base64), written by us: complete when this returns."""
    for name, content in sorted(files.items()):
        parts = PurePosixPath(name).parts
        if not parts or ".." in parts or name.startswith("/"):
            raise BrokenIndex(f"Pagefind named a file outside its folder: {name!r}")
        target = out.joinpath(*parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(base64.b64decode(content))


def verify(folder: Path) -> str | None:
    """Why the index in `folder` cannot be published (missing, empty or unreadable files), or None."""
    entry = folder / ENTRY
    if not (folder / "pagefind.js").is_file() or not entry.is_file():
        return f"Pagefind wrote no {ENTRY if (folder / 'pagefind.js').is_file() else 'pagefind.js'}"
    empty = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                   if p.is_file() and p.stat().st_size == 0)
    if empty:
        return f"Pagefind left {len(empty)} empty file(s), e.g. {empty[0]}"
    try:
        data = json.loads(entry.read_bytes())
        if not isinstance(data, dict) or not isinstance(data.get("languages"), dict):
            raise ValueError("no languages")
    except ValueError as err:
        return f"{ENTRY} is not a Pagefind entry file ({err})"
    return None


def search_files(pages: Sequence[Page], timeout: float | None = None, *,
                 lean: bool = True) -> tuple[dict[str, bytes], list[Diagnostic]]:
    """Output path → content of the Pagefind bundle; none, and a W060, when Pagefind cannot run."""
    return bundle(Indexer([page.path for page in pages], timeout=timeout, lean=lean), pages)


def bundle(indexer: Indexer, pages: Iterable[Page], stop: Callable[[], bool] = lambda: False,
           ) -> tuple[dict[str, bytes], list[Diagnostic]]:
    """Feed `pages` to `indexer` and return its bundle as output path → content, made in a
    temporary folder; nothing when `stop()` turns true before every page is fed."""
    with tempfile.TemporaryDirectory(prefix="talkgen-search-") as tmp:
        for page in pages:
            if stop():
                return {}, []
            indexer.add(page)
        problems = indexer.finish(Path(tmp))
        out = Path(tmp) / FOLDER
        files = {f"{FOLDER}/{path.relative_to(out).as_posix()}": path.read_bytes()
                 for path in sorted(out.rglob("*")) if path.is_file()}
    return files, problems


def _binary() -> Path:
    from pagefind.service import get_executable  # imported here: a missing package is a warning

    binary = get_executable()
    if binary is None:
        raise FileNotFoundError("no Pagefind binary found")
    return binary


def _reason(err: Exception, limit: float) -> str:
    if isinstance(err, TimeoutError):
        return f"Pagefind did not finish within {limit:.0f} s"
    if isinstance(err, BrokenIndex):
        return f"the index Pagefind wrote is broken: {err}"
    if isinstance(err, ImportError):
        return "the pagefind package is not installed"
    return f"Pagefind failed: {err.__class__.__name__}: {err}".rstrip(": ")


def not_built(reason: str) -> Diagnostic:
    return diagnostic("W060", f"search index not built: {reason}", FOLDER,
                      hint="pip install 'pagefind[extended]', or build with --no-search")

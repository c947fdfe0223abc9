"""The search index: Pagefind over the episode pages, built in memory before anything is written.

Pagefind's extended binary segments Chinese at index time, so 位置编码 is one word of the
index. It runs into a temporary folder whose files join the site's other generated files,
so a failed build never leaves a half-written index in the output folder.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .diagnostics import Diagnostic, diagnostic
from .render import Page

FOLDER = "pagefind"
INDEXED = "episodes/"  # the index pages only repeat what the episodes say
READING = "reading/index.html"  # …except the reading list, whose entries are searched too
EXCLUDED = [".anchor"]  # the "#" link in every heading would end each sub-result title
SECONDS = 60.0  # a Pagefind that crashed never answers; give up after this long
SECONDS_PER_PAGE = 0.1


def search_files(pages: Sequence[Page],
                 timeout: float | None = None) -> tuple[dict[str, bytes], list[Diagnostic]]:
    """Output path → content of the Pagefind bundle; none, and a W060, when Pagefind cannot run."""
    with tempfile.TemporaryDirectory(prefix="talkgen-search-") as tmp:
        site = Path(tmp) / "site"
        for page in pages:
            path = site / page.path
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(page.html, encoding="utf-8")
        problems = index_folder(site, timeout)
        out = site / FOLDER
        files = {f"{FOLDER}/{path.relative_to(out).as_posix()}": path.read_bytes()
                 for path in sorted(out.rglob("*")) if path.is_file()}
    return files, problems


def index_folder(site: Path, timeout: float | None = None) -> list[Diagnostic]:
    """Index the episode pages of a written site into site/pagefind/; a W060 when that fails,
    and then no pagefind/ folder at all rather than half of one."""
    count = sum(1 for _ in (site / INDEXED).rglob("*.html"))
    limit = timeout if timeout is not None else SECONDS + SECONDS_PER_PAGE * count
    out = site / FOLDER
    try:
        asyncio.run(asyncio.wait_for(_index(site, out), limit))
        if not (out / "pagefind.js").is_file():
            raise RuntimeError("Pagefind wrote no pagefind.js")
    except Exception as err:  # noqa: BLE001 - search is optional: any failure becomes a warning
        shutil.rmtree(out, ignore_errors=True)
        return [not_built(_reason(err, limit))]
    return []


async def _index(site: Path, out: Path) -> None:
    from pagefind.service import PagefindService  # imported here: a missing package is a warning

    # One request for the whole folder: the service answers one message per 0.1 s poll,
    # so adding 1000 pages one by one would cost 100 s.
    service = await PagefindService().launch()
    try:
        index = await service.create_index({"exclude_selectors": EXCLUDED,
                                            "output_path": str(out)})
        await index.add_directory(str(site), glob=f"{{{INDEXED}**/*.html,{READING}}}")
        await index.write_files()
    finally:
        await _stop(service)


async def _stop(service: Any) -> None:
    """End the Pagefind process, also when it hangs: the API's close() gives up on a timeout
    without ending it, so the process handle (a private attribute, pinned version) is used."""
    poll, process = getattr(service, "_poll_task", None), getattr(service, "_backend", None)
    if poll is not None:
        poll.cancel()
    if process is not None and process.returncode is None:
        process.kill()
        await process.wait()


def _reason(err: Exception, limit: float) -> str:
    if isinstance(err, TimeoutError):
        return f"Pagefind did not finish within {limit:.0f} s"
    if isinstance(err, ImportError):
        return "the pagefind package is not installed"
    return f"Pagefind failed: {err.__class__.__name__}: {err}".rstrip(": ")


def not_built(reason: str) -> Diagnostic:
    return diagnostic("W060", f"search index not built: {reason}", FOLDER,
                      hint="pip install 'pagefind[extended]', or build with --no-search")

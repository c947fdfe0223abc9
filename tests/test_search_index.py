"""The search index is published whole or not at all: Pagefind's files are checked before the
swap, a broken index is a warning and no pagefind/ folder, and only an intact, verified index
is reused by the next build."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import pytest

from talkgen.site.render import Page
from talkgen.site.search import FOLDER, Indexer, bundle, search_files, verify

from .conftest import run_talkgen

pytestmark = pytest.mark.slow  # Pagefind, real or a fake one started as a process

FAKE = Path(__file__).parent / "fakes" / "pagefind_service.py"


def fake_pagefind(tmp_path: Path, mode: str) -> dict[str, str]:
    """Environment that makes talkgen run the fake Pagefind in `mode`."""
    binary = tmp_path / "pagefind"
    binary.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{FAKE}" "$@"\n', encoding="utf-8")
    binary.chmod(0o755)
    return {"PAGEFIND_BINARY_PATH": str(binary), "FAKE_PAGEFIND": mode}


def index_files(site: Path) -> dict[str, int]:
    folder = site / FOLDER
    return {p.relative_to(folder).as_posix(): p.stat().st_size
            for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("mode", ["empty-entry", "not-json", "crash"])
def test_a_broken_index_is_a_warning_and_no_search_folder(fixture_site: Path, tmp_path: Path,
                                                          mode: str) -> None:
    result = run_talkgen("build", cwd=fixture_site, env=fake_pagefind(tmp_path, mode))
    assert result.returncode == 0, result.stderr
    assert "warning[W060]: search index not built" in result.stderr
    assert "Traceback" not in result.stderr
    assert (fixture_site / "_site" / "episodes" / "001" / "index.html").is_file()
    assert not (fixture_site / "_site" / FOLDER).exists()


@pytest.mark.timeout(60)
def test_a_pagefind_that_stops_reading_is_given_up_on(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in fake_pagefind(tmp_path, "stall").items():
        monkeypatch.setenv(name, value)
    pages = [Page(f"episodes/{n:03d}/index.html", "<p>" + "字" * 100_000 + "</p>")
             for n in range(1, 4)]  # more than a pipe holds: writing them would block
    started = time.monotonic()
    files, problems = search_files(pages, timeout=1)  # any limit: it would never finish
    assert files == {} and [d.code for d in problems] == ["W060"]
    assert "did not finish within 1 s" in problems[0].message
    assert time.monotonic() - started < 40


def _episode_page(n: int) -> Page:
    return Page(f"episodes/{n:03d}/index.html",
                f'<html lang="zh-CN"><body><main data-pagefind-body><h1>第 {n} 期</h1>'
                f"<p>位置编码 {n}</p></main></body></html>")


def test_pages_go_to_pagefind_in_plan_order_and_a_page_never_rendered_is_left_out() -> None:
    """The workers finish pages in any order, and the preview leaves out a page it cannot
    render: the Indexer holds a page until those before it in the plan are sent, and skips
    one that never comes, so the index is the one of the pages it had, in plan order."""
    order = [_episode_page(n).path for n in (1, 2, 3)]
    files, problems = bundle(Indexer(order, lean=False), [_episode_page(3), _episode_page(1)])
    assert problems == []
    expected, _ = search_files([_episode_page(1), _episode_page(3)], lean=False)
    assert json.loads(files[f"{FOLDER}/pagefind-entry.json"])["languages"]["zh-cn"]["page_count"] == 2
    assert files == expected


def test_every_index_pagefind_makes_is_complete() -> None:
    """Pagefind stopped after its WriteFiles reply left empty files in 1 of 20 builds (more
    under load); ten indexes in a row must each be whole."""
    pages = [_episode_page(n) for n in range(1, 4)]
    for _ in range(10):
        files, problems = search_files(pages)
        assert problems == []
        assert all(files.values()), [name for name, data in files.items() if not data]
        assert json.loads(files[f"{FOLDER}/pagefind-entry.json"])["languages"]


def test_only_an_intact_verified_index_is_reused(fixture_site: Path, tmp_path: Path) -> None:
    assert run_talkgen("build", cwd=fixture_site).returncode == 0
    out = fixture_site / "_site"
    entry = out / FOLDER / "pagefind-entry.json"
    first, inode = index_files(out), entry.stat().st_ino
    assert verify(out / FOLDER) is None
    # nothing changed: the index is kept as it is (the same files), Pagefind is not even run
    warm = run_talkgen("build", cwd=fixture_site, env=fake_pagefind(tmp_path, "crash"))
    assert warm.returncode == 0 and "W060" not in warm.stderr, warm.stderr
    assert entry.stat().st_ino == inode and index_files(out) == first
    # a damaged file means indexing again, not publishing the rest of the old index
    fragment = next((out / FOLDER / "fragment").iterdir())
    fragment.write_bytes(b"")
    again = run_talkgen("build", cwd=fixture_site)
    assert again.returncode == 0 and "W060" not in again.stderr, again.stderr
    assert index_files(out) == first
    assert verify(out / FOLDER) is None
    # an index that looks untouched (same size and time) but does not verify is not reused
    stat = entry.stat()
    entry.write_bytes(b"\0" * stat.st_size)
    os.utime(entry, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    forged = run_talkgen("build", cwd=fixture_site)
    assert forged.returncode == 0 and "W060" not in forged.stderr, forged.stderr
    assert verify(out / FOLDER) is None and index_files(out) == first


def test_a_search_build_renders_what_pagefind_reads_first_on_workers_that_give_way(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pagefind, on one core, is a search build's critical path: the workers render the
    pages it reads first, in its order, at a lower priority than this process. A build
    without search renders the site-wide lists first, at this process's own priority."""
    import talkgen.build.publish as publish
    from talkgen.build.page_render import render_into
    from talkgen.site.search import indexed

    from .sitegen import write_site

    site = write_site(tmp_path / "site", 70)  # enough pages for workers (pool.MIN_ITEMS)
    seen = tmp_path / "niceness"
    orders: list[list[str]] = []
    real_stream = publish.ordered_stream

    def recording(*args: object) -> object:
        seen.mkdir(exist_ok=True)
        (seen / str(os.getpid())).write_text(str(os.nice(0)), encoding="utf-8")
        return render_into(*args)  # type: ignore[arg-type]

    def streamed(task: object, items: list[str], **options: object) -> object:
        orders.append(list(items))
        return real_stream(task, items, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(publish, "render_into", recording)
    monkeypatch.setattr(publish, "ordered_stream", streamed)
    own = os.nice(0)
    for flags, env, expected in (([], fake_pagefind(tmp_path, "empty-entry"),
                                  own + publish.BEHIND_PAGEFIND),
                                 (["--no-search"], {}, own)):
        result = run_talkgen("build", *flags, cwd=site, env=env)
        assert "Traceback" not in result.stderr
        workers = {p.name: int(p.read_text(encoding="utf-8")) for p in seen.iterdir()}
        assert str(os.getpid()) not in workers and len(workers) >= 2
        assert set(workers.values()) == {min(expected, 19)}, (flags, workers)
        assert os.nice(0) == own
        for record in seen.iterdir():
            record.unlink()
    searched, plain = orders
    assert sorted(searched) == sorted(plain)
    read = [path for path in searched if indexed(path)]
    assert searched[:len(read)] == read and read[0] == "episodes/070/index.html"
    assert read[-1] == "reading/index.html"  # last in the plan's order, as Pagefind reads it
    assert plain[0] == "reading/index.html"  # a long page, first when nothing waits for it

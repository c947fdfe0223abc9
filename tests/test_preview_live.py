"""The preview keeps up with an editor: every save ends in a reload showing it (atomic renames
and bursts of writes included), and the search index is made in the background, never before
the first page."""

from __future__ import annotations

import http.client
import json
import os
import socket
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from talkgen.diagnostics import Diagnostic
from talkgen.preview.builder import Outcome, Preview
from talkgen.preview.server import PreviewServer
from talkgen.site.render import Page

from .serving import running_preview
from .sitegen import write_site

pytestmark = pytest.mark.timeout(90)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return write_site(tmp_path / "site", 6)


def fetch(server: PreviewServer, target: str) -> tuple[int, bytes]:
    host, port = server.httpd.server_address[:2]
    conn = http.client.HTTPConnection(str(host), int(port), timeout=10)
    conn.request("GET", target)
    response = conn.getresponse()
    return response.status, response.read()


class Events:
    """The preview's event stream, read as a browser tab would."""

    def __init__(self, server: PreviewServer) -> None:
        host, port = server.httpd.server_address[:2]
        self.conn = socket.create_connection((str(host), int(port)), timeout=10)
        self.conn.sendall(b"GET /__talkgen/events HTTP/1.0\r\n\r\n")
        self.stream = self.conn.makefile("rb")
        self.next("hello")

    def next(self, name: str) -> dict[str, object]:
        """The data of the next event called `name` (others are skipped)."""
        deadline = time.monotonic() + 10
        current = ""
        while time.monotonic() < deadline:
            line = self.stream.readline().decode("utf-8")
            assert line, "the event stream ended"
            if line.startswith("event: "):
                current = line[7:].strip()
            elif line.startswith("data: ") and current == name:
                data: dict[str, object] = json.loads(line[6:])
                return data
        raise AssertionError(f"no {name} event")


@pytest.fixture
def server(site: Path) -> Iterator[PreviewServer]:
    with running_preview(site) as running:
        yield running


def edited(site: Path, words: str) -> str:
    text = (site / "episodes" / "003.md").read_text(encoding="utf-8")
    assert "第 3 期开场。" in text
    return text.replace("第 3 期开场。", f"第 3 期开场。{words}")


def test_an_atomic_save_reloads_into_the_edited_page(server: PreviewServer, site: Path) -> None:
    events = Events(server)
    temporary = site / "episodes" / "003.md.tmp~"  # how many editors save: write, then rename
    temporary.write_text(edited(site, "原子保存的改动。"), encoding="utf-8")
    os.replace(temporary, site / "episodes" / "003.md")
    assert events.next("reload") == {"version": events_version(server), "css": False}
    status, page = fetch(server, "/episodes/003/")  # at once, as the reloading tab asks
    assert status == 200 and "原子保存的改动" in page.decode("utf-8")


def events_version(server: PreviewServer) -> str:
    return server.hub.tag()


class Slow(Preview):
    """A preview whose updates take as long as a big site's, so saves land while one runs
    (after it has read the files)."""

    def update(self, paths: Iterable[Path]) -> Outcome:
        outcome = super().update(paths)
        time.sleep(0.1)
        return outcome


@pytest.mark.parametrize(("gaps", "slow"), [
    ((0.0, 0.001, 0.002, 0.0, 0.003), False),  # an editor's burst: all within one debounce
    ((0.004, 0.03, 0.001, 0.05, 0.0, 0.02, 0.002), False),  # uneven: several batches
    ((0.05, 0.0, 0.02, 0.0), True),  # the last saves land while the first rebuild runs
])
def test_a_burst_of_saves_ends_with_the_last_one_served(site: Path, gaps: tuple[float, ...],
                                                        slow: bool) -> None:
    episode = site / "episodes" / "003.md"
    original = episode.read_text(encoding="utf-8")
    with running_preview(site, builder=Slow(site) if slow else None) as server:
        events = Events(server)
        for i, gap in enumerate(gaps):
            episode.write_text(original.replace("开场。", f"开场。第{i:02d}次保存。"),
                               encoding="utf-8")  # each the same size: only the content tells
            time.sleep(gap)
        last = f"第{len(gaps) - 1:02d}次保存"
        events.next("reload")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            page = fetch(server, "/episodes/003/")[1].decode("utf-8")
            if last in page:
                break
            events.next("reload")  # a later batch is still on its way
        assert last in page
        assert not [i for i in range(len(gaps) - 1) if f"第{i:02d}次保存" in page]  # the last alone
        assert server.hub.errors == []


class Gated(Preview):
    """A preview whose search index waits until the test opens the gate."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.gate = threading.Event()

    def index_search(self, cancel: threading.Event | None = None) -> list[Diagnostic]:
        assert self.gate.wait(60)
        return super().index_search(cancel)


@pytest.mark.slow  # Pagefind
def test_search_is_indexed_in_the_background_after_the_first_page(site: Path) -> None:
    builder = Gated(site)
    with running_preview(site, search=True, builder=builder) as server:
        status, page = fetch(server, "/episodes/003/")  # Pagefind has not even started
        assert status == 200 and "第 3 期开场" in page.decode("utf-8")
        assert fetch(server, "/pagefind/pagefind.js")[0] == 404
        builder.gate.set()
        search = server.search
        assert search is not None
        with search.done:
            assert search.done.wait_for(lambda: search.runs >= 1, 60)
        status, entry = fetch(server, "/pagefind/pagefind-entry.json")
        assert status == 200 and "languages" in json.loads(entry)
        assert fetch(server, "/pagefind/pagefind.js")[0] == 200


@pytest.mark.slow  # Pagefind and chromium
@pytest.mark.timeout(180)
def test_the_search_box_finds_a_word_saved_after_the_preview_started(site: Path) -> None:
    from .browser import chromium

    with running_preview(site, search=True) as server, chromium() as browser:
        search = server.search
        assert search is not None
        with search.done:
            assert search.done.wait_for(lambda: search.runs >= 1, 120)
        episode = site / "episodes" / "003.md"
        episode.write_text(edited(site, "后来写进去的蜂鸟协议。"), encoding="utf-8")
        with search.done:  # indexed again once saving has paused
            assert search.done.wait_for(lambda: search.runs >= 2, 120)
        tab = browser.new_page()
        tab.goto(server.url + "episodes/001/")
        tab.keyboard.press("/")
        tab.keyboard.type("蜂鸟协议")
        tab.locator(".site-search-hit").first.wait_for(timeout=15_000)
        hrefs = tab.eval_on_selector_all(".site-search-hit", "els => els.map(e => e.href)")
        assert hrefs[0].endswith("/episodes/003/"), hrefs


def test_pages_slow_to_render_wait_for_a_pause_but_are_rendered_then(site: Path) -> None:
    preview = Preview(site)
    preview.start()
    snapshot = preview._snapshot  # private: the render times it keeps
    assert snapshot is not None
    snapshot.cost["index.html"] = 5.0  # as the home page of a very big site
    episode = site / "episodes" / "003.md"
    text = episode.read_text(encoding="utf-8")
    episode.write_text(text.replace("summary: 本期讨论 LoRA。", "summary: 慢页面等一等。"),
                       encoding="utf-8")  # the home page shows the summary
    preview.update([episode])
    current = preview._snapshot
    assert current is not None and "index.html" in current.stale
    preview.settle(faster_than=0.1)  # what the background does while saves keep coming
    assert current.stale == {"index.html"}
    preview.settle()  # once they pause
    assert not current.stale
    assert "慢页面等一等" in (preview.read("index.html") or b"").decode("utf-8")


def test_a_site_wide_warning_shows_the_line_as_it_is_now(site: Path) -> None:
    """The source lines framing site-wide diagnostics are cached per file: an edit renews them."""
    episode = site / "episodes" / "003.md"
    text = episode.read_text(encoding="utf-8")
    episode.write_text(text.replace("date: 2023-01-28", "date: 2099-01-28"), encoding="utf-8")
    preview = Preview(site)
    first = preview.start()
    assert [d.source_line for d in first.diagnostics if d.code == "W049"] == ["date: 2099-01-28"]
    episode.write_text(text.replace("date: 2023-01-28", "date: 2098-02-28"), encoding="utf-8")
    again = preview.update([episode])
    assert [d.source_line for d in again.diagnostics if d.code == "W049"] == ["date: 2098-02-28"]
    episode.write_text(text.replace("date: 2023-01-28", "date:   2098-02-28"), encoding="utf-8")
    spaced = preview.update([episode])  # the same warning, word for word: only the line differs
    assert [d.source_line for d in spaced.diagnostics if d.code == "W049"] == ["date:   2098-02-28"]


def _children(marker: str) -> list[int]:
    """Processes started by this one whose command line contains `marker` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            if parent == os.getpid() and marker in (entry / "cmdline").read_text():
                found.append(int(entry.name))
        except (OSError, ValueError, IndexError):
            continue
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_stopping_the_preview_ends_a_pagefind_at_work(site: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    fake = Path(__file__).parent / "fakes" / "pagefind_service.py"
    binary = tmp_path / "pagefind"
    binary.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{fake}" "$@"\n', encoding="utf-8")
    binary.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(binary))
    monkeypatch.setenv("FAKE_PAGEFIND", "stall")  # answers once, then works for two minutes
    with running_preview(site, search=True):
        deadline = time.monotonic() + 20
        while not (working := _children("pagefind_service.py")):
            assert time.monotonic() < deadline, "Pagefind never started"
            time.sleep(0.05)
    deadline = time.monotonic() + 5
    while [pid for pid in working if Path(f"/proc/{pid}").exists()
           and "pagefind" in Path(f"/proc/{pid}/cmdline").read_text()]:
        assert time.monotonic() < deadline, "Pagefind outlived the preview"
        time.sleep(0.05)


def test_the_background_waits_while_a_request_renders_a_page(site: Path) -> None:
    """The page the browser asks for after a reload goes first: no background render competes
    with it (held open here, as a slow render of a big page)."""
    preview = Preview(site)
    preview.start()
    episode = site / "episodes" / "003.md"
    episode.write_text(edited(site, "先给浏览器。"), encoding="utf-8")
    preview.update([episode])
    snapshot = preview._snapshot  # private: to hold one render open
    assert snapshot is not None
    page = "episodes/003/index.html"
    render, entered, release = snapshot.plan[page], threading.Event(), threading.Event()

    def held() -> Page:
        entered.set()
        release.wait(10)
        return render()

    snapshot.plan.made()[page] = held
    asked: list[bytes | None] = []
    request = threading.Thread(target=lambda: asked.append(preview.read(page)), daemon=True)
    request.start()
    assert entered.wait(10)
    waiting = set(snapshot.stale)
    background = threading.Thread(target=preview.settle, daemon=True)
    background.start()
    time.sleep(0.3)
    assert snapshot.stale == waiting  # nothing rendered meanwhile
    release.set()
    request.join(10)
    background.join(10)
    assert "先给浏览器" in (asked[0] or b"").decode("utf-8")
    assert not snapshot.stale

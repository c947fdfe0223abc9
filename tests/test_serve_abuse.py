"""`talkgen serve` under load and abuse, over real sockets on 127.0.0.1: many clients while an
episode changes, slow clients, and request lines no browser would send.

Every loop here is bounded in count and in time; the whole file runs in well under a minute.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from talkgen.preview.builder import Preview
from talkgen.site.render import Page

from .serving import line_with, running_preview, start_serve
from .sitegen import episode_text, write_site

pytestmark = pytest.mark.timeout(90)

HOST = "127.0.0.1"
EPISODES = 8
EDITED = 3  # the episode rewritten in a loop during the load test
PAGES = ["/", *(f"/episodes/{n:03d}/" for n in range(1, EPISODES + 1)), "/topics/",
         "/contributors/", "/questions/", "/reading/", "/feed.xml", "/robots.txt",
         "/static/style.css"]  # no sitemap.xml: the preview has no base_url
MARK = re.compile(rb"V(\d{4})V")


def marked(version: int) -> str:
    """Episode 003 as its version-th edit: the mark in its title, first and last paragraph."""
    mark = f"V{version:04d}V"
    text = episode_text(EDITED, extra=f"改动 {mark}。")
    return text.replace(f"title: 第 {EDITED} 期", f"title: {mark} 第 {EDITED} 期") + f"\n结尾 {mark}。\n"


@dataclass
class Served:
    """A running `talkgen serve --port 0` and what it has printed since it was ready."""

    process: subprocess.Popen[str]
    site: Path
    port: int
    log: list[str] = field(default_factory=list)

    def get(self, target: str, timeout: float = 10) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection(HOST, self.port, timeout=timeout)
        try:
            conn.putrequest("GET", target, skip_accept_encoding=True)
            conn.endheaders()
            response = conn.getresponse()
            body = response.read()  # IncompleteRead if shorter than Content-Length
            assert len(body) == int(response.getheader("Content-Length", "-1")), target
            return response.status, body
        finally:
            conn.close()

    def raw(self, request: bytes, timeout: float = 5) -> bytes:
        """Send bytes as they are; everything the server answers until it closes."""
        with socket.create_connection((HOST, self.port), timeout=timeout) as conn:
            conn.sendall(request)
            answer = b""
            while chunk := conn.recv(65536):
                answer += chunk
            return answer

    def stop(self) -> str:
        """Ctrl-C, as a user stops it; its stderr. It must exit 0 without a traceback."""
        self.process.send_signal(signal.SIGINT)
        assert self.process.wait(20) == 0
        time.sleep(0.1)  # let the reader thread take the last lines
        err = "".join(self.log)
        assert "Traceback" not in err, err
        return err


@pytest.fixture
def served() -> Iterator[Served]:
    with tempfile.TemporaryDirectory() as folder:
        site = write_site(Path(folder) / "site", EPISODES)
        (site / "episodes" / f"{EDITED:03d}.md").write_text(marked(0), encoding="utf-8")
        process = start_serve(site, "--port", "0")
        try:
            url = line_with(process, "serving").split(" at ")[1].split()[0]
            line_with(process, "built the site")
            running = Served(process, site, int(urlsplit(url).port or 0))
            assert process.stderr is not None
            threading.Thread(target=running.log.extend, args=(process.stderr,), daemon=True).start()
            yield running
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(10)


def whole_page_problem(target: str, status: int, body: bytes, marks_on_page: int) -> str | None:
    """Why a response under load is wrong, or None: 200, a whole document, one version of 003."""
    if status != 200:
        return f"{target}: status {status}"
    if not target.endswith(("/", ".html")):
        return None
    if not (body.startswith(b"<!doctype html>") and body.rstrip().endswith(b"</html>")):
        return f"{target}: not a whole document ({len(body)} bytes)"
    versions = set(MARK.findall(body))
    if len(versions) > 1:
        return f"{target}: a mixture of versions {sorted(versions)}"
    if target == f"/episodes/{EDITED:03d}/" and (not versions or len(MARK.findall(body)) != marks_on_page):
        return f"{target}: {len(MARK.findall(body))} marks instead of {marks_on_page}"
    return None


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


# A named stress test (marker `slow`): 5 s of load by default, TALKGEN_LOAD_SECONDS=60 for more.
LOAD_SECONDS = float(os.environ.get("TALKGEN_LOAD_SECONDS", "3"))
CLIENTS, EDIT_PAUSE, MAX_EDITS = 50, 0.15, int(LOAD_SECONDS * 20)


@pytest.mark.slow  # a stress test
def test_fifty_clients_get_whole_pages_while_an_episode_changes(served: Served) -> None:
    first = {target: served.get(target) for target in PAGES}
    assert {target: status for target, (status, _) in first.items()} == dict.fromkeys(PAGES, 200)
    marks_on_page = len(MARK.findall(first[f"/episodes/{EDITED:03d}/"][1]))
    assert marks_on_page >= 3
    tally, stop = Tally(), threading.Event()
    edits = [0]

    def edit() -> None:
        """Rewrite the episode as a saving editor does: a new file renamed over the old one."""
        scratch = served.site / "scratch.md"  # outside episodes/, not watched
        for version in range(1, MAX_EDITS + 1):
            if stop.wait(EDIT_PAUSE):
                return
            scratch.write_text(marked(version), encoding="utf-8")
            os.replace(scratch, served.site / "episodes" / f"{EDITED:03d}.md")
            edits[0] = version

    def client(offset: int) -> None:
        for request in range(offset, offset + 100_000):
            if stop.is_set():
                return
            target = PAGES[request % len(PAGES)]
            started = time.monotonic()
            try:
                status, body = served.get(target)
                problem = whole_page_problem(target, status, body, marks_on_page)
            except (OSError, http.client.HTTPException, AssertionError) as err:
                problem = f"{target}: {type(err).__name__}: {err}"
            with tally.lock:
                tally.latencies.append(time.monotonic() - started)
                if problem:
                    tally.problems.append(problem)

    threads = [threading.Thread(target=edit, daemon=True)]
    threads += [threading.Thread(target=client, args=(i,), daemon=True) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    time.sleep(LOAD_SECONDS)
    stop.set()
    for thread in threads:
        thread.join(15)
    assert not any(thread.is_alive() for thread in threads)

    latencies = sorted(tally.latencies)
    print(f"\n{len(latencies)} requests from {CLIENTS} clients in {LOAD_SECONDS:.0f} s during "
          f"{edits[0]} edits: {len(tally.problems)} failed; latency median "
          f"{statistics.median(latencies) * 1000:.0f} ms, p99 "
          f"{latencies[int(len(latencies) * 0.99)] * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms")
    assert (len(tally.problems), tally.problems[:10]) == (0, [])
    assert len(latencies) >= 50 * LOAD_SECONDS and edits[0] >= 2 * LOAD_SECONDS  # it did load

    # no stale page either: once the edits stop, every page that shows 003 shows its last version
    final, deadline = f"V{edits[0]:04d}V".encode(), time.monotonic() + 10
    showing = [t for t, (_, body) in first.items() if MARK.search(body) and t.endswith("/")]
    while (late := [t for t in showing if final not in served.get(t)[1]]) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert late == []
    served.stop()


def test_a_page_rendered_for_an_older_edit_never_replaces_a_newer_one(tmp_path: Path) -> None:
    """The race behind a stale page: a request renders edit 1 slowly, edit 2 arrives and is
    rendered; the slow render, finishing last, must not put edit 1 back (held open here)."""
    site = write_site(tmp_path / "site", EPISODES)
    episode, page = site / "episodes" / f"{EDITED:03d}.md", f"episodes/{EDITED:03d}/index.html"
    preview = Preview(site)
    preview.start()
    episode.write_text(marked(1), encoding="utf-8")
    preview.update([episode])
    plan = preview._snapshot.plan  # type: ignore[union-attr]  # private: to hold one render open
    render, entered, release = plan[page], threading.Event(), threading.Event()

    def held() -> Page:
        entered.set()
        release.wait(10)
        return render()

    plan.made()[page] = held
    slow: list[bytes | None] = []
    reader = threading.Thread(target=lambda: slow.append(preview.read(page)), daemon=True)
    reader.start()
    assert entered.wait(10)
    episode.write_text(marked(2), encoding="utf-8")
    preview.update([episode])
    assert b"V0002V" in (preview.read(page) or b"")
    release.set()
    reader.join(10)
    assert b"V0001V" in (slow[0] or b"")  # the request that came before edit 2 sees edit 1
    assert b"V0002V" in (preview.read(page) or b"")  # and the page stays at edit 2


SLOW_CLIENTS, SLOW_SECONDS = 20, 2.0


def test_slow_clients_do_not_hold_up_the_others(served: Served) -> None:
    head = b"GET /episodes/001/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 40
    slow = [socket.create_connection((HOST, served.port), timeout=10) for _ in range(SLOW_CLIENTS)]
    done, sent = threading.Event(), [0]

    def dribble() -> None:
        """One byte per socket every 0.1 s: each is always still sending its request."""
        while sent[0] < len(head) and not done.wait(0.1):
            for conn in slow:
                conn.sendall(head[sent[0]:sent[0] + 1])
            sent[0] += 1

    dribbler = threading.Thread(target=dribble, daemon=True)
    dribbler.start()
    latencies, statuses = [], set()
    deadline = time.monotonic() + SLOW_SECONDS
    for request in range(20_000):
        if time.monotonic() > deadline:
            break
        started = time.monotonic()
        statuses.add(served.get(PAGES[request % len(PAGES)], timeout=5)[0])
        latencies.append(time.monotonic() - started)
    done.set()
    dribbler.join(5)
    print(f"\nwith {SLOW_CLIENTS} slow clients: {len(latencies)} requests, median "
          f"{statistics.median(latencies) * 1000:.1f} ms, max {max(latencies) * 1000:.1f} ms")
    assert statuses == {200}
    assert len(latencies) >= 50 and max(latencies) < 1.0

    assert 10 < sent[0] < len(head)  # they were still sending all along
    for conn in slow:  # slow but legitimate: once their request is whole, they are answered
        conn.sendall(head[sent[0]:] + b"\r\n\r\n")
    answers = []
    for conn in slow:
        with conn:
            answers.append(conn.makefile("rb").readline())
    assert set(answers) == {b"HTTP/1.0 200 OK\r\n"}
    served.stop()


SILENT_TIMEOUT = 1.0  # the server's request timeout in this test (talkgen serve's is 10 s)


def test_a_client_that_goes_silent_is_disconnected(tmp_path: Path) -> None:
    """Silent clients, before or within a request, are cut off after the request timeout,
    answer-less, while everyone else is served; the preview server runs in this process with
    a timeout of 1 s instead of talkgen serve's 10, so the test need not wait 10 s."""
    site = write_site(tmp_path / "site", 2)
    with running_preview(site, request_timeout=SILENT_TIMEOUT) as server:
        port = server.httpd.server_address[1]
        started = time.monotonic()  # each connection's timeout starts after this
        silent = []
        for request in (b"", b"GET /episodes/0", b"GET / HTTP/1.1\r\nHost: 127"):
            for _ in range(5):
                conn = socket.create_connection((HOST, port), timeout=SILENT_TIMEOUT + 4)
                conn.sendall(request)
                silent.append(conn)
        page = http.client.HTTPConnection(HOST, port, timeout=10)
        page.request("GET", "/")
        assert page.getresponse().status == 200  # not held up by the silent ones
        page.close()
        for conn in silent:
            with conn:
                assert conn.recv(100) == b""  # closed by the server, without an answer
        assert SILENT_TIMEOUT <= time.monotonic() - started < SILENT_TIMEOUT + 4  # by the timeout


LONG = b"/" + b"a" * 100_000
ABUSE = [  # (what, request bytes, status line the server must answer with)
    ("100 KB path", b"GET " + LONG + b" HTTP/1.1\r\n\r\n", 414),
    ("100 KB query", b"GET /?q=" + LONG + b" HTTP/1.1\r\n\r\n", 414),
    ("100 KB without spaces", LONG + b"\r\n\r\n", 414),
    ("raw NUL", b"GET /\x00 HTTP/1.1\r\n\r\n", 404),
    ("raw NUL in a page's path", b"GET /episodes/001/\x00 HTTP/1.1\r\n\r\n", 404),
    ("%00", b"GET /%00 HTTP/1.1\r\n\r\n", 404),
    ("%00 before a suffix", b"GET /index.html%00.css HTTP/1.1\r\n\r\n", 404),
    ("%zz", b"GET /%zz HTTP/1.1\r\n\r\n", 404),
    ("lone %", b"GET /% HTTP/1.1\r\n\r\n", 404),
    ("truncated UTF-8 %e4%bd", b"GET /topics/%e4%bd/ HTTP/1.1\r\n\r\n", 404),
    ("overlong UTF-8 dot", b"GET /%c0%ae%c0%ae/talkgen.yaml HTTP/1.1\r\n\r\n", 404),
    ("raw non-UTF-8 bytes", b"GET /\xff\xfe\xe4\xbd HTTP/1.1\r\n\r\n", 404),
    ("raw non-UTF-8 in a page's path", b"GET /episodes/003/\xe4\xbd HTTP/1.1\r\n\r\n", 404),
    ("traversal", b"GET /../../../../etc/passwd HTTP/1.1\r\n\r\n", 404),
    ("asterisk form", b"GET * HTTP/1.1\r\n\r\n", 404),
    ("unknown method", b"BREW / HTTP/1.1\r\n\r\n", 501),
    ("POST with a body", b"POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello", 501),
    ("lower-case method", b"get / HTTP/1.1\r\n\r\n", 501),
    ("NUL in the method", b"G\x00ET / HTTP/1.1\r\n\r\n", 501),
    ("10 KB method", b"M" * 10_000 + b" / HTTP/1.1\r\n\r\n", 501),
    ("HTTP/0.9 request", b"GET /\r\n\r\n", 400),
    ("HTTP/0.9 POST", b"POST /\r\n\r\n", 400),
    ("a method alone", b"GET\r\n\r\n", 400),
    ("binary garbage (a TLS hello)", b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03\r\n\r\n", 400),
    ("not HTTP", b"GET / FOO/1.1\r\n\r\n", 400),
    ("bad version number", b"GET / HTTP/1.x\r\n\r\n", 400),
    ("four words", b"GET / HTTP/1.1 extra\r\n\r\n", 400),
    ("HTTP/9.9", b"GET / HTTP/9.9\r\n\r\n", 505),
    ("101 headers", b"GET / HTTP/1.1\r\n" + b"X-A: b\r\n" * 101 + b"\r\n", 431),
    ("70 KB header", b"GET / HTTP/1.1\r\nX-A: " + b"b" * 70_000 + b"\r\n\r\n", 431),
    ("non-UTF-8 Host", b"GET / HTTP/1.1\r\nHost: \xff\xfe\r\n\r\n", 421),  # not a name it answers to
    ("absolute form", b"GET http://elsewhere.example/ HTTP/1.1\r\n\r\n", 200),
    ("bogus Content-Length on a GET", b"GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 200),
]


def test_requests_no_browser_sends_get_a_status_and_no_traceback(served: Served) -> None:
    wrong = {}
    for what, request, status in ABUSE:
        answer = served.raw(request)
        line = answer.split(b"\r\n", 1)[0]
        if not line.startswith(b"HTTP/1.0 %d " % status):
            wrong[what] = line[:80] or answer[:80]
    assert wrong == {}
    assert served.raw(b"\r\n") == b""  # an empty line and nothing else: closed, nothing to answer
    assert served.raw(b"HEAD / HTTP/1.0\r\n\r\n").endswith(b"\r\n\r\n")  # headers, no body
    assert [served.get(target)[0] for target in PAGES] == [200] * len(PAGES)
    served.stop()


@pytest.mark.parametrize(("host", "warned"), [("127.0.0.1", False), ("127.0.0.2", True)])
def test_an_address_other_than_loopback_is_warned_about(tmp_path: Path, host: str,
                                                       warned: bool) -> None:
    process = start_serve(write_site(tmp_path / "site", 2), "--host", host, "--port", "0")
    try:
        lines = []
        while "built the site" not in (line := line_with(process, "")):
            lines.append(line)
        assert f"serving on {host}: anyone who can reach this machine" in "".join(lines) if warned \
            else "warning" not in "".join(lines)
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(20) == 0

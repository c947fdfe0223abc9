"""The live preview server: HTTP over a builder, a rebuild loop fed by the watcher, reload events.

It does not know what it serves: a builder builds, updates on changed paths and answers
`read(output path)`. Watch events only collect paths; one loop debounces and rebuilds, and
requests wait on the builder while it works, so a half-built site is never served. The reload
event goes out as soon as an update has marked what is stale; another thread renders the stale
pages afterwards, and gives way whenever an edit is waiting, so a save never queues behind a
long page render.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import secrets
import threading
from collections import deque
from collections.abc import Callable, Iterable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path, PurePosixPath
from typing import Protocol
from urllib.parse import unquote, urlsplit

from ..diagnostics import Diagnostic, format_text
from ..urls import NOT_FOUND as NOT_FOUND_PAGE
from ..urls import page_file
from .builder import Outcome
from .hosts import HostCheck
from .livereload import EVENTS_PATH, event, inject, overlay_payload
from .search import BackgroundSearch
from .watcher import Watcher

TYPES = {
    ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json", ".xml": "application/xml", ".txt": "text/plain; charset=utf-8",
    ".wasm": "application/wasm", ".svg": "image/svg+xml", ".png": "image/png",
    ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp",
    ".ico": "image/x-icon", ".woff2": "font/woff2", ".pdf": "application/pdf",
}
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
KEEPALIVE = 15.0
RENDER_PAUSE = 0.02  # seconds the background renders wait after an update: the reload event
# and the browser's request for the edited page go first
SLOW_PAGE = 0.1  # seconds: pages this slow to render (the whole-site lists) wait until the editor
IDLE = 1.0  # has paused this long, so that a save seldom arrives while the GIL is theirs
REQUEST_TIMEOUT = 10.0  # seconds a client may stay silent while sending a request or reading a reply


class Builder(Protocol):
    """What the server needs from a builder (incremental.Preview is one)."""

    @property
    def base_path(self) -> str: ...
    def watched(self) -> list[tuple[Path, bool]]: ...
    def start(self) -> Outcome: ...
    def update(self, paths: Iterable[Path]) -> Outcome: ...
    def read(self, path: str) -> bytes | None: ...
    def settle(self, stop: Callable[[], bool], faster_than: float = ...) -> list[Diagnostic]: ...
    def index_search(self, cancel: threading.Event) -> list[Diagnostic]: ...


class ServeError(Exception):
    """A problem starting the server that the user can fix, in one line."""


def output_path(target: str, base_path: str) -> str | None:
    """Request target → output path inside the site, or None for anything that could leave it."""
    raw = urlsplit(target).path
    path = unquote(raw, errors="replace")
    if "\\" in path or "\x00" in path or "\ufffd" in path or not path.startswith(base_path):
        return None
    parts = path[len(base_path):].split("/")
    if any(p in (".", "..") for p in parts) or any(p == "" for p in parts[:-1]):
        return None
    rel = "/".join(parts)
    return page_file(rel) if rel == "" or rel.endswith("/") else rel


def content_type(path: str) -> str:
    return TYPES.get(PurePosixPath(path).suffix.lower(), "application/octet-stream")


class Hub:
    """The reload/error state every open page follows; events are numbered so none is missed."""

    def __init__(self) -> None:
        self.token = secrets.token_hex(4)
        self.version = 0
        self.errors: list[dict[str, object]] = []
        self.closed = False
        self._events: deque[tuple[int, bytes]] = deque(maxlen=64)
        self._cond = threading.Condition()

    def tag(self) -> str:
        return f"{self.token}-{self.version}"

    def publish(self, name: str, **data: object) -> None:
        with self._cond:
            self.version += 1
            if name == "errors":
                self.errors = data["errors"]  # type: ignore[assignment]
            self._events.append((self.version, event(name, {"version": self.tag(), **data})))
            self._cond.notify_all()

    def hello(self) -> tuple[int, bytes]:
        with self._cond:
            return self.version, event("hello", {"version": self.tag(), "errors": self.errors})

    def wait(self, seen: int, timeout: float) -> tuple[int, list[bytes]]:
        """Events after `seen`, waiting up to `timeout`; an empty list means keep-alive or closed."""
        with self._cond:
            self._cond.wait_for(lambda: self.version > seen or self.closed, timeout)
            fresh = [data for number, data in self._events if number > seen]
            return self.version, fresh

    def close(self) -> None:
        with self._cond:
            self.closed = True
            self._cond.notify_all()


class PreviewServer:
    """Build, then serve and rebuild until close() or Ctrl-C. Binding happens in __init__."""

    def __init__(self, builder: Builder, host: str = "127.0.0.1", port: int = 0, *,
                 log: Callable[[str], None] = lambda line: None, colour: bool = False,
                 quiet: float = 0.05, search: bool = True,
                 request_timeout: float = REQUEST_TIMEOUT) -> None:
        self.builder, self.log, self.colour, self.quiet = builder, log, colour, quiet
        self.request_timeout = request_timeout
        self.hub = Hub()
        self.search = BackgroundSearch(builder.index_search, log) if search else None
        self.ready = threading.Event()
        self._stopping = threading.Event()
        self._updating = threading.Event()  # a batch of changes is being built
        self._stale = threading.Event()  # an update left pages to render in the background
        try:
            self.httpd = _Server((host, port), _Handler)
        except OSError as err:
            reason = "is already in use" if err.errno == errno.EADDRINUSE else f"failed: {err.strerror}"
            raise ServeError(f"cannot listen on {host}:{port}: the port {reason}; "
                             "try --port 0 for a free one") from None
        self.httpd.app = self
        self.hosts = HostCheck(host, str(self.httpd.server_address[0]))

    @property
    def url(self) -> str:
        address, port = self.httpd.server_address[:2]
        host = address.decode() if isinstance(address, bytes) else address
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}{self.builder.base_path}"

    def run(self) -> None:
        """Blocks: the first build, then serving and rebuilding; cleans up however it ends."""
        watcher: Watcher | None = None
        try:
            self.report(self.builder.start(), first=True)
            gc.freeze()  # the site stays in memory: collections need not walk it again and again
            if self.search:
                self.search.start()
                self.search.want(now=True)
            watcher = Watcher(self.builder.watched(), quiet=self.quiet)
            watcher.start()
            threading.Thread(target=self._rebuild_loop, args=(watcher,), daemon=True,
                             name="talkgen-rebuild").start()
            threading.Thread(target=self._render_loop, args=(watcher,), daemon=True,
                             name="talkgen-render").start()
            self.ready.set()
            self.httpd.serve_forever(poll_interval=0.2)
        finally:
            self._stopping.set()
            self._stale.set()
            if self.search:
                self.search.close()
            self.hub.close()
            gc.unfreeze()
            if watcher:
                watcher.stop()
            self.httpd.server_close()

    def close(self) -> None:
        """Stop serving (from another thread)."""
        self._stopping.set()
        self.httpd.shutdown()

    def _rebuild_loop(self, watcher: Watcher) -> None:
        while not self._stopping.is_set():
            batch = watcher.next_batch(self._stopping)
            if not batch or self._stopping.is_set():
                continue
            self._updating.set()
            try:
                outcome = self.builder.update(batch)
                self.report(outcome)
            finally:
                self._updating.clear()
                self._stale.set()
            if self.search and outcome.ok and outcome.pages and not outcome.css_only:
                self.search.want()

    def _render_loop(self, watcher: Watcher) -> None:
        """Render what the last update left stale, a page at a time, while no edit waits."""
        def give_way() -> bool:
            return watcher.busy or self._updating.is_set() or self._stale.is_set() \
                or self._stopping.is_set()

        while not self._stopping.is_set():
            self._stale.wait()
            self._stale.clear()
            self._stopping.wait(RENDER_PAUSE)
            late = self.builder.settle(give_way, SLOW_PAGE)
            if not give_way() and not self._stale.wait(IDLE):  # no edit for a while
                late += self.builder.settle(give_way)
            if late:
                self.report(Outcome("pages", tuple(late)))

    def report(self, outcome: Outcome, first: bool = False) -> None:
        """Tell the terminal and every open page what the last build did."""
        errors = outcome.errors
        for d in errors:
            self.log(format_text(d, colour=self.colour) + "\n")
        ms = f"{outcome.seconds * 1000:.0f} ms"
        if errors:
            self.log(f"build failed with {len(errors)} error{'s' * (len(errors) != 1)}; "
                     "still serving the last good site")
            self.hub.publish("errors", errors=overlay_payload(errors))
            return
        if self.hub.errors:
            self.hub.publish("errors", errors=[])
        if first:
            self.log(f"built the site in {ms}: {len(outcome.pages)} files")
        elif outcome.pages:
            self.log(f"rebuilt {outcome.what} in {ms} ({len(outcome.pages)} files)")
            self.hub.publish("reload", css=outcome.css_only)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 128  # the default 5 drops connections when a page loads many files at once
    app: PreviewServer

    def handle_error(self, request: object, client_address: object) -> None:
        """A browser closing a connection mid-response is normal, not worth a traceback."""


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    raw_requestline: bytes  # set by the stdlib's handle_one_request, not in its type stubs
    server_version = "talkgen"
    default_request_version = "HTTP/1.0"  # so errors about a bad request line have a status line

    def setup(self) -> None:
        """A slow or silent client frees its thread after the server's request timeout."""
        super().setup()
        self.connection.settimeout(self.server.app.request_timeout)

    def parse_request(self) -> bool:
        """The stdlib's, but a request line without an HTTP version (HTTP/0.9, or garbage) is a 400
        at once, instead of waiting for headers and answering in HTTP/0.9."""
        if len(self.raw_requestline.split()) in (1, 2):
            self.command, self.request_version = "", self.default_request_version
            self.requestline = self.raw_requestline.decode("iso-8859-1").rstrip("\r\n")
            self.send_error(HTTPStatus.BAD_REQUEST, "Bad request line: expected METHOD PATH HTTP/1.1")
            return False
        return super().parse_request()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        """Quiet: the terminal is for build results."""

    def do_HEAD(self) -> None:
        if self._known_host(head=True):
            self._answer(head=True)

    def do_GET(self) -> None:
        if not self._known_host(head=False):
            return
        if urlsplit(self.path).path == EVENTS_PATH:
            self._events()
        else:
            self._answer(head=False)

    def _known_host(self, head: bool) -> bool:
        """421 for a Host this server was not started as (a DNS-rebinding page, for one)."""
        if self.server.app.hosts.allows(self.headers.get("Host")):
            return True
        self._send(HTTPStatus.MISDIRECTED_REQUEST, b"421: this preview answers only its own "
                   b"host names (see --host)\n", "text/plain; charset=utf-8", head)
        return False

    def _answer(self, head: bool) -> None:
        app = self.server.app
        base = app.builder.base_path
        if urlsplit(self.path).path in ("/", "") and base != "/":
            return self._send(HTTPStatus.FOUND, b"", "text/plain", head, {"Location": base})
        path = output_path(self.path, base)
        body = app.builder.read(path) if path else None
        if body is None and path and app.builder.read(path + "/index.html") is not None:
            location = urlsplit(self.path).path + "/"
            return self._send(HTTPStatus.MOVED_PERMANENTLY, b"", "text/plain", head,
                              {"Location": location})
        status = HTTPStatus.OK
        if body is None or path is None:
            status, path = HTTPStatus.NOT_FOUND, NOT_FOUND_PAGE
            body = app.builder.read(path) or b"<!doctype html><title>404</title><h1>Not found</h1>"
        kind = content_type(path)
        if kind.startswith("text/html"):
            body = inject(body)
        self._send(status, body, kind, head)

    def _send(self, status: HTTPStatus, body: bytes, kind: str, head: bool,
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in {"Content-Type": kind, "Content-Length": str(len(body)),
                            "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
                            **(headers or {})}.items():
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _events(self) -> None:
        hub = self.server.app.hub
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        seen, hello = hub.hello()
        with contextlib.suppress(OSError):
            self.wfile.write(b"retry: 500\n\n" + hello)
            self.wfile.flush()
            while not hub.closed:
                seen, fresh = hub.wait(seen, KEEPALIVE)
                self.wfile.write(b"".join(fresh) or b": keep-alive\n\n")
                self.wfile.flush()

"""`talkgen serve` over real HTTP on 127.0.0.1: content types, 404s, traversal, events, shutdown."""

from __future__ import annotations

import http.client
import signal
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from talkgen.cli import make_parser
from talkgen.preview.server import PreviewServer, output_path

from .serving import line_with, running_preview, start_serve
from .sitegen import write_site

pytestmark = pytest.mark.timeout(60)


def make_site(folder: Path) -> Path:
    root = write_site(folder / "site", 5)
    (root / "static").mkdir()
    (root / "static" / "app.js").write_text("console.log(1)\n", encoding="utf-8")
    (root / "static" / "pagefind.wasm").write_bytes(b"\0asm")
    secret = folder / "secret.txt"
    secret.write_text("top secret\n", encoding="utf-8")
    (root / "static" / "leak.txt").symlink_to(secret)
    return root


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_site(tmp_path)


@pytest.fixture
def server(site: Path) -> Iterator[PreviewServer]:
    with running_preview(site) as running:
        yield running


@pytest.fixture(scope="module")
def shared_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_site(tmp_path_factory.mktemp("serve"))


@pytest.fixture(scope="module")
def reader(shared_site: Path) -> Iterator[PreviewServer]:
    """One server per test process for the tests that only request pages: none of them edits
    the site, so each would start the same server on the same site."""
    with running_preview(shared_site) as running:
        yield running


def get(server: PreviewServer, target: str, method: str = "GET") -> http.client.HTTPResponse:
    host, port = server.httpd.server_address[:2]
    conn = http.client.HTTPConnection(str(host), int(port), timeout=10)
    conn.putrequest(method, target, skip_accept_encoding=True)  # sent as is, no normalising
    conn.endheaders()
    response = conn.getresponse()
    response.read()
    return response


def body(server: PreviewServer, target: str) -> str:
    host, port = server.httpd.server_address[:2]
    conn = http.client.HTTPConnection(str(host), int(port), timeout=10)
    conn.request("GET", target)
    return conn.getresponse().read().decode("utf-8")


@pytest.mark.parametrize(("target", "kind"), [
    ("/", "text/html; charset=utf-8"),
    ("/episodes/002/", "text/html; charset=utf-8"),
    ("/static/style.css", "text/css; charset=utf-8"),
    ("/static/app.js", "text/javascript; charset=utf-8"),
    ("/static/pagefind.wasm", "application/wasm"),
    ("/feed.xml", "application/xml"),
])
def test_serves_the_site_with_its_content_types(reader: PreviewServer, target: str,
                                                kind: str) -> None:
    response = get(reader, target)
    assert (response.status, response.getheader("Content-Type")) == (200, kind)


def test_the_reload_script_is_injected_into_html_only(reader: PreviewServer,
                                                      shared_site: Path) -> None:
    assert "data-talkgen-preview" in body(reader, "/episodes/002/")
    assert "data-talkgen-preview" not in body(reader, "/static/style.css")
    assert not (shared_site / "_site").exists()


def test_unknown_paths_get_the_sites_404_page(reader: PreviewServer) -> None:
    response = get(reader, "/nope/")
    assert response.status == 404
    assert "<html" in body(reader, "/nope/")


def test_a_folder_without_its_slash_is_redirected(reader: PreviewServer) -> None:
    response = get(reader, "/episodes/002")
    assert (response.status, response.getheader("Location")) == (301, "/episodes/002/")


TRAVERSALS = [
    "/../talkgen.yaml", "/static/../../talkgen.yaml", "/%2e%2e/talkgen.yaml",
    "/%2E%2E/%2E%2E/etc/passwd", "/static/..%2f..%2fepisodes%2f001.md", "/..%2ftalkgen.yaml",
    "/%252e%252e/talkgen.yaml", "/static/%252e%252e%252f%252e%252e%252fetc%252fpasswd",
    "/static\\..\\..\\talkgen.yaml", "/static/%5c..%5c..%5ctalkgen.yaml", "/index.html%00.css",
    "/%00", "/static/leak.txt", "/./episodes/001.md", "//etc/passwd", "/episodes/001.md",
    "/%c0%ae%c0%ae/talkgen.yaml", "/static/%2e/%2e%2e/talkgen.yaml",
]


@pytest.mark.parametrize("target", TRAVERSALS)
def test_traversal_and_files_outside_the_site_are_404(reader: PreviewServer, target: str) -> None:
    response = get(reader, target)
    assert response.status == 404
    assert "top secret" not in body(reader, target)


def test_output_path_keeps_inside_the_base_path() -> None:
    assert output_path("/talk/topics/%E4%BD%8D/", "/talk/") == "topics/位/index.html"
    assert output_path("/topics/", "/talk/") is None
    assert output_path("/talk/a/../b", "/talk/") is None
    # this layer holds by itself (the builder's in-memory lookup would miss these anyway)
    for target in ("/talk/a%5C..%5Cb", "/talk/a%00.html", "/talk/%FF.html", "/talk/a//b",
                   "/talk/./a", "/talk/%2e%2e/a"):
        assert output_path(target, "/talk/") is None, target


def test_default_bind_address_is_loopback(reader: PreviewServer) -> None:
    args = make_parser().parse_args(["serve"])
    assert (args.host, args.port) == ("127.0.0.1", 8000)
    assert reader.url.startswith("http://127.0.0.1:")


def test_an_edit_sends_a_reload_event(server: PreviewServer, site: Path) -> None:
    host, port = server.httpd.server_address[:2]
    with socket.create_connection((str(host), int(port)), timeout=10) as conn:
        conn.sendall(b"GET /__talkgen/events HTTP/1.0\r\n\r\n")
        stream = conn.makefile("rb")
        assert b"event: hello" in _read_until(stream, b"event: hello")
        page = site / "episodes" / "003.md"
        page.write_text(page.read_text(encoding="utf-8") + "\n新的一段。\n", encoding="utf-8")
        assert b'"css": false' in _read_until(stream, b"event: reload")
    assert "新的一段" in body(server, "/episodes/003/")


def _read_until(stream: object, marker: bytes, timeout: float = 10) -> bytes:
    data, deadline = b"", time.monotonic() + timeout
    while marker not in data:
        assert time.monotonic() < deadline, data
        line = stream.readline()  # type: ignore[attr-defined]
        assert line, data
        data += line
    return data + stream.readline() + stream.readline()  # type: ignore[attr-defined]


def test_ctrl_c_stops_cleanly_with_exit_0(site: Path) -> None:
    process = start_serve(site, "--port", "0")
    try:
        url = line_with(process, "serving").split(" at ")[1].split()[0]
        assert url.startswith("http://127.0.0.1:")
        line_with(process, "built the site")
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=20)
    finally:
        process.kill()
    assert process.returncode == 0
    assert "Traceback" not in err
    assert not (site / "_site").exists()


def test_a_busy_port_is_a_one_line_error_and_exit_2(site: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = start_serve(site, "--port", str(port))
        _, err = process.communicate(timeout=30)
    assert process.returncode == 2
    assert err.strip().count("\n") == 0 and "already in use" in err


def test_no_search_serves_pages_without_a_search_box_or_index(site: Path) -> None:
    """`serve --no-search`, as `build --no-search`: no search box on the pages and no Pagefind
    run in the background (with search on, both are there: test_preview_live)."""
    process = start_serve(site, "--port", "0", "--no-search")
    try:
        url = line_with(process, "serving").split(" at ")[1].split()[0]
        line_with(process, "built the site")
        port = int(url.rsplit(":", 1)[1].split("/")[0])
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/")
        page = conn.getresponse().read().decode("utf-8")
        time.sleep(0.5)  # time enough for a background index to have started
        conn.request("GET", "/pagefind/pagefind.js")
        index = conn.getresponse()
        index.read()
        conn.close()
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=20)
    finally:
        process.kill()
    assert "<h1" in page and "site-search" not in page
    assert index.status == 404
    assert process.returncode == 0 and "search" not in err.lower()

"""`talkgen serve` as a user starts it: a subprocess whose stderr lines the tests wait for."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from talkgen.preview.builder import Preview
from talkgen.preview.server import REQUEST_TIMEOUT, PreviewServer


def _as_in_a_terminal() -> None:
    """Ctrl-C reaches the server as it does from a terminal, even when the tests themselves run
    in the background (`nohup`, a CI step), which starts them with SIGINT ignored."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_serve(site: Path, *args: str) -> subprocess.Popen[str]:
    """`python -m talkgen serve --root SITE ARGS`, stdout and stderr piped, unbuffered."""
    return subprocess.Popen([sys.executable, "-m", "talkgen", "serve", "--root", str(site), *args],
                            stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"},
                            preexec_fn=_as_in_a_terminal)


def line_with(process: subprocess.Popen[str], text: str, timeout: float = 30) -> str:
    """The first stderr line containing `text`; fails if the server ends or the time runs out."""
    deadline = time.monotonic() + timeout
    assert process.stderr is not None
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stderr], [], [], 0.5)
        if ready:
            line = process.stderr.readline()
            if text in line:
                return line
            assert line, "talkgen serve ended early"
    raise AssertionError(f"no line with {text!r}")


@contextmanager
def running_preview(site: Path, *, search: bool = False, builder: Preview | None = None,
                    request_timeout: float = REQUEST_TIMEOUT) -> Iterator[PreviewServer]:
    """The preview server in this process on a free port, stopped on exit; without the
    background search index unless asked (Pagefind's CPU is not what most tests are about)."""
    server = PreviewServer(builder or Preview(site), "127.0.0.1", 0, quiet=0.02, search=search,
                           request_timeout=request_timeout)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    assert server.ready.wait(30)
    try:
        yield server
    finally:
        server.close()
        thread.join(10)

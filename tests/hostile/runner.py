"""Run talkgen commands on hostile sites, each in a process of its own under the memory and CPU
limits, without starting an interpreter per command.

`python -m tests.hostile.runner` imports talkgen once, then reads one request a line on stdin
(a JSON list: site folder, then arguments) and forks a child per request. The child sets the
limits and runs `cli.main` as `python -m talkgen` would; the server answers with one JSON line:
the exit code and output, or the signal that ended a child over its limit. Being a child of the
test process that waits for it, its CPU time is counted in the test run's.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

LIMIT_SECONDS = 30
LIMIT_BYTES = 512 * 1024 * 1024


def _limit() -> None:
    """512 MB of memory and 30 s of CPU: the limits hold on a busy machine, where a wall-clock
    limit would fail whenever the other test workers take the cores."""
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT_BYTES, LIMIT_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (LIMIT_SECONDS, LIMIT_SECONDS))


def _serve() -> None:
    import talkgen.build.publish  # noqa: F401 - imported once here, shared by every child

    from ..conftest import run_talkgen

    for line in sys.stdin:
        site, *args = json.loads(line)
        with tempfile.TemporaryFile("w+", encoding="utf-8") as answer:
            pid = os.fork()
            if pid == 0:
                os.dup2(os.open(os.devnull, os.O_WRONLY), 1)  # stdout is the answers' channel
                _limit()
                result = run_talkgen(*args, cwd=Path(site))
                json.dump({"code": result.returncode, "out": result.stdout, "err": result.stderr},
                          answer)
                answer.flush()
                os._exit(0)
            _, status = os.waitpid(pid, 0)
            answer.seek(0)
            reply = json.loads(answer.read() or "{}")
        reply["status"] = status
        print(json.dumps(reply), flush=True)


class Talkgen(Protocol):
    def __call__(self, site: Path, *args: str) -> subprocess.CompletedProcess[str]: ...


@contextmanager
def forking_talkgen() -> Iterator[Talkgen]:
    """A `talkgen(site, *args)` that runs each command in a limited child of one server."""
    server = subprocess.Popen([sys.executable, "-m", "tests.hostile.runner"], text=True,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              cwd=Path(__file__).parent.parent.parent)
    assert server.stdin is not None and server.stdout is not None
    requests, replies = server.stdin, server.stdout

    def talkgen(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
        requests.write(json.dumps([str(site), *args]) + "\n")
        requests.flush()
        reply = json.loads(replies.readline())
        assert "code" in reply, f"talkgen {' '.join(args)} ended with wait status " \
                                f"{reply['status']}: over a limit?"
        return subprocess.CompletedProcess(["talkgen", *args], reply["code"], reply["out"],
                                           reply["err"])

    try:
        yield talkgen
    finally:
        requests.close()
        server.wait(30)


if __name__ == "__main__":
    _serve()

"""Save → reload latency of `talkgen serve` on a generated site (default 1000 episodes).

    python benchmarks/serve_edit.py [--episodes 1000] [--edits 20] [--corpus DIR]
                                    [--pause 0.3] [--spread 0] [--no-search]

Generates the corpus with ../shared/bench/gen_corpus.py (or --generator PATH) unless
--corpus points at an existing talkgen site, starts the preview server in this process on a
free port with the real watcher and debounce (and the background search index unless
--no-search), keeps one server-sent-events connection open as a browser would, then edits one
episode at a time, --pause seconds apart (plus up to --spread seconds more, at random, so that
some saves land while slow pages render in the background), and measures:

  event   file written → `reload` event received by the client
  page    file written → the edited page, fetched after the event, contains the new text
  update  the builder's own rebuild time (re-read, indexes, marking pages stale)
  settle  rendering every remaining stale page in the background after the event
  search  start → the search index is served (Pagefind, in the background)
"""

from __future__ import annotations

import argparse
import http.client
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from talkgen.diagnostics import Diagnostic  # noqa: E402
from talkgen.preview.builder import Outcome, Preview  # noqa: E402
from talkgen.preview.server import PreviewServer  # noqa: E402

GENERATOR = Path(__file__).resolve().parent.parent.parent / "shared" / "bench" / "gen_corpus.py"


def corpus(args: argparse.Namespace) -> Path:
    if args.corpus:
        return Path(args.corpus)
    out = Path(tempfile.mkdtemp(prefix="talkgen-bench-"))
    subprocess.run([sys.executable, str(args.generator), "--n", str(args.episodes), "--out",
                    str(out), "--only", "talkgen"], check=True, capture_output=True)
    return out / "talkgen"


class Timed(Preview):
    """The preview builder, recording how long each update and settle took."""

    updates: list[float]
    settles: list[float]

    def update(self, paths: Iterable[Path]) -> Outcome:
        outcome = super().update(paths)
        self.updates.append(outcome.seconds)
        return outcome

    def settle(self, stop: Callable[[], bool] = lambda: False,
               *rest: float) -> list[Diagnostic]:
        started = time.perf_counter()
        late = super().settle(stop, *rest)
        self.settles.append(time.perf_counter() - started)
        return late


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--corpus", help="an existing talkgen site to use instead")
    parser.add_argument("--generator", type=Path, default=GENERATOR)
    parser.add_argument("--pause", type=float, default=0.3, help="seconds between saves")
    parser.add_argument("--spread", type=float, default=0.0, help="up to this much more, at random")
    parser.add_argument("--no-search", action="store_true", help="no background search index")
    args = parser.parse_args()
    root = corpus(args)
    builder = Timed(root)
    builder.updates, builder.settles = [], []
    server = PreviewServer(builder, "127.0.0.1", 0, search=False) if args.no_search else \
        PreviewServer(builder, "127.0.0.1", 0)  # so that it runs on older commits too
    started = time.perf_counter()
    threading.Thread(target=server.run, daemon=True).start()
    assert server.ready.wait(600)
    first = time.perf_counter() - started
    searched: list[float] = []
    if getattr(server, "search", None):
        threading.Thread(target=search_ready, args=(server, started, searched), daemon=True).start()
    host, port = server.httpd.server_address[:2]
    events = socket.create_connection((str(host), int(port)), timeout=30).makefile("rwb")
    events.write(b"GET /__talkgen/events HTTP/1.0\r\n\r\n")
    events.flush()
    wait_for(events, b"event: hello")
    files = sorted((root / "episodes").glob("*.md"))
    event_ms, page_ms = [], []
    pauses = random.Random(16)
    for i in range(args.edits):
        path = files[(i * 37) % len(files)]
        marker = f"benchmark-edit-{i}"
        text = path.read_text(encoding="utf-8").replace("\n## ", f"\n{marker}\n\n## ", 1)
        time.sleep(args.pause + pauses.uniform(0, args.spread))  # as between two saves
        saved = time.perf_counter()
        path.write_text(text, encoding="utf-8")
        wait_for(events, b"event: reload")
        event_ms.append((time.perf_counter() - saved) * 1000)
        conn = http.client.HTTPConnection(str(host), int(port), timeout=30)
        conn.request("GET", f"/episodes/{int(path.stem):03d}/")
        assert marker in conn.getresponse().read().decode("utf-8")
        page_ms.append((time.perf_counter() - saved) * 1000)
    time.sleep(1)
    server.close()
    count = len(files)
    search = "no search" if not getattr(server, "search", None) else \
        f"search served {searched[0]:.1f} s after start" if searched else "search not ready"
    print(f"{count} episodes, first build {first:.1f} s, {search}, {args.edits} edits "
          f"{args.pause:g}–{args.pause + args.spread:g} s apart")
    print("| measure | median | p90 | max |")
    print("| --- | --- | --- | --- |")
    for name, values in (("save → reload event", event_ms), ("save → edited page served", page_ms),
                         ("update (builder)", [s * 1000 for s in builder.updates]),
                         ("settle (background)", [s * 1000 for s in builder.settles])):
        ordered = sorted(values)
        p90 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]
        print(f"| {name} | {statistics.median(ordered):.0f} ms | {p90:.0f} ms | "
              f"{ordered[-1]:.0f} ms |")


def search_ready(server: PreviewServer, started: float, searched: list[float]) -> None:
    """Record when the first search index is in place."""
    search = server.search
    assert search is not None
    with search.done:
        search.done.wait_for(lambda: search.runs > 0)
    searched.append(time.perf_counter() - started)


def wait_for(stream: object, marker: bytes) -> None:
    data = b""
    while marker not in data:
        line = stream.readline()  # type: ignore[attr-defined]
        if not line:
            raise SystemExit("the event stream ended")
        data = line if line.startswith(b"event:") else data
    stream.readline()  # type: ignore[attr-defined]
    stream.readline()  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()

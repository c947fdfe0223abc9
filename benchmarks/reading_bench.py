"""Reading-list benchmark: the cost of finding mentions and building /reading/ grows linearly.

    python benchmarks/reading_bench.py                 # N = 100, 1000
    python benchmarks/reading_bench.py --sizes 100,1000,5000 --runs 5

The corpus comes from ../shared/bench/gen_corpus.py. Episodes are loaded once (not timed);
then, best of --runs, the time to read every episode's mentions (readinglist.found_in, which
the loader runs once per episode, on every core, cached with the episode), to merge them
into the list (readinglist.reading_list) and to render reading/index.html.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GEN = REPO.parent / "shared" / "bench" / "gen_corpus.py"
sys.path.insert(0, str(REPO))

from talkgen.build.check import check  # noqa: E402
from talkgen.content.config import load_config  # noqa: E402
from talkgen.content.reading_list import found_in, reading_list  # noqa: E402
from talkgen.site.indexes import build_site  # noqa: E402
from talkgen.site.render import Renderer  # noqa: E402


def measure(size: int, runs: int, work: Path) -> tuple[int, int, float, float, float]:
    out = work / str(size)
    subprocess.run([sys.executable, str(GEN), "--n", str(size), "--out", str(out), "--only",
                    "talkgen"], check=True, capture_output=True)
    config, _ = load_config(out / "talkgen")
    site = build_site(check(config).episodes)
    best_found = best_list = best_page = float("inf")
    entries = []
    for _ in range(runs):
        started = time.perf_counter()
        for e in site.episodes:
            found_in(e.sections)
        best_found = min(best_found, time.perf_counter() - started)
        started = time.perf_counter()
        entries = reading_list(site.episodes)
        best_list = min(best_list, time.perf_counter() - started)
        renderer = Renderer(site, config)
        started = time.perf_counter()
        renderer.plan()["reading/index.html"]()
        best_page = min(best_page, time.perf_counter() - started)
    return len(entries), sum(len(e.mentions) for e in entries), best_found, best_list, best_page


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print("| episodes | entries | mentions | found_in (s) | per episode (ms) | reading_list (s) "
          "| page (s) |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory(prefix="talkgen-reading-") as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            entries, mentions, found, merged, page = measure(size, args.runs, Path(tmp))
            print(f"| {size} | {entries} | {mentions} | {found:.3f} | {1000 * found / size:.2f} "
                  f"| {merged:.3f} | {page:.3f} |")


if __name__ == "__main__":
    main()

"""Build benchmark: cold, warm and one-edit builds and peak memory, this tree against another commit.

    python benchmarks/build_bench.py                      # N = 100, 1000; against HEAD~1
    python benchmarks/build_bench.py --sizes 100,1000,5000 --runs 3 --baseline <rev>
    python benchmarks/build_bench.py --corpus DIR         # an existing site instead of a generated one

The corpus comes from ../shared/bench/gen_corpus.py (realistic Chinese episodes, ~8 KiB each).
Every figure is the median of --runs runs of `python -m talkgen build` in a new process; peak
RSS is the talkgen process's own (os.wait4), Pagefind's process is not included. The baseline
runs from a `git worktree` of --baseline in a temporary folder. Peer figures are the medians
measured on the same kind of machine (shared/bench/PEERS.md); --peers runs the ones installed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GEN = REPO.parent / "shared" / "bench" / "gen_corpus.py"
PEERS = {  # cold build seconds, medians from shared/bench/PEERS.md (2 cores)
    "hugo": {100: 0.43, 1000: 3.51, 5000: 15.88},
    "pelican": {100: 1.09, 1000: 8.89, 5000: 41.61},
    "mkdocs": {100: 1.18, 1000: 16.59},
}
HUGO_PLUS_PAGEFIND = {1000: 3.51 + 3.1}


def run(tree: Path, site: Path, *args: str) -> tuple[float, float]:
    """Seconds and peak RSS (MiB) of one `talkgen build` run from `tree`."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "talkgen", "build", *args], cwd=site, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"build failed in {site}: {proc.stderr.read().decode() if proc.stderr else ''}")
    return seconds, usage.ru_maxrss / 1024


def clean(site: Path) -> None:
    for name in ("_site", ".talkgen-cache"):
        shutil.rmtree(site / name, ignore_errors=True)


def edit(site: Path, n: int) -> None:
    path = sorted((site / "episodes").glob("*.md"))[n % 7]
    path.write_text(path.read_text(encoding="utf-8") + f"\n编辑 {n}：新增一句话。\n", encoding="utf-8")


def measure(tree: Path, site: Path, runs: int, search: bool) -> dict[str, tuple[float, float]]:
    """Median (seconds, MiB) of each scenario."""
    flags = () if search else ("--no-search",)
    scenarios: dict[str, Callable[[int], tuple[float, float]]] = {
        "cold": lambda i: (clean(site), run(tree, site, *flags))[1],
        "warm": lambda i: run(tree, site, *flags),
        "one edit": lambda i: (edit(site, i), run(tree, site, *flags))[1],
    }
    results = {}
    for name, scenario in scenarios.items():
        samples = [scenario(i) for i in range(runs)]
        results[name] = (statistics.median(s for s, _ in samples),
                         statistics.median(m for _, m in samples))
    return results


def corpus(n: int, work: Path, given: Path | None) -> Path:
    if given is not None:
        site = work / f"given-{n}"
        shutil.copytree(given, site, ignore=shutil.ignore_patterns("_site", ".talkgen-cache"))
        return site
    out = work / f"corpus-{n}"
    subprocess.run([sys.executable, str(GEN), "--n", str(n), "--out", str(out), "--seed", "1",
                    "--only", "talkgen"], check=True, stdout=subprocess.DEVNULL)
    return out / "talkgen"


def worktree(rev: str, work: Path) -> Path:
    path = work / "baseline"
    subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", "-q", str(path), rev],
                   check=True)
    return path


def phases(site: Path) -> str:
    """Where the time of one cold build goes, from the build's own phase timer."""
    sys.path.insert(0, str(REPO))
    from talkgen.build import build
    from talkgen.config import load_config

    clean(site)
    config, _ = load_config(site)
    result = build(config)
    return " · ".join(f"{name} {seconds:.2f} s" for name, seconds in result.phases.items())


def peers(sizes: list[int], work: Path) -> dict[tuple[str, int], float]:
    """Run the installed peers on the same corpus (optional; figures from PEERS.md otherwise)."""
    found = {}
    script = GEN.parent / "run_peers.sh"
    if shutil.which("hugo") and script.exists():
        for n in sizes:
            out = subprocess.run(["bash", str(script), str(n)], capture_output=True, text=True,
                                 cwd=work, check=False)
            print(out.stdout[-2000:])
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--sizes", default="100,1000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline", default="HEAD~1", help="commit to compare with ('' for none)")
    parser.add_argument("--corpus", type=Path, help="an existing site to copy instead of generating")
    parser.add_argument("--search", action="store_true", help="also measure builds with search")
    parser.add_argument("--peers", action="store_true", help="run the peers that are installed")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="talkgen-bench-") as tmp:
        work = Path(tmp)
        trees = {"this tree": REPO}
        if args.baseline:
            trees[args.baseline] = worktree(args.baseline, work)
        try:
            rows = []
            for n in sizes:
                site = corpus(n, work, args.corpus)
                for label, tree in trees.items():
                    for search in (False, True) if args.search else (False,):
                        for scenario, (sec, mib) in measure(tree, site, args.runs, search).items():
                            rows.append((n, scenario + (" + search" if search else ""), label, sec, mib))
                print(f"N={n}: {phases(site)}", file=sys.stderr)
            if args.peers:
                peers(sizes, work)
            report(rows, list(trees))
        finally:
            if args.baseline:
                subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force",
                                str(work / "baseline")], check=False)


def report(rows: list[tuple[int, str, str, float, float]], labels: list[str]) -> None:
    table: dict[tuple[int, str], dict[str, tuple[float, float]]] = {}
    for n, scenario, label, sec, mib in rows:
        table.setdefault((n, scenario), {})[label] = (sec, mib)
    head = ["N", "build"] + [f"{label} s (MiB)" for label in labels]
    head += ["vs baseline", "Hugo cold s", "vs Hugo", "vs Pelican", "vs MkDocs"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for (n, scenario), by_label in table.items():
        ours = by_label[labels[0]][0]
        cells = [str(n), scenario] + [f"{by_label[lb][0]:.2f} ({by_label[lb][1]:.0f})" for lb in labels]
        cells.append(f"{ours / by_label[labels[1]][0]:.2f}×" if len(labels) > 1 else "")
        hugo = (HUGO_PLUS_PAGEFIND if "search" in scenario else PEERS["hugo"]).get(n)
        cells.append(f"{hugo:.2f}" if hugo else "")
        cells.append(f"{ours / hugo:.2f}" if hugo else "")
        for peer in ("pelican", "mkdocs"):
            theirs = PEERS[peer].get(n)
            cells.append(f"{theirs / ours:.1f}× faster" if theirs and "search" not in scenario else "")
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()

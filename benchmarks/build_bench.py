"""Build benchmark: every performance target of issue 16, this tree against a baseline and Hugo.

    python benchmarks/build_bench.py                          # N = 1000, against main, 3 runs
    python benchmarks/build_bench.py --baseline <rev> --runs 5 --scaling 5000
    python benchmarks/build_bench.py --corpus DIR             # an existing site (no Hugo then)

The corpus comes from ../shared/bench/gen_corpus.py (--seed 1, realistic Chinese episodes of
~8 KiB, written for talkgen and Hugo). Every figure is the median of --runs runs in new
processes; the trees and Hugo take turns within each run, so machine load hits them alike
(the machine is shared: compare the ratios, not the seconds). Peak RSS is read from the
build process itself (main) and from its largest child (a render worker, or Pagefind in a
search build), CPU-s is user + system time of the build and all its processes: under
heavy load from others, CPU-s ratios are steadier than wall-clock ones. Hugo + Pagefind is
`hugo` then the Pagefind CLI over Hugo's output. Without Hugo installed, ratios use the Hugo
figures of ../shared/bench/PEERS.md.

Both trees are compiled to bytecode once before timing (`python -m compileall`), as pip does when
it installs talkgen: with PYTHONDONTWRITEBYTECODE set (as in this sandbox) a tree without
__pycache__, like the exported baseline, would otherwise compile every module from source on
every run. --source-only times them that way instead.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GEN = REPO.parent / "shared" / "bench" / "gen_corpus.py"
PEER_HUGO = {100: 0.43, 1000: 3.51, 5000: 15.88}  # PEERS.md, cold, 2 cores
PEER_PAGEFIND = 8.5  # PEERS.md: the Pagefind CLI over 1000 episodes takes ≈ 8–9 s
# Runs what the `talkgen` command runs: cli.run where the tree has it, else cli.main (before
# run existed the command called main), then records the peak RSS before the process ends.
RUSAGE = """import os, resource, sys
from talkgen import cli
code = getattr(cli, "run", cli.main)(sys.argv[1:])
usage = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
         resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
open(os.environ["BENCH_RUSAGE"], "w").write(" ".join(map(str, usage)))
sys.exit(code)
"""


@dataclass
class Sample:
    seconds: float
    main_mib: float = 0.0
    child_mib: float = 0.0
    cpu: float = 0.0  # user + system seconds of the process and everything it waited for


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def talkgen(tree: Path, site: Path, *args: str, work: Path) -> Sample:
    """One `talkgen ARGS` run from `tree`, with the peak RSS of the process and of its children."""
    usage = work / "rusage"
    env = {**os.environ, "PYTHONPATH": str(tree), "BENCH_RUSAGE": str(usage)}
    started, cpu = time.perf_counter(), _cpu()
    done = subprocess.run([sys.executable, "-c", RUSAGE, *args], cwd=site, env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    seconds, cpu = time.perf_counter() - started, _cpu() - cpu
    if done.returncode != 0:
        raise SystemExit(f"talkgen {' '.join(args)} failed in {site}:\n{done.stderr.decode()}")
    main_kib, child_kib = (int(x) for x in usage.read_text().split())
    return Sample(seconds, main_kib / 1024, child_kib / 1024, cpu)


def command(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> Sample:
    started, cpu = time.perf_counter(), _cpu()
    subprocess.run(args, cwd=cwd, env={**os.environ, **(env or {})}, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return Sample(time.perf_counter() - started, cpu=_cpu() - cpu)


def clean(site: Path) -> None:
    for name in ("_site", ".talkgen-cache"):
        shutil.rmtree(site / name, ignore_errors=True)


def corpus(n: int, work: Path, given: Path | None) -> Path:
    """The generated corpus folder (talkgen/ and hugo/ in it), or a copy of a given site."""
    out = work / f"corpus-{n}"
    if given is not None:
        shutil.copytree(given, out / "talkgen", ignore=shutil.ignore_patterns("_site", ".talkgen-cache"))
        return out
    subprocess.run([sys.executable, str(GEN), "--n", str(n), "--out", str(out), "--seed", "1",
                    "--only", "talkgen,hugo"], check=True, stdout=subprocess.DEVNULL)
    return out


def export(rev: str, work: Path) -> Path:
    """The files of `rev` in a temporary folder (no worktree: nothing is added to the repository)."""
    path = work / "baseline"
    path.mkdir()
    archive = subprocess.run(["git", "-C", str(REPO), "archive", rev], check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(path)], input=archive, check=True)
    return path


def prepare_bytecode(tree: Path, compiled: bool) -> None:
    """Write the tree's .pyc files once, as an installed talkgen has them, or (--source-only)
    remove them, so both trees start alike (see the docstring)."""
    if compiled:
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(tree / "talkgen")],
                       check=True, stdout=subprocess.DEVNULL)
        return
    for cache in (tree / "talkgen").rglob("__pycache__"):
        shutil.rmtree(cache)


def scenarios(tree: Path, root: Path, one: Path, work: Path) -> dict[str, Callable[[], Sample]]:
    """The talkgen runs for one tree, on its own copies of the sites (caches are per tree)."""
    label = f"{tree.name}-{abs(hash(tree))}"
    site = work / label / "site"
    shutil.copytree(root / "talkgen", site)
    one = Path(shutil.copytree(one, work / label / "one"))

    def cold(*flags: str) -> Callable[[], Sample]:
        return lambda: (clean(site), talkgen(tree, site, "build", *flags, work=work))[1]

    def edited() -> Sample:
        path = sorted((site / "episodes").glob("*.md"))[7]
        path.write_text(path.read_text(encoding="utf-8") + "\n编辑：新增一句话。\n", encoding="utf-8")
        return talkgen(tree, site, "build", "--no-search", work=work)

    return {
        "python alone": lambda: command(sys.executable, "-c", "pass"),
        "--help": lambda: command(sys.executable, "-m", "talkgen", "--help",
                                  env={"PYTHONPATH": str(tree)}),
        "1-episode build": lambda: (clean(one), talkgen(tree, one, "build", "--no-search",
                                                        work=work))[1],
        "cold": cold("--no-search"),
        "warm": lambda: talkgen(tree, site, "build", "--no-search", work=work),
        "one edit": edited,
        "cold + search": cold(),
    }


def hugo_scenarios(root: Path, work: Path) -> dict[str, Callable[[], Sample]]:
    out = work / "hugo-out"

    def hugo() -> Sample:
        shutil.rmtree(out, ignore_errors=True)
        return command("hugo", "--quiet", "--source", str(root / "hugo"), "--destination", str(out))

    def hugo_pagefind() -> Sample:
        first = hugo()
        second = command(sys.executable, "-m", "pagefind", "--site", str(out))
        return Sample(first.seconds + second.seconds, cpu=first.cpu + second.cpu)

    return {"cold": hugo, "cold + search": hugo_pagefind}


def median(samples: list[Sample]) -> Sample:
    return Sample(statistics.median(s.seconds for s in samples),
                  statistics.median(s.main_mib for s in samples),
                  statistics.median(s.child_mib for s in samples),
                  statistics.median(s.cpu for s in samples))


def measure(trees: dict[str, Path], root: Path, one: Path, runs: int, work: Path,
            with_hugo: bool) -> dict[tuple[str, str], Sample]:
    """Median of `runs` of each scenario; within a run the trees (and Hugo) take turns."""
    plans = {label: scenarios(tree, root, one, work) for label, tree in trees.items()}
    if with_hugo:
        plans["Hugo"] = hugo_scenarios(root, work)
    names = list(next(iter(plans.values())))
    samples: dict[tuple[str, str], list[Sample]] = {}
    for name in names:
        for _ in range(runs):
            for label, plan in plans.items():
                if name in plan:
                    samples.setdefault((label, name), []).append(plan[name]())
                    last = samples[(label, name)][-1]
                    print(f"  {label:>10} {name}: {last.seconds:.2f} s, {last.cpu:.2f} CPU-s",
                          file=sys.stderr, flush=True)
    return {key: median(values) for key, values in samples.items()}


def scale(trees: dict[str, Path], big: Path, work: Path) -> dict[str, Sample]:
    """Two cold builds of the big corpus per tree in A B B A order (whichever tree goes first
    in a pair was measured slower, 2026-11-28): the mean of each tree's two."""
    order = list(trees.items())
    runs: dict[str, list[Sample]] = {}
    for label, tree in order + order[::-1]:
        clean(big)
        runs.setdefault(label, []).append(talkgen(tree, big, "build", "--no-search", work=work))
        last = runs[label][-1]
        print(f"  {label:>10} cold at scale: {last.seconds:.2f} s, {last.cpu:.2f} CPU-s",
              file=sys.stderr, flush=True)
    return {label: Sample(statistics.mean(s.seconds for s in samples),
                          max(s.main_mib for s in samples), max(s.child_mib for s in samples),
                          statistics.mean(s.cpu for s in samples))
            for label, samples in runs.items()}


def phases(tree: Path, site: Path) -> str:
    """Where the time of one cold build goes (the build's own phase timer), for the profile."""
    code = ("import json, sys; from pathlib import Path\n"
            "try: from talkgen.build.publish import build\n"
            "except ImportError: from talkgen.build.pipeline import build  # before the split\n"
            "from talkgen.content.config import load_config; config, _ = load_config(Path('.'))\n"
            "print(json.dumps(build(config).phases))")
    clean(site)
    done = subprocess.run([sys.executable, "-c", code], cwd=site, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(tree)}, check=False)
    if done.returncode != 0:  # a tree too old or too new for this script: say so, go on
        return f"not measured ({done.stderr.strip().splitlines()[-1:]})"
    return " · ".join(f"{k} {v:.2f} s" for k, v in json.loads(done.stdout.splitlines()[-1]).items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--n", type=int, default=1000, help="episodes (default 1000)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline", default="main", help="commit to compare with ('' for none)")
    parser.add_argument("--tree", type=Path, default=REPO, help="tree to measure (default: this one)")
    parser.add_argument("--corpus", type=Path, help="an existing site to copy instead of generating")
    parser.add_argument("--scaling", type=int, default=0, metavar="N",
                        help="also time two cold builds of N episodes (e.g. 5000) per tree")
    parser.add_argument("--source-only", action="store_true",
                        help="remove the trees' bytecode instead of compiling it (with "
                        "PYTHONDONTWRITEBYTECODE every run then compiles talkgen from source)")
    args = parser.parse_args()
    with_hugo = shutil.which("hugo") is not None and args.corpus is None
    with tempfile.TemporaryDirectory(prefix="talkgen-bench-") as tmp:
        work = Path(tmp)
        trees = {"this tree": args.tree.resolve()}
        if args.baseline:
            trees[args.baseline] = export(args.baseline, work)
        for tree in trees.values():
            prepare_bytecode(tree, compiled=not args.source_only)
        root = corpus(args.n, work, args.corpus)
        one = corpus(1, work, None) / "talkgen"
        figures = measure(trees, root, one, args.runs, work, with_hugo)
        scaled: dict[str, Sample] = {}
        if args.scaling:
            big = corpus(args.scaling, work, None) / "talkgen"
            scaled = scale(trees, big, work)
        profile = {label: phases(tree, root / "talkgen") for label, tree in trees.items()}
    report(figures, list(trees), args.n, with_hugo, scaled, args.scaling)
    for label, line in profile.items():
        print(f"\nCold build phases ({label}): {line}")


def report(figures: dict[tuple[str, str], Sample], labels: list[str], n: int, with_hugo: bool,
           scaled: dict[str, Sample], big: int) -> None:
    names = list(dict.fromkeys(name for (_, name) in figures))
    head = ["scenario", *(f"{label} s, CPU-s (main / child MiB)" for label in labels)]
    head += ["vs baseline"] if len(labels) > 1 else []
    head += ["Hugo s"] if with_hugo else []
    print(f"N = {n}\n\n| " + " | ".join(head) + " |\n|" + "---|" * len(head))
    for name in names:
        cells = [name]
        for label in labels:
            s = figures[(label, name)]
            cells.append(f"{s.seconds:.2f}, {s.cpu:.2f} ({s.main_mib:.0f} / {s.child_mib:.0f})")
        if len(labels) > 1:
            cells.append(f"{figures[(labels[0], name)].seconds / figures[(labels[1], name)].seconds:.2f}×")
        if with_hugo:
            hugo = figures.get(("Hugo", name))
            cells.append(f"{hugo.seconds:.2f}, {hugo.cpu:.2f}" if hugo else "")
        print("| " + " | ".join(cells) + " |")
    if scaled:
        print(f"\nCold --no-search at {big}: " + ", ".join(
            f"{label} {s.seconds:.2f} s, {s.cpu:.2f} CPU-s ({s.main_mib:.0f} / {s.child_mib:.0f} MiB)"
            for label, s in scaled.items()))
    print("\n| target | " + " | ".join(labels) + " |\n|---|" + "---|" * len(labels))
    for target, figure in targets(figures, n, with_hugo, scaled, big):
        print(f"| {target} | " + " | ".join(figure(label) for label in labels) + " |")


def targets(figures: dict[tuple[str, str], Sample], n: int, with_hugo: bool,
            scaled: dict[str, Sample], big: int,
            ) -> list[tuple[str, Callable[[str], str]]]:
    """Each target of the issue with a function giving a tree's figure and met / not met."""
    def hugo(name: str) -> float:
        if with_hugo:
            return figures[("Hugo", "cold + search" if "search" in name else "cold")].seconds
        return PEER_HUGO[n] + (PEER_PAGEFIND if "search" in name else 0.0)

    def ratio(name: str, limit: float) -> Callable[[str], str]:
        def figure(label: str) -> str:
            value = figures[(label, name)].seconds / hugo(name)
            return f"{value:.2f}× {'met' if value <= limit else 'not met'}"
        return figure

    def seconds(name: str, limit: float) -> Callable[[str], str]:
        def figure(label: str) -> str:
            value = figures[(label, name)].seconds
            return f"{value:.3f} s {'met' if value <= limit else 'not met'}"
        return figure

    def memory(limit: float) -> Callable[[str], str]:
        def figure(label: str) -> str:
            s = max((figures[(label, name)] for name in ("cold", "cold + search")),
                    key=lambda x: x.main_mib)
            worker = figures[(label, "cold")].child_mib
            ok = s.main_mib <= limit and worker <= limit
            return f"main {s.main_mib:.0f}, worker {worker:.0f} MiB {'met' if ok else 'not met'}"
        return figure

    def scaling(label: str) -> str:
        if label not in scaled:
            return "not measured"
        value = scaled[label].seconds / figures[(label, "cold")].seconds
        cpu = scaled[label].cpu / figures[(label, "cold")].cpu  # steadier under others' load
        mib = max(scaled[label].main_mib, scaled[label].child_mib)
        return (f"{value:.2f} wall, {cpu:.2f} CPU-s {'met' if max(value, cpu) <= 5.2 else 'not met'}"
                f"; peak {mib:.0f} MiB {'met' if mib <= 500 else 'not met'}")

    found = [
        (f"cold with search ≤ 0.8× Hugo + Pagefind{'' if with_hugo else ' (PEERS.md)'}",
         ratio("cold + search", 0.8)),
        (f"cold without search ≤ 1.25× Hugo{'' if with_hugo else ' (PEERS.md)'}", ratio("cold", 1.25)),
        ("warm ≤ 0.3× Hugo", ratio("warm", 0.3)),
        (f"peak RSS ≤ 200 MiB at {n} (main, largest worker)", memory(200)),
        ("1-episode build ≤ 0.2 s", seconds("1-episode build", 0.2)),
        ("`talkgen --help` ≤ 0.1 s", seconds("--help", 0.1)),
    ]
    if big:
        found.append((f"t({big})/t({n}) ≤ 5.2; peak RSS ≤ 500 MiB at {big}", scaling))
    return found


if __name__ == "__main__":
    main()

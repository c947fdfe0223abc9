"""The floor of a cold build with talkgen's libraries, next to Hugo and talkgen in one run.

    python benchmarks/library_floor.py              # 1000 episodes, 3 rounds
    python benchmarks/library_floor.py --n 300 --runs 5

Issue 16 asks for a cold build within 1.25x Hugo, or a profile showing why the gap left is
the floor of the libraries we must use. This measures that floor directly: the least work any
build of the corpus does with them, on the same cores, in the same rounds as Hugo's cold build
and talkgen's.

The floor does, for each episode, in one forked process per core (as talkgen's build does):
read the file, load its front matter with PyYAML's C loader, parse and render its body with
talkgen's own configured parser (`content.markdown.parser()`: CommonMark, tables, linkify,
heading anchors, math, Pygments highlighting), put the HTML into one Jinja2 template of a page
and write it to its own folder. Nothing else: no checks, no diagnostics, no topic, person,
question or list pages, no feeds, no reading list, no cache. It is a lower bound of what a
build needs, so a floor above a target shows the target out of reach with these libraries.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import jinja2
import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from talkgen.content.markdown import parser  # noqa: E402

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # as talkgen reads front matter
MIN_PARALLEL = 16  # fewer episodes are done in the process itself: forking would cost more

PAGE = jinja2.Environment(autoescape=True).from_string(
    """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{{ title }}</title>
<link rel="stylesheet" href="/static/style.css"></head><body><header><a href="/">{{ site }}</a>
</header><main><article><h1>{{ title }}</h1><p>{{ date }} · {{ host }}</p>
{% for topic in topics %}<a href="/topics/{{ topic }}/">{{ topic }}</a>{% endfor %}
{{ body | safe }}</article></main></body></html>""")


def render_one(job: tuple[Path, Path]) -> int:
    """One episode, read, rendered and written: the bytes written."""
    source, out = job
    text = source.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    meta = yaml.load(front, Loader=LOADER)  # noqa: S506 (a safe loader)
    html = parser().render(body)
    page = PAGE.render(title=meta.get("title", ""), site="OpenLLM Talk", date=meta.get("date"),
                       host=meta.get("host"), topics=meta.get("topics") or [], body=html)
    folder = out / source.stem
    folder.mkdir(parents=True)
    (folder / "index.html").write_text(page, encoding="utf-8")
    return len(page)


def floor(site: Path, out: Path) -> None:
    """The floor's work over every episode of `site`, into `out` (run in a process of its own,
    so that it pays for starting Python and importing the libraries, as a build does)."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    jobs = [(path, out) for path in sorted((site / "episodes").glob("*.md"))]
    parser()  # built once before the fork, as talkgen's build does
    if len(jobs) < MIN_PARALLEL:
        written = sum(map(render_one, jobs))
    else:
        from multiprocessing import get_context  # only when forking, as talkgen's build

        with get_context("fork").Pool(os.cpu_count() or 1) as pool:
            written = sum(pool.imap_unordered(render_one, jobs, chunksize=8))
    assert written > 0


def main() -> None:
    if sys.argv[1:2] == ["--floor-only"]:  # the timed process imports nothing else
        floor(Path(sys.argv[2]), Path(sys.argv[3]))
        return
    import argparse
    import statistics
    import tempfile

    options = argparse.ArgumentParser(description=__doc__,
                                      formatter_class=argparse.RawTextHelpFormatter)
    options.add_argument("--n", type=int, default=1000, help="episodes (default 1000)")
    options.add_argument("--runs", type=int, default=3)
    args = options.parse_args()
    sys.path.insert(0, str(REPO / "benchmarks"))  # not in the timed process: it costs imports
    from build_bench import clean, command, corpus, prepare_bytecode

    prepare_bytecode(REPO, compiled=True)  # as an installed talkgen, and as build_bench does
    if shutil.which("hugo") is None:
        raise SystemExit("Hugo is not installed: the floor is only meaningful next to it")
    with tempfile.TemporaryDirectory(prefix="talkgen-floor-") as tmp:
        work = Path(tmp)
        root = corpus(args.n, work, None)
        site = root / "talkgen"
        rows: dict[str, list[tuple[float, float]]] = {"Hugo": [], "floor": [], "talkgen": []}
        for _ in range(args.runs):
            shutil.rmtree(work / "hugo-out", ignore_errors=True)
            hugo = command("hugo", "--quiet", "--source", str(root / "hugo"),
                           "--destination", str(work / "hugo-out"))
            rows["Hugo"].append((hugo.seconds, hugo.cpu))
            floor_run = command(sys.executable, __file__, "--floor-only", str(site),
                                str(work / "floor-out"))
            rows["floor"].append((floor_run.seconds, floor_run.cpu))
            clean(site)
            built = command(sys.executable, "-m", "talkgen", "build", "--no-search", cwd=site,
                            env={"PYTHONPATH": str(REPO)})
            rows["talkgen"].append((built.seconds, built.cpu))
            print("  " + "  ".join(f"{name} {runs[-1][0]:.2f} s" for name, runs in rows.items()),
                  file=sys.stderr, flush=True)
    hugo_wall = statistics.median(wall for wall, _ in rows["Hugo"])
    print(f"\n{args.n} episodes, median of {args.runs} rounds on {os.cpu_count()} cores\n")
    print("| build | wall s | CPU-s | × Hugo (wall) |\n|---|---|---|---|")
    for name, runs in rows.items():
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        print(f"| {name} | {wall:.2f} | {cpu:.2f} | {wall / hugo_wall:.2f}× |")


if __name__ == "__main__":
    main()

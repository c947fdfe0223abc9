"""The package draws the pipeline: core modules, then content → site → build, features aside.

Units are the top-level modules (diagnostics, model, urls, cli, ...) and the subpackages
(content/, site/, build/, preview/, importer/, scaffold/). The rules below are STYLE.md's
"layers that only look down", checked on the real imports with `ast`.
"""

from __future__ import annotations

import ast
import functools
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).parent.parent
PACKAGE = ROOT / "talkgen"

CORE = {"__init__", "diagnostics", "model", "urls", "messages"}
FEATURES = {"preview", "importer", "scaffold"}
LAYERS = {"content": 1, "site": 2, "build": 3, "preview": 4, "importer": 4, "scaffold": 4,
          "cli": 5, "__main__": 6}


def unit_of(module: str) -> str:
    """`talkgen.site.render` → "site"; `talkgen.cli` → "cli"; `talkgen` → "__init__"."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def module_name(path: Path) -> tuple[str, list[str]]:
    """The dotted name of a file and the package its relative imports start from."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
        return ".".join(parts), parts
    return ".".join(parts), parts[:-1]


@functools.cache
def syntax(path: Path) -> ast.Module:
    """A module's syntax tree, parsed once for all the tests here."""
    return ast.parse(path.read_text(encoding="utf-8"))


def imported_modules(path: Path) -> set[str]:
    name, package = module_name(path)
    found: set[str] = set()
    for node in ast.walk(syntax(path)):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[: len(package) - (node.level - 1)]
            if node.module:
                found.add(".".join([*base, *node.module.split(".")]))
            else:
                found.update(".".join([*base, a.name]) for a in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("talkgen"):
            found.add(node.module or "")
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("talkgen"))
    return found


def unit_graph() -> dict[str, set[str]]:
    """Which unit imports which other units (edges inside a unit are left out)."""
    graph: dict[str, set[str]] = defaultdict(set)
    for path in sorted(PACKAGE.rglob("*.py")):
        source = unit_of(module_name(path)[0])
        graph[source]  # every unit appears, even one that imports nothing
        for target in imported_modules(path):
            target_unit = unit_of(target)
            if target_unit == "__version__":
                target_unit = "__init__"
            if target_unit != source:
                graph[source].add(target_unit)
    return graph


def test_core_modules_import_no_package() -> None:
    graph = unit_graph()
    assert {u: sorted(graph[u] - CORE) for u in CORE if graph[u] - CORE} == {}


def test_only_the_cli_imports_the_features() -> None:
    graph = unit_graph()
    offenders = sorted(f"{u} imports {f}" for u, targets in graph.items()
                       for f in targets & FEATURES if u not in ("cli", "__main__"))
    assert offenders == []


def test_the_cli_imports_the_features_lazily() -> None:
    """`talkgen --help` and `build` must not pay for the preview, importer or scaffold."""
    tree = syntax(PACKAGE / "cli.py")
    top = sorted(n.module or "" for n in tree.body if isinstance(n, ast.ImportFrom)
                 and (n.module or "").split(".")[0] in FEATURES)
    assert top == [], "import these inside the command that needs them"


# What a run really imports (start-up time, issue 16): a build of a small site never the
# preview, importer or scaffold, the network modules or the worker pool; `--help` not even the
# libraries a build needs.
BUILD_NEVER_IMPORTS = ("talkgen.preview", "talkgen.importer", "talkgen.scaffold", "asyncio",
                       "http", "urllib.request", "ssl", "multiprocessing")
HELP_NEVER_IMPORTS = (*BUILD_NEVER_IMPORTS, "talkgen.content", "talkgen.site", "talkgen.build",
                      "yaml", "markdown_it", "jinja2", "pygments")


def imported_by(*args: str, cwd: Path) -> set[str]:
    """Every module a `talkgen ARGS` process holds when the command has finished."""
    code = ("import sys\nfrom talkgen.cli import main\ntry:\n    main(sys.argv[1:])\n"
            "except SystemExit:\n    pass\nprint('modules:', *sys.modules)")
    done = subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, capture_output=True,
                          text=True, check=True)
    return set(done.stdout.splitlines()[-1].split()[1:])


def among(modules: set[str], packages: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == p or m.startswith(p + ".") for p in packages))


def test_building_a_small_site_imports_no_feature_network_or_pool_module(
        fixture_site: Path) -> None:
    modules = imported_by("build", "--no-search", cwd=fixture_site)
    assert {"talkgen.build.publish", "pygments.lexers.python"} <= modules  # built, highlighted
    assert among(modules, BUILD_NEVER_IMPORTS) == []


def test_help_imports_none_of_what_a_build_needs(tmp_path: Path) -> None:
    modules = imported_by("--help", cwd=tmp_path)
    assert "argparse" in modules
    assert among(modules, HELP_NEVER_IMPORTS) == []


def test_every_unit_has_a_layer_and_no_import_points_up() -> None:
    graph = unit_graph()
    unknown = sorted(set(graph) - CORE - set(LAYERS))
    assert unknown == [], "give new packages a layer in LAYERS and a line in the README"
    upward = sorted(f"{u} (layer {LAYERS[u]}) imports {t} (layer {LAYERS[t]})"
                    for u, targets in graph.items() if u in LAYERS
                    for t in targets if t in LAYERS and LAYERS[t] >= LAYERS[u])
    assert upward == []  # content never imports site or build, and so on down


def test_no_cycles_between_units() -> None:
    graph = unit_graph()
    state: dict[str, int] = {}

    def visit(unit: str, trail: list[str]) -> list[str]:
        state[unit] = 1
        for target in sorted(graph.get(unit, ())):
            if state.get(target) == 1:
                return [*trail, unit, target]
            if target not in state and (cycle := visit(target, [*trail, unit])):
                return cycle
        state[unit] = 2
        return []

    cycles = [c for u in sorted(graph) if u not in state and (c := visit(u, []))]
    assert cycles == []


def drawing() -> str:
    """The README's dependency lines, from the real imports."""
    graph = unit_graph()
    packages = sorted((u for u in graph if (PACKAGE / u).is_dir()), key=lambda u: (LAYERS[u], u))
    lines = []
    for unit in packages:
        uses = sorted(graph[unit] - CORE, key=lambda u: (LAYERS.get(u, 0), u))
        lines.append(f"{unit + '/':<10} uses core{''.join(', ' + u for u in uses)}")
    return "\n".join(lines)


def test_the_readme_drawing_matches_the_imports() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- imports -->\n```\n(.*?)```", readme, re.S)
    assert block, "README needs the generated block after <!-- imports -->"
    assert block.group(1).rstrip("\n") == drawing(), (
        "update README's import drawing to:\n" + drawing())


def test_only_the_cli_prints() -> None:
    for module in sorted(PACKAGE.rglob("*.py")):
        if module.stem in ("cli", "__main__"):
            continue
        calls = [n for n in ast.walk(syntax(module))
                 if isinstance(n, ast.Call) and getattr(n.func, "id", None) == "print"]
        assert calls == [], f"{module.name} prints; return diagnostics instead"

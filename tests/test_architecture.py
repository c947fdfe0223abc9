"""Layers only look down: a module may import from its own layer or lower ones (STYLE.md)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).parent.parent / "talkgen"

LAYERS = {
    "__init__": 0, "diagnostics": 0, "model": 0, "codec": 0, "nofollow": 0,
    "structure": 1, "urls": 1, "frontmatter": 1, "schema": 1, "config": 1, "markdown": 1,
    "theme": 1, "schemas_json": 1,
    "reading": 1, "pool": 1, "cache": 1, "signing": 1, "static_list": 1, "output_folder": 1,
    "yaml_slips": 1, "install_source": 1, "xmltext": 1, "limits": 1, "pagefind_service": 1,
    "messages": 1, "mathml": 1, "video": 1, "chapters": 1, "qa": 1,
    "assets": 1,
    "body": 2, "loader": 2, "site": 2, "loading": 2, "heading_variants": 2, "sense": 2,
    "readinglist": 2,
    "render": 3, "template_env": 2, "output": 3, "feeds": 3, "search": 3, "affected": 3,
    "rebuild": 3,
    "build": 4, "scaffold": 4, "init": 4, "importer": 4,
    "incremental": 4, "preview_sources": 4, "preview_pages": 4, "preview_paths": 4,
    "serve": 5, "watch": 5, "livereload": 5, "hosts": 5,
    "cli": 5, "__main__": 5,
}


def imports_of(module: Path) -> set[str]:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                found.add(node.module.split(".")[0])
            else:  # `from . import x`: a module, or a name from __init__
                found.update(a.name if (PACKAGE / f"{a.name}.py").exists() else "__init__"
                             for a in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("talkgen"):
            parts = (node.module or "").split(".")
            found.add(parts[1] if len(parts) > 1 else "__init__")
    return found


def test_every_module_has_a_layer() -> None:
    modules = {p.stem for p in PACKAGE.glob("*.py")} | {p.parent.name for p in
                                                        PACKAGE.glob("*/__init__.py")}
    assert modules == set(LAYERS), "add new modules to LAYERS (and to the README picture)"


def test_no_module_imports_from_a_higher_layer() -> None:
    upward = []
    for module in sorted(PACKAGE.glob("*.py")):
        for target in imports_of(module):
            if LAYERS[target] > LAYERS[module.stem]:
                upward.append(f"{module.stem} (layer {LAYERS[module.stem]}) imports {target} "
                              f"(layer {LAYERS[target]})")
    for module in sorted(PACKAGE.glob("importer/*.py")):  # `from ..x`: the package's modules
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 2 and node.module:
                target = node.module.split(".")[0]
                if LAYERS[target] > LAYERS["importer"]:
                    upward.append(f"importer/{module.name} imports {target}")
    assert upward == []


def test_only_the_cli_imports_the_importer_and_only_when_importing() -> None:
    users = [m.stem for m in PACKAGE.glob("*.py") if "importer" in imports_of(m)]
    assert users == ["cli"]
    tree = ast.parse((PACKAGE / "cli.py").read_text(encoding="utf-8"))
    top = [n for n in tree.body if isinstance(n, ast.ImportFrom) and "importer" in (n.module or "")]
    assert top == [], "cli imports the importer lazily, inside run_import"


def test_only_the_cli_prints() -> None:
    for module in sorted([*PACKAGE.glob("*.py"), *PACKAGE.glob("importer/*.py")]):
        if module.stem in ("cli", "__main__"):
            continue
        calls = [n for n in ast.walk(ast.parse(module.read_text(encoding="utf-8")))
                 if isinstance(n, ast.Call) and getattr(n.func, "id", None) == "print"]
        assert calls == [], f"{module.name} prints; return diagnostics instead"

"""The built fixture site equals the checked-in golden pages: it catches the accidental output
changes that targeted asserts miss. Regenerate after an intended change: `python -m tests.golden`."""

from __future__ import annotations

import difflib
from pathlib import Path

from .golden import build_pages, expected_pages

REGENERATE = "if the change is intended, run `python -m tests.golden` and review `git diff`"


def test_every_page_equals_the_golden_site(tmp_path: Path) -> None:
    built, expected = build_pages(tmp_path / "out"), expected_pages()
    assert expected, f"no golden pages: {REGENERATE}"
    assert sorted(built) == sorted(expected), REGENERATE
    for name in sorted(built):
        if built[name] != expected[name]:
            diff = difflib.unified_diff(expected[name].splitlines(), built[name].splitlines(),
                                        f"golden/{name}", f"built/{name}", lineterm="", n=2)
            raise AssertionError(f"{name} differs from the golden page; {REGENERATE}\n"
                                 + "\n".join(list(diff)[:60]))

"""The mistakes authors really make (tests/fixtures/mistakes/): each reported at the right
line and column, with the fix in the hint, and nothing else reported."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from talkgen import cli

from .conftest import FIXTURES

MISTAKES = FIXTURES / "mistakes"
CASES = sorted(p for p in MISTAKES.glob("*.md") if not p.name.startswith("_")
               and p.name != "README.md")


@dataclass(frozen=True)
class Expected:
    code: str
    line: int
    column: int
    hint: str
    message: str = ""


def expectations(case: Path) -> tuple[str, list[Expected]]:
    """The file name the case is checked under, and the diagnostics it must produce."""
    name, rows = "002.md", []
    for row in case.with_suffix(".expect").read_text(encoding="utf-8").splitlines():
        if row.startswith("# file: "):
            name = row.removeprefix("# file: ").strip()
        elif row.strip():
            head, _, message = row.partition(" || ")
            code, line, column, hint = head.split(" ", 3)
            rows.append(Expected(code, int(line), int(column), hint, message))
    return name, rows


def check_json(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[dict[str, object]]]:
    """`talkgen check --format json` in-process; its stdout parsed."""
    code = cli.main(["check", "--root", str(root), "--format", "json", *args])
    return code, json.loads(capsys.readouterr().out)


def site_with(case: Path, name: str, tmp_path: Path) -> Path:
    (tmp_path / "episodes").mkdir()
    shutil.copy(MISTAKES / "_previous.md", tmp_path / "episodes" / "001.md")
    shutil.copy(case, tmp_path / "episodes" / name)
    return tmp_path


def test_the_corpus_is_big_enough() -> None:
    assert len(CASES) >= 40
    assert all(case.with_suffix(".expect").is_file() for case in CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_each_mistake_gets_its_diagnostic(case: Path, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    name, expected = expectations(case)
    code, found = check_json(site_with(case, name, tmp_path), capsys)
    assert [(d["code"], d["line"], d["column"]) for d in found] == \
        [(e.code, e.line, e.column) for e in expected]
    for d, e in zip(found, expected, strict=True):
        assert e.hint in str(d["hint"]), d
        assert e.message in str(d["message"]), d
        assert str(d["file"]).startswith("episodes/")
    assert code == (1 if any(e.code.startswith("E") for e in expected) else 0)

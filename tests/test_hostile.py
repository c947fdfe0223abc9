"""Hostile input is data: every case ends in exit 0 or 1 with diagnostics, within 30 s and
512 MB, never a traceback (SPEC §3, last point).

Each command runs in a child of one fork server under those limits (tests/hostile/runner.py),
as a fresh `python -m talkgen` would, without starting an interpreter per command. The cases
that parse megabytes are named stress tests (marker `slow`) and are only built (the build
checks them as `check` does); the others take milliseconds, and are checked and built.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import pytest

from .hostile.corpus import CASES, Case
from .hostile.runner import Talkgen, forking_talkgen


@pytest.fixture(scope="module")
def talkgen() -> Iterator[Talkgen]:
    with forking_talkgen() as run:
        yield run


pytestmark = pytest.mark.xdist_group("hostile")  # one worker, one fork server

STRESS = {"episode-5mb", "many-placeholder-links", "brackets-50000", "nested-indented-list"}


@pytest.mark.parametrize("case", [
    pytest.param(c, id=c.name, marks=[pytest.mark.slow] if c.name in STRESS else []) for c in CASES])
def test_hostile_input_is_data(case: Case, tmp_path: Path, talkgen: Talkgen) -> None:
    (tmp_path / "episodes").mkdir()
    (tmp_path / "episodes" / "001.md").write_bytes(case.make())
    if case.name not in STRESS:  # a stress case is parsed once, by the build below
        checked = talkgen(tmp_path, "check", "--format", "json")
        assert checked.returncode in (0, 1), checked.stderr[-2000:]
        assert "Traceback" not in checked.stderr
        assert case.codes <= {d["code"] for d in json.loads(checked.stdout)}
    built = talkgen(tmp_path, "build", "--no-search")  # Pagefind is not what is tested here
    assert "Traceback" not in built.stderr
    assert case.codes <= set(re.findall(r"(?:error|warning)\[(\w+)\]", built.stderr))
    assert built.returncode == (0 if case.builds else 1), built.stderr[-2000:]
    assert (tmp_path / "_site" / "index.html").exists() == case.builds
    if case.builds:
        _published_safely(tmp_path / "_site")


def _published_safely(out: Path) -> None:
    """What a built hostile case must show, beyond an exit code: no payload markup on any page,
    and every topic and person in a folder of its own (a name like ".." must not land
    elsewhere). Without this, the corpus passed with autoescape off and raw names as slugs."""
    for page in out.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "<script>alert(1)" not in text and "<img src=x onerror" not in text, page
    for index in ("topics", "contributors"):
        listing = (out / index / "index.html").read_text(encoding="utf-8")
        folders = re.findall(rf'href="/{index}/([^"]*)/"', listing)
        for folder in folders:
            name = unquote(folder)
            assert name not in (".", "..") and "/" not in name and "\\" not in name, name
            assert (out / index / name / "index.html").is_file(), name

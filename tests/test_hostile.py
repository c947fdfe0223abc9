"""Hostile input is data: every case ends in exit 0 or 1 with diagnostics, within 30 s and
512 MB, never a traceback (SPEC §3, last point)."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from .hostile.corpus import CASES, Case

pytestmark = pytest.mark.slow  # each case parses its hostile input at full size, twice

LIMIT_SECONDS = 30
LIMIT_BYTES = 512 * 1024 * 1024


def _limit_memory() -> None:
    """512 MB of memory and 30 s of CPU: the limits hold on a busy machine, where a wall-clock
    limit would fail whenever the other test workers take the cores."""
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT_BYTES, LIMIT_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (LIMIT_SECONDS, LIMIT_SECONDS))


def talkgen(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "talkgen", *args], cwd=site, text=True,
                          capture_output=True, timeout=LIMIT_SECONDS * 4, preexec_fn=_limit_memory)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_input_is_data(case: Case, tmp_path: Path) -> None:
    (tmp_path / "episodes").mkdir()
    (tmp_path / "episodes" / "001.md").write_bytes(case.make())
    checked = talkgen(tmp_path, "check", "--format", "json")
    assert checked.returncode in (0, 1), checked.stderr[-2000:]
    assert "Traceback" not in checked.stderr
    codes = {d["code"] for d in json.loads(checked.stdout)}
    assert case.codes <= codes
    built = talkgen(tmp_path, "build", "--no-search")  # Pagefind is not what is tested here
    assert "Traceback" not in built.stderr
    assert built.returncode == (0 if case.builds else 1), built.stderr[-2000:]
    assert (tmp_path / "_site" / "index.html").exists() == case.builds

"""Shared helpers: run talkgen as a user does (a subprocess in a folder) and copy fixtures."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).parent.parent
SHARED_SAMPLE = REPO.parent / "shared" / "samples" / "openllm-talk-001-legacy.md"
SAMPLE = FIXTURES / "samples" / SHARED_SAMPLE.name  # a copy, so the tests need nothing outside


def run_talkgen(*args: str, cwd: Path, env: dict[str, str] | None = None,
                timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`talkgen ARGS` in `cwd`, through `python -m talkgen` of the interpreter running pytest."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "talkgen", *args], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def fixture_site(tmp_path: Path) -> Path:
    """A copy of tests/fixtures/site: three episodes, Chinese topics, a draft, an open question."""
    target = tmp_path / "site"
    shutil.copytree(FIXTURES / "site", target)
    return target

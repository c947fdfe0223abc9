"""Same input → byte-identical output, whatever the folder, hash seed, time zone or file times."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from .conftest import FIXTURES, REPO, run_talkgen, tree_digest


@pytest.mark.slow  # two builds with their Pagefind index, in fresh interpreters
def test_builds_in_different_folders_and_times_are_identical(tmp_path: Path) -> None:
    digests = []
    for n, (seed, tz, mtime) in enumerate([("1", "UTC", 1_000_000_000), ("2", "Asia/Shanghai",
                                                                        1_700_000_000)]):
        site = tmp_path / f"copy-{n}" / ("nested/" * n) / "site"
        shutil.copytree(FIXTURES / "site", site)
        shutil.copy(REPO / "episodes" / "001.md", site / "episodes" / "004.md")
        text = (site / "episodes" / "004.md").read_text(encoding="utf-8")
        (site / "episodes" / "004.md").write_text(text.replace("number: 1", "number: 4", 1),
                                                  encoding="utf-8")
        for path in site.rglob("*"):
            os.utime(path, (mtime, mtime))
        result = run_talkgen("build", "--drafts", cwd=site, env={"PYTHONHASHSEED": seed, "TZ": tz})
        assert result.returncode == 0, result.stderr
        digests.append(tree_digest(site / "_site"))
    assert digests[0] == digests[1]
    assert len(digests[0]) > 20

"""A build that fails or is killed never damages the published output or the user's files."""

from __future__ import annotations

import fcntl
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from talkgen.site.output_folder import MARKER, MARKER_TEXT, output_problem

from .conftest import FIXTURES, run_talkgen, tree_digest


def _many_episodes(site: Path, count: int) -> None:
    template = (FIXTURES / "site" / "episodes" / "002.md").read_text(encoding="utf-8")
    template = template.replace("接着[上期](001.md)的讨论，回顾[位置编码](001.md#本周经典)。", "")
    for n in range(1, count + 1):
        text = template.replace("number: 2", f"number: {n}") + ("\n扩展内容。" * 200)
        (site / "episodes" / f"{n:03d}.md").write_text(text, encoding="utf-8")


@pytest.mark.slow  # a stress test: 150 episodes, Pagefind, four builds killed at random
def test_kill_9_during_a_build_leaves_a_whole_site(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "episodes").mkdir(parents=True)
    _many_episodes(site, 150)
    assert run_talkgen("build", cwd=site).returncode == 0
    before = tree_digest(site / "_site")
    (site / "episodes" / "001.md").write_text(
        (site / "episodes" / "001.md").read_text(encoding="utf-8").replace("扩展", "改动"),
        encoding="utf-8")
    rng = random.Random(7)
    for _ in range(4):
        proc = subprocess.Popen([sys.executable, "-m", "talkgen", "build"], cwd=site,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 2.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        after = tree_digest(site / "_site")
        assert after == before or "改动" in (site / "_site/episodes/001/index.html").read_text()
        assert (site / "_site" / "index.html").is_file()
    assert run_talkgen("build", cwd=site).returncode == 0
    assert sorted(p.name for p in site.iterdir()) == [".talkgen-cache", "_site", "episodes"]


def test_interrupted_swap_is_recovered_by_the_next_build(fixture_site: Path) -> None:
    assert run_talkgen("build", "--no-search", cwd=fixture_site).returncode == 0
    before = tree_digest(fixture_site / "_site")
    # what a kill between the two renames of the swap would leave behind
    (fixture_site / "_site").rename(fixture_site / "._site.old-999999")
    (fixture_site / "._site.staging-999998").mkdir()
    broken = fixture_site / "episodes" / "009.md"
    broken.write_text("broken\n", encoding="utf-8")
    assert run_talkgen("build", "--no-search", cwd=fixture_site).returncode == 1
    assert tree_digest(fixture_site / "_site") == before
    broken.unlink()
    assert run_talkgen("build", "--no-search", cwd=fixture_site).returncode == 0
    assert not list(fixture_site.glob("._site.*"))


def _waits_for_a_lock(pid: int) -> bool:
    """Whether process `pid` is blocked on a file lock (Linux lists waiters with "->")."""
    return any(line.split()[1] == "->" and line.split()[5] == str(pid)
               for line in Path("/proc/locks").read_text().splitlines())


@pytest.mark.skipif(not Path("/proc/locks").exists(), reason="needs Linux's /proc/locks")
def test_a_build_judges_the_output_folder_once_it_holds_the_lock(fixture_site: Path) -> None:
    """Another build holding the lock may be mid-swap, its folders vanishing: a build that
    looked before waiting read a vanished folder as read-only and refused (E041), 1 run in
    about 12 of the concurrent-builds test. Here the holder leaves the output unmarked while
    it holds the lock and marks it again before letting go."""
    assert run_talkgen("build", "--no-search", cwd=fixture_site).returncode == 0
    out = fixture_site / "_site"
    marker = out / MARKER
    lock = os.open(fixture_site, os.O_RDONLY)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        marker.unlink()  # what another build, mid-way, may show to one that looks
        waiting = subprocess.Popen([sys.executable, "-m", "talkgen", "build", "--no-search"],
                                   cwd=fixture_site, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while waiting.poll() is None and not _waits_for_a_lock(waiting.pid):
            assert time.monotonic() < deadline, "the build neither waited nor ended"
            time.sleep(0.02)
        marker.write_bytes(MARKER_TEXT)
    finally:
        os.close(lock)  # lets the build go on
    _, stderr = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, stderr
    assert (out / "index.html").is_file()


def test_symlink_out_of_the_site_is_not_followed(fixture_site: Path, tmp_path: Path) -> None:
    outside = tmp_path / "secret.md"
    shutil.copy(fixture_site / "episodes" / "002.md", outside)
    (fixture_site / "episodes" / "002.md").unlink()
    os.symlink(outside, fixture_site / "episodes" / "002.md")
    result = run_talkgen("check", "--format", "json", cwd=fixture_site)
    assert '"code": "W034"' in result.stdout
    assert "Traceback" not in result.stderr


def test_new_refuses_to_overwrite_even_a_symlink(fixture_site: Path, tmp_path: Path) -> None:
    target = tmp_path / "precious.txt"
    target.write_text("keep me")
    os.symlink(target, fixture_site / "episodes" / "007.md")
    assert run_talkgen("new", "7", cwd=fixture_site).returncode == 1
    assert target.read_text() == "keep me"


def test_every_folder_holding_the_users_work_is_refused_as_output(tmp_path: Path) -> None:
    site = tmp_path / "site"
    refused = [site, site / "episodes", site / "templates", site / "static", tmp_path,
               Path.home(), Path("/")]
    assert [out for out in refused if output_problem(out, site) is None] == []
    assert output_problem(site / "_site", site) is None
    assert output_problem(tmp_path / "elsewhere", site) is None

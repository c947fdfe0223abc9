"""The CLI's contract: new, check, exit codes, help and version."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from .conftest import REPO, run_talkgen

COMMANDS = ("build", "check", "new")


def test_new_scaffolds_an_episode_that_passes_check(tmp_path: Path) -> None:
    result = run_talkgen("new", "--date", "2023-06-24", "--host", "羡鱼", cwd=tmp_path)
    assert result.returncode == 0 and "created episodes/001.md" in result.stderr
    text = (tmp_path / "episodes" / "001.md").read_text(encoding="utf-8")
    for heading in ("## 本周新闻", "## 本周推荐", "## 本周经典", "## 本周实践", "## Free Talk"):
        assert heading in text
    check = run_talkgen("check", "--format", "json", cwd=tmp_path)
    assert check.returncode == 0
    assert {d["code"] for d in __import__("json").loads(check.stdout)} == {"W025"}


def test_new_takes_the_next_free_number(fixture_site: Path) -> None:
    result = run_talkgen("new", "--title", "第四期", cwd=fixture_site)
    assert result.returncode == 0
    assert 'title: "第四期"' in (fixture_site / "episodes" / "004.md").read_text(encoding="utf-8")


def test_new_never_overwrites(fixture_site: Path) -> None:
    before = (fixture_site / "episodes" / "002.md").read_bytes()
    result = run_talkgen("new", "2", cwd=fixture_site)
    assert result.returncode == 1 and "already exists" in result.stderr
    assert (fixture_site / "episodes" / "002.md").read_bytes() == before


def test_check_exit_codes(fixture_site: Path) -> None:
    assert run_talkgen("check", cwd=fixture_site, process=True).returncode == 0
    (fixture_site / "episodes" / "005.md").write_text("broken\n", encoding="utf-8")
    assert run_talkgen("check", cwd=fixture_site, process=True).returncode == 1


def test_check_named_files_only(fixture_site: Path) -> None:
    (fixture_site / "episodes" / "005.md").write_text("broken\n", encoding="utf-8")
    assert run_talkgen("check", "episodes/001.md", cwd=fixture_site).returncode == 0
    assert run_talkgen("check", "episodes/005.md", cwd=fixture_site).returncode == 1


@pytest.mark.parametrize("args", [("frobnicate",), ("build", "--bogus"), ("new", "abc"),
                                  ("new", "--date", "2023-02-30"), ()])
def test_usage_errors_exit_2(args: tuple[str, ...], tmp_path: Path) -> None:
    result = run_talkgen(*args, cwd=tmp_path, process=True)
    assert result.returncode == 2 and "Traceback" not in result.stderr


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str, tmp_path: Path) -> None:
    result = run_talkgen(command, "--help", cwd=tmp_path)
    assert result.returncode == 0 and "--root" in result.stdout


def test_version(tmp_path: Path) -> None:
    result = run_talkgen("--version", cwd=tmp_path, process=True)
    assert result.returncode == 0 and result.stdout.startswith("talkgen ")


def test_root_option_works_from_elsewhere(fixture_site: Path, tmp_path: Path) -> None:
    result = run_talkgen("build", "--no-search", "--root", str(fixture_site), cwd=tmp_path)
    assert result.returncode == 0 and (fixture_site / "_site" / "index.html").is_file()


def test_the_command_leaves_its_objects_to_the_os(fixture_site: Path) -> None:
    """`talkgen` and `python -m talkgen` end through cli.run, which freezes what the command
    loaded so the interpreter's last collections skip it (≈ 20 ms of a small build)."""
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert scripts["scripts"]["talkgen"] == "talkgen.cli:run"
    code = ("import atexit, gc, runpy, sys\n"
            "atexit.register(lambda: print('frozen', gc.get_freeze_count()))\n"
            "sys.argv = ['talkgen', 'check']\n"
            "runpy.run_module('talkgen', run_name='__main__')")
    done = subprocess.run([sys.executable, "-c", code], cwd=fixture_site, capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.split()[-1]) > 10_000

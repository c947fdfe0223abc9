"""What goes wrong on a real machine is a one-line diagnostic with exit 1: no traceback, the old
output whole and nothing left behind (issue 11, item 12). Disk full and read-only folders are
real tmpfs mounts when the tests run as root; otherwise chmod, or the error is injected."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

import talkgen.site.output
from talkgen.cli import main

from .conftest import run_talkgen
from .test_build import tree_digest

ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


@contextlib.contextmanager
def tmpfs(folder: Path, size: str) -> Iterator[Path]:
    """A small file system of its own at `folder` (root only; skips the test otherwise)."""
    folder.mkdir()
    mounted = ROOT and subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs",
                                       str(folder)], capture_output=True).returncode == 0
    if not mounted:
        pytest.skip("needs root and mount to make a small file system")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def leftovers(site: Path) -> list[str]:
    return sorted(p.name for p in site.iterdir() if p.name.startswith("._site"))


def assert_one_diagnostic(stderr: str, code: str) -> None:
    assert "Traceback" not in stderr, stderr
    assert f"error[{code}]" in stderr and stderr.count("error[") == 1, stderr


def edit(site: Path) -> None:
    episode = site / "episodes" / "001.md"
    episode.write_text(episode.read_text(encoding="utf-8") + "\n新的一段。\n", encoding="utf-8")


def test_a_full_disk_is_a_diagnostic_and_keeps_the_old_site(fixture_site: Path,
                                                             tmp_path: Path) -> None:
    with tmpfs(tmp_path / "disk", "1m") as disk:
        site = disk / "site"
        shutil.copytree(fixture_site, site)
        assert run_talkgen("build", "--no-search", cwd=site).returncode == 0
        before = tree_digest(site / "_site")
        edit(site)
        free = shutil.disk_usage(disk).free
        (disk / "filler").write_bytes(b"\0" * max(0, free - 16 * 1024))
        result = run_talkgen("build", "--no-search", cwd=site)
        assert result.returncode == 1
        assert_one_diagnostic(result.stderr, "E080")
        assert "No space left on device" in result.stderr and "free some disk space" in result.stderr
        assert tree_digest(site / "_site") == before
        assert leftovers(site) == []


def test_a_write_failing_halfway_is_a_diagnostic_and_keeps_the_old_site(
        fixture_site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
        ) -> None:
    """The same without root: the sixth file written fails as a full disk does."""
    assert main(["build", "--root", str(fixture_site), "--no-search"]) == 0
    before = tree_digest(fixture_site / "_site")
    edit(fixture_site)
    real, calls = talkgen.site.output._write, []

    def full(path: Path, content: str | bytes) -> None:
        calls.append(path)
        if len(calls) > 5:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        real(path, content)

    monkeypatch.setattr(talkgen.site.output, "_write", full)
    capsys.readouterr()
    assert main(["build", "--root", str(fixture_site), "--no-search"]) == 1
    assert_one_diagnostic(capsys.readouterr().err, "E080")
    assert tree_digest(fixture_site / "_site") == before
    assert leftovers(fixture_site) == []


def test_a_read_only_site_folder_is_a_diagnostic(fixture_site: Path, tmp_path: Path) -> None:
    if ROOT:
        with tmpfs(tmp_path / "ro", "4m") as disk:
            site = disk / "site"
            shutil.copytree(fixture_site, site)
            subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
            _check_read_only(site)
    else:
        fixture_site.chmod(0o555)
        try:
            _check_read_only(fixture_site)
        finally:
            fixture_site.chmod(0o755)


def _check_read_only(site: Path) -> None:
    assert run_talkgen("check", cwd=site).returncode == 0
    result = run_talkgen("build", "--no-search", cwd=site)
    assert result.returncode == 1
    assert_one_diagnostic(result.stderr, "E080")
    assert not (site / "_site").exists()


def test_an_unreadable_static_file_is_a_diagnostic(fixture_site: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    static = fixture_site / "static"
    static.mkdir()
    (static / "secret.css").write_text("body{}")
    if ROOT:  # root reads every file: make the copy fail as it does for a normal user
        real = shutil.copyfile

        def copyfile(source: Path, target: Path, **kwargs: bool) -> object:
            if Path(source).name == "secret.css":
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(source))
            return real(source, target, **kwargs)

        monkeypatch.setattr(shutil, "copyfile", copyfile)
    else:
        (static / "secret.css").chmod(0)
    assert main(["build", "--root", str(fixture_site), "--no-search"]) == 1
    stderr = capsys.readouterr().err
    assert_one_diagnostic(stderr, "E080")
    assert "static/secret.css: error[E080]: cannot write the site: Permission denied" in stderr
    assert not (fixture_site / "_site").exists() and leftovers(fixture_site) == []


def test_a_read_only_output_folder_is_refused_and_nothing_is_left_behind(
        fixture_site: Path) -> None:
    assert run_talkgen("build", "--no-search", cwd=fixture_site).returncode == 0
    before = tree_digest(fixture_site / "_site")
    locked = fixture_site / "_site" / "episodes"
    if ROOT:
        if subprocess.run(["chattr", "+i", str(locked)], capture_output=True).returncode:
            pytest.skip("the file system has no immutable flag")
    else:
        locked.chmod(0o555)
    try:
        edit(fixture_site)
        result = run_talkgen("build", "--no-search", cwd=fixture_site)
    finally:
        if ROOT:
            subprocess.run(["chattr", "-i", str(locked)], check=True)
        else:
            locked.chmod(0o755)
    assert result.returncode == 1
    assert_one_diagnostic(result.stderr, "E041")
    assert "read-only" in result.stderr
    assert tree_digest(fixture_site / "_site") == before
    assert leftovers(fixture_site) == []


def test_new_after_episode_999999_writes_nothing(fixture_site: Path) -> None:
    last = fixture_site / "episodes" / "999999.md"
    last.write_text((fixture_site / "episodes" / "001.md").read_text(encoding="utf-8")
                    .replace("number: 1\n", "number: 999999\n"), encoding="utf-8")
    before = sorted(p.name for p in (fixture_site / "episodes").iterdir())
    result = run_talkgen("new", cwd=fixture_site)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "episode numbers end at 999999" in result.stderr
    assert sorted(p.name for p in (fixture_site / "episodes").iterdir()) == before


def test_a_dangling_symlink_and_a_folder_named_like_an_episode_are_reported(
        fixture_site: Path) -> None:
    (fixture_site / "episodes" / "004.md").symlink_to("gone.md")
    (fixture_site / "episodes" / "005.md").mkdir()
    for command in ("check", "build"):
        result = run_talkgen(command, "--no-search" if command == "build" else "--strict",
                             cwd=fixture_site)
        assert "Traceback" not in result.stderr
        assert 'episodes/004.md: warning[W034]: skipped "episodes/004.md": it links to a file ' \
            "that does not exist" in result.stderr
        assert 'episodes/005.md: warning[W032]: skipped "episodes/005.md": it is a folder' \
            in result.stderr


def test_new_never_writes_through_a_symlinked_episodes_folder(tmp_path: Path) -> None:
    site, elsewhere = tmp_path / "site", tmp_path / "elsewhere"
    site.mkdir()
    elsewhere.mkdir()
    (site / "episodes").symlink_to(elsewhere, target_is_directory=True)
    result = run_talkgen("new", cwd=site)
    assert result.returncode == 1 and "episodes/ links outside the site" in result.stderr
    assert list(elsewhere.iterdir()) == []

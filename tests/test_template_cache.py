"""Compiled templates kept in the user's cache folder: used again, never stale after an edit,
never taken from a folder others can write to or from an entry for other source."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO, run_talkgen

THEME_404 = REPO / "templates" / "404.html"


def _build(site: Path, cache_home: Path) -> str:
    result = run_talkgen("build", "--no-search", cwd=site, env={"XDG_CACHE_HOME": str(cache_home)})
    assert result.returncode == 0, result.stderr
    return (site / "_site" / "404.html").read_text(encoding="utf-8")


def _entries(cache_home: Path) -> list[Path]:
    folder = cache_home / "talkgen" / "templates"
    return sorted(folder.glob("*.jinja")) if folder.is_dir() else []


@pytest.fixture
def site(fixture_site: Path) -> Path:
    (fixture_site / "templates").mkdir()
    shutil.copy(THEME_404, fixture_site / "templates" / "404.html")
    return fixture_site


def test_second_build_reads_the_entries_and_an_edited_template_is_compiled_again(
        site: Path, tmp_path: Path) -> None:
    cache_home = tmp_path / "cache"
    first = _build(site, cache_home)
    entries = _entries(cache_home)
    assert entries, "the first build stores its compiled templates"
    assert all(e.stat().st_mode & 0o777 == 0o600 for e in entries)
    assert (cache_home / "talkgen" / "templates").stat().st_mode & 0o777 == 0o700

    template = site / "templates" / "404.html"
    template.write_text(template.read_text(encoding="utf-8").replace(
        "{% block main %}", "{% block main %}<p>编辑过的模板</p>", 1), encoding="utf-8")
    edited = _build(site, cache_home)
    assert "编辑过的模板" in edited and "编辑过的模板" not in first


def test_an_entry_for_other_source_is_not_used(site: Path, tmp_path: Path) -> None:
    clean = _build(site, tmp_path / "fresh")
    # The entries of a template that says something else, left for the original source.
    cache_home = tmp_path / "cache"
    template = site / "templates" / "404.html"
    original = template.read_text(encoding="utf-8")
    template.write_text(original.replace("{% block main %}", "{% block main %}<p>forged</p>", 1),
                        encoding="utf-8")
    assert "forged" in _build(site, cache_home)
    template.write_text(original, encoding="utf-8")
    assert _build(site, cache_home) == clean


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_a_cache_folder_others_may_write_to_is_not_used(site: Path, tmp_path: Path) -> None:
    cache_home = tmp_path / "cache"
    folder = cache_home / "talkgen" / "templates"
    folder.mkdir(parents=True)
    folder.chmod(0o777)
    _build(site, cache_home)
    assert _entries(cache_home) == []


def test_a_symlinked_cache_folder_is_not_used(site: Path, tmp_path: Path) -> None:
    cache_home = tmp_path / "cache"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (cache_home / "talkgen").mkdir(parents=True)
    (cache_home / "talkgen" / "templates").symlink_to(elsewhere, target_is_directory=True)
    _build(site, cache_home)
    assert list(elsewhere.iterdir()) == []


def test_no_cache_folder_is_no_error(site: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder", encoding="utf-8")
    assert "<html" in _build(site, blocked)

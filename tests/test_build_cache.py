"""The build cache and parallel build change speed, never bytes: cold, warm, after an edit,
serial and parallel builds of the same input are identical; a bad cache is ignored."""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
from pathlib import Path

import pytest

from talkgen.build import pool
from talkgen.build.gather import gather
from talkgen.build.publish import build as talkgen_build
from talkgen.content.config import load_config
from talkgen.site.output_folder import MARKER
from talkgen.site.search import search_files

from .conftest import run_talkgen, tree_digest
from .sitegen import write_site

pytestmark = pytest.mark.timeout(300)


def build(site: Path, key_home: Path, *args: str) -> dict[str, str]:
    result = run_talkgen("build", "--no-search", *args, cwd=site,
                         env={"XDG_CACHE_HOME": str(key_home)})
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return tree_digest(site / "_site")


def cold_digest(site: Path, tmp: Path) -> dict[str, str]:
    """The same input built from scratch in another folder, with no cache at all."""
    fresh = tmp / "fresh"
    shutil.rmtree(fresh, ignore_errors=True)
    shutil.copytree(site, fresh, ignore=shutil.ignore_patterns("_site", ".talkgen-cache"))
    return build(fresh, tmp / "fresh-key")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return write_site(tmp_path / "site", 12)


def test_cold_warm_edited_serial_and_parallel_builds_are_identical(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", 80)  # enough episodes for the parallel path
    key = tmp_path / "key"
    cold = build(site, key)
    assert (site / ".talkgen-cache").is_dir()
    assert build(site, key) == cold  # warm: nothing changed
    episode = site / "episodes" / "040.md"
    episode.write_text(episode.read_text(encoding="utf-8").replace("topics: [", "topics: [新话题, ")
                       + "\n编辑后的一句话。\n", encoding="utf-8")
    edited = build(site, key)
    assert edited != cold
    assert edited == cold_digest(site, tmp_path)
    (site / "episodes" / "081.md").write_text(
        (site / "episodes" / "080.md").read_text(encoding="utf-8")
        .replace("number: 80", "number: 81"), encoding="utf-8")
    assert build(site, key) == cold_digest(site, tmp_path)  # a new episode moves every page
    config, _ = load_config(site)
    config = config.with_overrides(search=False)  # as --no-search: no search box on the pages
    _, serial = gather(config, parallel=False)
    assert serial is not None
    written = {p.relative_to(site / "_site").as_posix(): p.read_bytes()
               for p in (site / "_site").rglob("*") if p.is_file() and p.name != MARKER}
    assert serial.files() == written  # the marker says who wrote the folder; not served


def test_damaged_cache_is_ignored_and_rebuilt(site: Path, tmp_path: Path) -> None:
    key = tmp_path / "key"
    cold = build(site, key)
    for path in (site / ".talkgen-cache").glob("*.json"):
        path.write_bytes(path.read_bytes()[:100] + b"garbage")
    assert build(site, key) == cold
    for path in (site / ".talkgen-cache").glob("*.json"):
        path.write_bytes(b"")
    assert build(site, key) == cold


def test_a_cache_from_elsewhere_is_never_unpickled(site: Path, tmp_path: Path) -> None:
    """A pull request could commit .talkgen-cache/: unsigned data must not run."""
    key = tmp_path / "key"
    cold = build(site, key)
    marker = tmp_path / "pwned"

    class Exploit:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (os.system, (f"touch {marker}",))

    for name in ("episodes.json", "build.json", "episodes.pickle", "build.pickle"):
        (site / ".talkgen-cache" / name).write_bytes(b"\0" * 32 + pickle.dumps(Exploit()))
    assert build(site, key) == cold
    assert build(site, tmp_path / "another-key") == cold  # another user's key: a cache miss
    assert not marker.exists()


def test_a_page_changed_by_hand_in_the_output_is_rewritten(site: Path, tmp_path: Path) -> None:
    key = tmp_path / "key"
    cold = build(site, key)
    page = site / "_site" / "episodes" / "010" / "index.html"
    page.write_text("tampered", encoding="utf-8")
    assert build(site, key) == cold


def _published(out: Path) -> dict[str, str]:
    """Every entry under the output folder, folders and symlinks too, with its bytes' hash."""
    found = {}
    for folder, folders, files in os.walk(out):
        for name in folders + files:
            path = Path(folder, name)
            found[path.relative_to(out).as_posix()] = (
                "symlink" if path.is_symlink() else "folder" if path.is_dir()
                else hashlib.sha256(path.read_bytes()).hexdigest())
    return found


def test_a_build_that_changed_nothing_leaves_the_published_folder_alone(
        site: Path, tmp_path: Path) -> None:
    key = tmp_path / "key"
    build(site, key)
    before = _published(site / "_site")
    assert build(site, key, "--base-url", "https://example.org/") != before  # changed: published
    build(site, key)
    assert _published(site / "_site") == before
    folder = (site / "_site").stat().st_ino
    build(site, key)
    assert (site / "_site").stat().st_ino == folder  # not swapped for a copy of itself
    assert _published(site / "_site") == before


def _same_size_edit(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[:-2] + bytes([data[-2] ^ 1]) + data[-1:])


CHANGES = {
    "extra file": lambda out, _: (out / "episodes" / "stray.html").write_text("x"),
    "extra folder": lambda out, _: (out / "topics" / "empty").mkdir(),
    "feed edited": lambda out, _: _same_size_edit(out / "feed.xml"),
    "style edited": lambda out, _: _same_size_edit(out / "static" / "style.css"),
    "marker edited": lambda out, _: _same_size_edit(out / MARKER),
    "page now a symlink": lambda out, away: (
        away.mkdir(), shutil.move(out / "episodes" / "001" / "index.html", away / "page.html"),
        (out / "episodes" / "001" / "index.html").symlink_to(away / "page.html")),
    "folder now a symlink": lambda out, away: (
        away.mkdir(), shutil.move(out / "episodes" / "002", away / "002"),
        (out / "episodes" / "002").symlink_to(away / "002")),
}


def test_a_build_that_changed_nothing_undoes_any_change_to_the_published_folder(
        site: Path, tmp_path: Path) -> None:
    """The shortcut above is taken only when the folder is exactly what a build publishes.
    The changes are made one after the other, each undone by a build before the next."""
    key = tmp_path / "key"
    build(site, key)
    before = _published(site / "_site")
    kept = []
    for change, make in CHANGES.items():
        make(site / "_site", tmp_path / change)
        assert _published(site / "_site") != before, change
        build(site, key)
        if _published(site / "_site") != before:
            kept.append(change)
    assert kept == []


@pytest.mark.slow  # Pagefind, five times
def test_search_during_the_build_changes_no_byte(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Pagefind fed page by page while the workers render gives the same site, index included,
    as a warm build, a serial build, and indexing the finished pages afterwards."""
    site = write_site(tmp_path / "site", 80)  # enough episodes for the parallel path
    key = {"XDG_CACHE_HOME": str(tmp_path / "key")}
    cold = run_talkgen("build", cwd=site, env=key)
    assert cold.returncode == 0 and "W060" not in cold.stderr, cold.stderr
    parallel = tree_digest(site / "_site")
    assert any(name.startswith("pagefind/fragment/") for name in parallel)
    assert run_talkgen("build", cwd=site, env=key).returncode == 0
    assert tree_digest(site / "_site") == parallel  # warm
    episode = site / "episodes" / "040.md"
    episode.write_text(episode.read_text(encoding="utf-8") + "\n编辑。\n", encoding="utf-8")
    assert run_talkgen("build", cwd=site, env=key).returncode == 0  # warm, indexed again
    episode.write_text(episode.read_text(encoding="utf-8").removesuffix("\n编辑。\n"),
                       encoding="utf-8")
    assert run_talkgen("build", cwd=site, env=key).returncode == 0
    assert tree_digest(site / "_site") == parallel
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "key"))
    monkeypatch.setattr(pool, "workers", lambda: 1)
    config, _ = load_config(site)
    serial_out = tmp_path / "serial"
    assert talkgen_build(config.with_overrides(output=serial_out), cache=False).ok
    assert tree_digest(serial_out) == parallel
    _, rendered = gather(config)
    assert rendered is not None
    index, problems = search_files(rendered.pages)
    assert problems == []
    afterwards = {name: hashlib.sha256(data).hexdigest()
                  for name, data in (rendered.files() | index).items()}
    assert afterwards == {name: digest for name, digest in parallel.items() if name != MARKER}

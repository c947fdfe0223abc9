"""The site folder arrives by pull request: each test commits what an attacker would (issue 11,
items 1, 2, 3, 5 and 10) and checks that `talkgen build` neither runs it, nor writes outside
the output folder, nor publishes a file from outside the site."""

from __future__ import annotations

import hashlib
import hmac
import importlib.metadata
import json
import os
import pickle
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import markdown_it
import pytest

import talkgen.build.cache
import talkgen.content.episode
from talkgen.build.load import EpisodeCache
from talkgen.cli import main
from talkgen.content.config import load_config
from talkgen.preview.builder import Preview

from .conftest import run_talkgen
from .test_build import tree_digest


class Exploit:
    """Unpickling this runs a shell command: what a forged pickle cache would do."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {self.marker}",))


@pytest.fixture
def key_home(tmp_path: Path) -> Path:
    return tmp_path / "user-cache"


def build(site: Path, key_home: Path, *args: str) -> tuple[int, str]:
    result = run_talkgen("build", "--no-search", *args, cwd=site,
                         env={"XDG_CACHE_HOME": str(key_home)})
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, result.stderr


def outside_digest(folder: Path) -> dict[str, str]:
    return tree_digest(folder) | {"(names)": " ".join(sorted(os.listdir(folder)))}


# -- item 1: the cache cannot run code; the key is whole, private and checked --------------

def test_a_zero_byte_key_never_lets_a_forged_cache_run_code(fixture_site: Path, key_home: Path,
                                                            tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    code, _ = build(fixture_site, tmp_path / "reference-key")
    reference = tree_digest(fixture_site / "_site")
    key = key_home / "talkgen" / "cache-key"
    monkeypatch.setenv("XDG_CACHE_HOME", str(key_home))
    config, _ = load_config(fixture_site)
    salt = EpisodeCache(config).store.salt  # the attacker can compute it: it is not secret
    key.unlink(missing_ok=True)
    key.write_bytes(b"")  # what a disk-full first run, or a racing second one, left
    key.chmod(0o644)
    marker = tmp_path / "pwned"
    payload = pickle.dumps(Exploit(marker))
    folder = fixture_site / ".talkgen-cache"
    for name in ("episodes.pickle", "episodes.json"):  # signed with the empty key, as before
        for signature in (hmac.new(b"", salt.encode() + payload, hashlib.sha256).digest(),
                          hmac.new(b"", salt.encode() + b"\0" + payload, hashlib.sha256).digest()):
            (folder / name).write_bytes(payload + signature)
            code, stderr = build(fixture_site, key_home)
            assert code == 0, stderr
            assert not marker.exists(), "the forged cache ran a command"
            assert tree_digest(fixture_site / "_site") == reference
    assert len(key.read_bytes()) == 32 and stat.S_IMODE(key.stat().st_mode) == 0o600


def test_first_runs_racing_share_one_whole_private_key(key_home: Path) -> None:
    from talkgen.build.signing import key_path, signing_key

    os.environ["XDG_CACHE_HOME"] = str(key_home)
    try:
        for round_ in range(20):
            folder = key_home / f"round{round_}"
            keys: list[bytes | None] = []

            def first_run(found: list[bytes | None] = keys, where: Path = folder) -> None:
                found.append(signing_key(where / "cache-key"))

            threads = [threading.Thread(target=first_run) for _ in range(8)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert len(set(keys)) == 1 and keys[0] is not None and len(keys[0]) == 32
            assert stat.S_IMODE((folder / "cache-key").stat().st_mode) == 0o600
        assert key_path() == key_home / "talkgen" / "cache-key"
    finally:
        del os.environ["XDG_CACHE_HOME"]


def test_a_key_others_can_read_or_the_wrong_length_is_replaced(key_home: Path) -> None:
    from talkgen.build.signing import signing_key

    key = key_home / "cache-key"
    key_home.mkdir(parents=True)
    for content, mode in ((b"k" * 32, 0o644), (b"short", 0o600), (b"", 0o600)):
        key.unlink(missing_ok=True)
        key.write_bytes(content)
        key.chmod(mode)
        fresh = signing_key(key)
        assert fresh is not None and fresh != content and len(fresh) == 32
        assert key.read_bytes() == fresh and stat.S_IMODE(key.stat().st_mode) == 0o600
    key.unlink()
    key.symlink_to(key_home / "elsewhere")
    assert signing_key(key) is not None and not key.is_symlink()
    assert not (key_home / "elsewhere").exists()


def test_a_signed_cache_of_the_wrong_shape_is_rejected_not_trusted(fixture_site: Path,
                                                                   key_home: Path) -> None:
    """Even with a valid signature, values are rebuilt into the declared types or refused."""
    assert build(fixture_site, key_home)[0] == 0
    reference = tree_digest(fixture_site / "_site")
    folder = fixture_site / ".talkgen-cache"
    signing = (key_home / "talkgen" / "cache-key").read_bytes()
    for name in ("episodes.json", "build.json"):
        blob = (folder / name).read_bytes()
        store_salt = _salt_of(fixture_site, name, key_home)
        values = json.loads(blob[:-32])  # the signature comes last (written as it streams)
        for forged in (_retyped(values), {"__class__": "os.system"}, [values, values], "x" * 10):
            payload = json.dumps(forged).encode()
            signature = hmac.new(signing, store_salt.encode() + b"\0" + payload,
                                 hashlib.sha256).digest()
            (folder / name).write_bytes(payload + signature)
            assert build(fixture_site, key_home)[0] == 0
            assert tree_digest(fixture_site / "_site") == reference


def _salt_of(site: Path, name: str, key_home: Path) -> str:
    from talkgen.build.previous import page_salt

    config, _ = load_config(site)
    config = config.with_overrides(output=site / "_site", search=False)
    os.environ["XDG_CACHE_HOME"] = str(key_home)
    try:
        return EpisodeCache(config).store.salt if name == "episodes.json" else page_salt(config)
    finally:
        del os.environ["XDG_CACHE_HOME"]


def _retyped(value: object) -> object:
    """The same structure with every number turned into a string of markup."""
    if isinstance(value, list):
        return [_retyped(v) for v in value]
    if isinstance(value, int) and not isinstance(value, bool):
        return "<script>alert(1)</script>"
    return value


# -- item 10: a library upgrade is a cache miss ------------------------------------------

@pytest.fixture
def fresh_code_hash() -> Iterator[None]:
    talkgen.build.cache.code_hash.cache_clear()
    yield
    talkgen.build.cache.code_hash.cache_clear()


def test_a_markdown_library_upgrade_re_renders_cached_episodes(
        fixture_site: Path, key_home: Path, monkeypatch: pytest.MonkeyPatch,
        fresh_code_hash: None) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(key_home))
    assert main(["build", "--root", str(fixture_site), "--no-search"]) == 0
    real_render = talkgen.content.episode.render
    monkeypatch.setattr(markdown_it, "__version__", "99.0")
    monkeypatch.setattr(talkgen.content.episode, "render", lambda md, tokens: real_render(md, tokens)
                        + "<!-- rendered by the upgraded parser -->")
    talkgen.build.cache.code_hash.cache_clear()  # a new process after `pip install -U`
    assert main(["build", "--root", str(fixture_site), "--no-search"]) == 0
    page = (fixture_site / "_site" / "episodes" / "001" / "index.html").read_text(encoding="utf-8")
    assert "<!-- rendered by the upgraded parser -->" in page


def test_the_cache_key_names_every_library_that_shapes_output() -> None:
    names = talkgen.build.cache.library_versions() + talkgen.build.cache.search_versions()
    for library in ("markdown-it-py", "mdit-py-plugins", "linkify-it-py", "Pygments", "Jinja2",
                    "PyYAML", "pagefind"):
        assert library in names


def test_a_pagefind_upgrade_changes_the_key_of_search_builds_only(
        fixture_site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages are re-rendered, so re-indexed, after a Pagefind upgrade; a build without search
    does not ask for Pagefind's version (importlib.metadata costs a one-episode build 4 ms)."""
    from talkgen.build.previous import page_salt

    config, _ = load_config(fixture_site)
    salts = {search: page_salt(config.with_overrides(search=search)) for search in (True, False)}
    real = importlib.metadata.version
    asked: list[str] = []

    def upgraded(name: str) -> str:
        asked.append(name)
        return "99.0" if name.startswith("pagefind") else real(name)

    monkeypatch.setattr(importlib.metadata, "version", upgraded)
    talkgen.build.cache.search_versions.cache_clear()  # a new process after `pip install -U`
    try:
        assert page_salt(config.with_overrides(search=False)) == salts[False]
        assert not [name for name in asked if name.startswith("pagefind")]
        assert page_salt(config.with_overrides(search=True)) != salts[True]
    finally:
        talkgen.build.cache.search_versions.cache_clear()


def test_the_cache_key_has_the_versions_pip_installed() -> None:
    """A module's __version__ stands in for its package's METADATA only where they agree."""
    versions = (talkgen.build.cache.library_versions() + ";"
                + talkgen.build.cache.search_versions()).split(";")
    for name in [*talkgen.build.cache.LIBRARIES, *talkgen.build.cache.SEARCH_LIBRARIES]:
        try:
            installed = f"{name}=={importlib.metadata.version(name)}"
        except importlib.metadata.PackageNotFoundError:
            installed = f"{name} absent"
        assert installed in versions


# -- item 2: the output folder ----------------------------------------------------------

def _victim(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config").write_text("precious\n")
    return folder


@pytest.mark.parametrize("output", [".git", "../victim", "/tmp/talkgen-victim", "episodes/x",
                                    ".talkgen-cache", ".", ".git/site"])
def test_talkgen_yaml_cannot_point_the_output_outside_the_site(
        fixture_site: Path, key_home: Path, output: str) -> None:
    git = _victim(fixture_site / ".git")
    victim = _victim(fixture_site.parent / "victim")
    before = outside_digest(git), outside_digest(victim)
    config = fixture_site / "talkgen.yaml"
    config.write_text(config.read_text(encoding="utf-8") + f"output: {output}\n",
                      encoding="utf-8")
    code, stderr = build(fixture_site, key_home)
    assert code == 1
    assert "talkgen.yaml:3:9: error[E040]" in stderr or "error[E041]" in stderr, stderr
    assert (outside_digest(git), outside_digest(victim)) == before
    assert not Path("/tmp/talkgen-victim").exists()


@pytest.mark.parametrize("target", [".git", "../victim", "episodes"])
def test_a_committed_output_symlink_is_refused(fixture_site: Path, key_home: Path,
                                               target: str) -> None:
    git = _victim(fixture_site / ".git")
    victim = _victim(fixture_site.parent / "victim")
    before = outside_digest(git), outside_digest(victim), tree_digest(fixture_site / "episodes")
    (fixture_site / "_site").symlink_to(target)
    code, stderr = build(fixture_site, key_home)
    assert code == 1 and '_site: error[E041]: "_site" is a symlink' in stderr, stderr
    after = outside_digest(git), outside_digest(victim), tree_digest(fixture_site / "episodes")
    assert after == before


def test_an_output_reached_through_a_symlinked_folder_is_refused(fixture_site: Path,
                                                                 key_home: Path) -> None:
    victim = _victim(fixture_site.parent / "victim")
    before = outside_digest(victim)
    (fixture_site / "public").symlink_to("../victim", target_is_directory=True)
    config = fixture_site / "talkgen.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "output: public/site\n",
                      encoding="utf-8")
    code, stderr = build(fixture_site, key_home)
    assert code == 1 and '"public" is a symlink' in stderr, stderr
    assert outside_digest(victim) == before


def test_a_folder_talkgen_did_not_write_is_replaced_only_when_empty(
        fixture_site: Path, key_home: Path, tmp_path: Path) -> None:
    documents = _victim(tmp_path / "Documents")
    code, stderr = build(fixture_site, key_home, "--out", str(documents))
    assert code == 1 and "has no .talkgen-output file" in stderr, stderr
    assert (documents / "config").read_text() == "precious\n"
    empty = tmp_path / "empty"
    empty.mkdir()
    assert build(fixture_site, key_home, "--out", str(empty))[0] == 0
    assert (empty / ".talkgen-output").is_file() and (empty / "index.html").is_file()
    assert build(fixture_site, key_home, "--out", str(empty))[0] == 0  # ours: replaced again
    repository = tmp_path / "repo"
    (repository / ".git").mkdir(parents=True)
    code, stderr = build(fixture_site, key_home, "--out", str(repository))
    assert code == 1 and 'holds ".git"' in stderr


def test_a_relative_out_outside_the_site_must_be_absolute(fixture_site: Path,
                                                          key_home: Path) -> None:
    result = run_talkgen("build", "--out", "../elsewhere", cwd=fixture_site,
                         env={"XDG_CACHE_HOME": str(key_home)})
    assert result.returncode == 2 and "give it as an absolute path" in result.stderr
    assert not (fixture_site.parent / "elsewhere").exists()


# -- item 3: nothing talkgen writes follows a symlink -----------------------------------

def test_a_committed_symlink_in_the_cache_folder_is_never_written_through(
        fixture_site: Path, key_home: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    folder = fixture_site / ".talkgen-cache"
    folder.mkdir()
    for name in (".gitignore", "episodes.json", "build.json"):
        (folder / name).symlink_to(victim)
    assert build(fixture_site, key_home)[0] == 0
    assert build(fixture_site, key_home)[0] == 0
    assert victim.read_text() == "precious\n"


def test_a_symlinked_cache_folder_is_not_used(fixture_site: Path, key_home: Path,
                                              tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (fixture_site / ".talkgen-cache").symlink_to(elsewhere, target_is_directory=True)
    assert build(fixture_site, key_home)[0] == 0
    assert list(elsewhere.iterdir()) == []


# -- item 5: one list of static files for build and preview ----------------------------

def test_a_static_symlink_out_of_the_site_is_refused_by_build_and_preview(
        fixture_site: Path, key_home: Path, tmp_path: Path) -> None:
    secret = tmp_path / "passwd"
    secret.write_text("root:x:0:0\n")
    (fixture_site / "static" / "sub").mkdir(parents=True)
    (fixture_site / "static" / "leak.txt").symlink_to(secret)
    (fixture_site / "static" / "sub" / "linked").symlink_to(tmp_path, target_is_directory=True)
    (fixture_site / "static" / "ok.txt").write_text("fine\n")
    (fixture_site / "static" / "inside.txt").symlink_to("../talkgen.yaml")
    code, stderr = build(fixture_site, key_home)
    assert code == 0, stderr
    assert 'static/leak.txt: warning[W034]: skipped "static/leak.txt"' in stderr
    assert "static/sub/linked: warning[W034]" in stderr
    published = {p.read_bytes() for p in (fixture_site / "_site").rglob("*") if p.is_file()}
    assert b"root:x:0:0\n" not in published
    assert (fixture_site / "_site" / "static" / "ok.txt").is_file()
    assert (fixture_site / "_site" / "static" / "inside.txt").is_file()
    preview = Preview(fixture_site)
    outcome = preview.start()
    assert {d.location.file for d in outcome.diagnostics if d.code == "W034"} == \
        {"static/leak.txt", "static/sub/linked"}
    assert preview.read("static/leak.txt") is None
    assert preview.read("static/ok.txt") == b"fine\n"


# -- templates arrive with the site too ---------------------------------------------------

def test_a_template_cannot_reach_python_internals(fixture_site: Path, key_home: Path,
                                                  tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    (fixture_site / "templates").mkdir()
    (fixture_site / "templates" / "404.html").write_text(
        "{{ cycler.__init__.__globals__.os.system('touch " + str(marker) + "') }}\n")
    code, stderr = build(fixture_site, key_home)
    assert code == 1 and "error[E042]" in stderr and "is unsafe" in stderr, stderr
    assert not marker.exists()
    assert not (fixture_site / "_site").exists()


def test_a_template_symlink_out_of_the_site_is_not_published(fixture_site: Path, key_home: Path,
                                                             tmp_path: Path) -> None:
    secret = tmp_path / "secret.html"
    secret.write_text("root:x:0:0\n")
    (fixture_site / "templates").mkdir()
    (fixture_site / "templates" / "404.html").symlink_to(secret)
    code, stderr = build(fixture_site, key_home)
    assert code == 1 and "error[E042]" in stderr and "links outside the site" in stderr, stderr
    assert not (fixture_site / "_site").exists()


# -- python -m talkgen in the site's folder ---------------------------------------------------

def test_python_m_talkgen_never_imports_a_module_committed_to_the_site(fixture_site: Path,
                                                                       tmp_path: Path) -> None:
    """`python -m` puts the current folder (the site) first on sys.path: a `yaml.py` or
    `jinja2/` committed there must not be imported in place of the library."""
    marker = tmp_path / "pwned"
    payload = f"open({str(marker)!r}, 'a').write(__name__ + '\\n')\n"
    (fixture_site / "yaml.py").write_text(payload)
    (fixture_site / "jinja2").mkdir()
    (fixture_site / "jinja2" / "__init__.py").write_text(payload)
    result = run_talkgen("build", "--no-search", cwd=fixture_site, process=True)
    assert result.returncode == 0, result.stderr
    assert not marker.exists(), marker.read_text()
    assert (fixture_site / "_site" / "index.html").is_file()


def test_a_warning_about_a_file_quotes_no_line_a_symlink_leads_out_to(tmp_path: Path) -> None:
    """Site-wide warnings are given their source line afterwards, by file name: the line is
    read only from a real file inside the site."""
    from talkgen.content.episode import with_frames
    from talkgen.diagnostics import diagnostic

    site, outside = tmp_path / "site", tmp_path / "secret.md"
    (site / "episodes").mkdir(parents=True)
    outside.write_text("password: hunter2\n", encoding="utf-8")
    (site / "episodes" / "001.md").write_text("date: 2042-01-01\n", encoding="utf-8")
    (site / "episodes" / "002.md").symlink_to(outside)
    (site / "linked").symlink_to(site / "episodes")  # a link that stays inside is fine
    warned = [diagnostic("W049", "far ahead", f"{folder}/{name}", 1, 1)
              for folder in ("episodes", "linked") for name in ("001.md", "002.md")]
    framed = with_frames(warned, site)
    assert [d.source_line for d in framed] == ["date: 2042-01-01", None] * 2

"""Builds started at the same moment into one folder (two CI jobs, a maintainer and a watcher)
take turns: the output is always one build's complete output, never a mixture, and no build
fails (issue 11, item 12: 5 FileNotFoundError in 90 rounds before).

A named stress test (marker `slow`): 8 rounds by default, TALKGEN_CONCURRENT_ROUNDS=90 for a
long run."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from talkgen.build.gather import gather
from talkgen.content.config import load_config
from talkgen.site.output_folder import MARKER, MARKER_TEXT

from .sitegen import write_site

pytestmark = [pytest.mark.timeout(900), pytest.mark.slow]

ROUNDS = int(os.environ.get("TALKGEN_CONCURRENT_ROUNDS", "8"))
SEARCH_ROUNDS = {0, ROUNDS // 2 + 1}  # Pagefind adds seconds per build: a few rounds only
URLS = ("https://a.example/talk/", "https://b.example/talk/")


def expected(site: Path, url: str, search: bool) -> dict[str, str]:
    """What one build of `site` with `url` writes, gathered in memory (search files aside)."""
    config, _ = load_config(site)
    config = config.with_overrides(output=site / "_site", base_url=url, search=search)
    _, output = gather(config)
    assert output is not None
    files = output.files() | {MARKER: MARKER_TEXT}
    return {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}


def published(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in out.rglob("*") if p.is_file() and p.relative_to(out).parts[0] != "pagefind"}


def start(site: Path, url: str, search: bool, key_home: Path) -> subprocess.Popen[str]:
    args = [sys.executable, "-m", "talkgen", "build", "--base-url", url]
    return subprocess.Popen([*args] if search else [*args, "--no-search"], cwd=site,
                            env={**os.environ, "XDG_CACHE_HOME": str(key_home)},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_builds_at_once_publish_one_builds_complete_output(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", 12)
    key_home = tmp_path / "key"
    for round_ in range(ROUNDS):
        search = round_ in SEARCH_ROUNDS
        episode = site / "episodes" / f"{round_ % 12 + 1:03d}.md"
        episode.write_text(episode.read_text(encoding="utf-8") + f"\n第 {round_} 轮的修改。\n",
                           encoding="utf-8")
        # In even rounds both builds have one configuration, so they share the cache and link
        # each other's files; in odd rounds they differ, so a mixture of outputs would show.
        urls = (URLS[0], URLS[round_ % 2])
        builds = [start(site, url, search, key_home) for url in urls]
        for build in builds:
            _, stderr = build.communicate(timeout=600)
            assert build.returncode == 0, f"round {round_}: {stderr}"
            assert "Traceback" not in stderr
        out = published(site / "_site")
        assert out in [expected(site, url, search) for url in set(urls)], \
            f"round {round_}: the output is not one build's complete output"
        assert sorted(p.name for p in site.iterdir() if p.name.startswith("._site")) == []
        if search:
            index = list((site / "_site" / "pagefind").rglob("*"))
            files = [p for p in index if p.is_file()]
            assert files and all(p.stat().st_size > 0 for p in files), f"round {round_}"
            entry = json.loads((site / "_site" / "pagefind" / "pagefind-entry.json").read_text())
            assert entry["languages"]

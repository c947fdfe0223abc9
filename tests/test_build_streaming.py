"""What a build streams instead of holding whole: the cache (encoded, signed and written in
pieces) and each page (written as its template yields it). Same bytes either way."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from talkgen.build import page_render
from talkgen.build.cache import Store
from talkgen.build.codec import dumps, iterdumps, loads
from talkgen.build.gather import prepare
from talkgen.build.render_folder import flat_name
from talkgen.content.config import SiteConfig, load_config
from talkgen.content.episode import Loaded, parse_episode
from talkgen.site import render
from talkgen.urls import Urls

FIXTURE = Path(__file__).parent / "fixtures" / "site" / "episodes"


def _loaded() -> dict[str, Loaded]:
    config = SiteConfig(root=FIXTURE.parent)
    urls = Urls(config.base_path, config.base_url)
    return {path.name: parse_episode(path.read_bytes(), f"episodes/{path.name}", path.name, config,
                                     urls) for path in sorted(FIXTURE.glob("*.md"))}


VALUES: dict[str, Callable[[], object]] = {  # made when the test runs, not while collecting
    "episodes": _loaded, "list": lambda: [1, "二", None], "tuple": lambda: ("a", 2.5),
    "empty-dict": dict, "empty-list": list, "text": lambda: "plain", "number": lambda: 7}


@pytest.mark.parametrize("name", list(VALUES))
def test_streamed_pieces_are_the_one_shot_encoding(name: str) -> None:
    value = VALUES[name]()
    assert b"".join(iterdumps(value)) == dumps(value)


def test_a_streamed_cache_reads_back_whole_and_a_cut_one_is_refused(tmp_path: Path) -> None:
    value = _loaded()
    assert len(value) >= 2
    store = Store(tmp_path / "cache", "salt", key=b"k" * 32)
    store.write("episodes.json", value)
    assert store.read("episodes.json", dict[str, Loaded]) == value
    file = tmp_path / "cache" / "episodes.json"
    blob = file.read_bytes()
    assert loads(blob[:-32], dict[str, Loaded]) == value  # the signature comes last
    file.write_bytes(blob[:-1])
    assert store.read("episodes.json", dict[str, Loaded]) is None
    file.write_bytes(b"")
    assert store.read("episodes.json", dict[str, Loaded]) is None


@pytest.mark.parametrize("batch", [1, 3, 512])
def test_every_page_written_in_pieces_is_the_page_rendered_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch: int) -> None:
    """The build's workers write each page in pieces as the template yields it (render.Renderer
    .pieces, page_render.render_into); the bytes are those of the whole page, forbidden
    characters left out alike."""
    monkeypatch.setattr(render, "PIECES", batch)
    site = tmp_path / "site"
    shutil.copytree(FIXTURE.parent, site, ignore=shutil.ignore_patterns("_site", ".talkgen-cache"))
    episode = site / "episodes" / "001.md"
    episode.write_text(episode.read_text(encoding="utf-8") + "\n终端颜色 \x1b[31m 留下的字符。\n",
                       encoding="utf-8")
    config, _ = load_config(site)
    _, prepared = prepare(config.with_overrides(search=False))
    assert prepared is not None and len(prepared.plan) > 10
    folder = tmp_path / "render"
    folder.mkdir()
    for path, planned in prepared.plan.items():
        assert page_render.render_into(prepared.plan, site, folder, path) == path
        whole = planned().html
        assert "\x1b" not in whole
        assert (folder / flat_name(path)).read_bytes() == whole.encode("utf-8")

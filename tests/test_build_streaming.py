"""The build cache is written as it is encoded: the pieces are exactly the one-shot encoding,
and a cache streamed to disk reads back as what was stored."""

from __future__ import annotations

from pathlib import Path

import pytest

from talkgen.build.cache import Store
from talkgen.build.codec import dumps, iterdumps, loads
from talkgen.content.config import SiteConfig
from talkgen.content.episode import Loaded, parse_episode
from talkgen.urls import Urls

FIXTURE = Path(__file__).parent / "fixtures" / "site" / "episodes"


def _loaded() -> dict[str, Loaded]:
    config = SiteConfig(root=FIXTURE.parent)
    urls = Urls(config.base_path, config.base_url)
    return {path.name: parse_episode(path.read_bytes(), f"episodes/{path.name}", path.name, config,
                                     urls) for path in sorted(FIXTURE.glob("*.md"))}


@pytest.mark.parametrize("value", [_loaded(), [1, "二", None], ("a", 2.5), {}, [], "plain", 7])
def test_streamed_pieces_are_the_one_shot_encoding(value: object) -> None:
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

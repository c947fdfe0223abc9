"""reindex(): the preview's shortcut past rebuilding the topic and people indexes is always
the Site that build_site() makes, and is taken when an edit touched only the text."""

from __future__ import annotations

from pathlib import Path

import pytest

from talkgen.build.check import check
from talkgen.content.config import SiteConfig
from talkgen.model import Episode, Site
from talkgen.site.indexes import build_site
from talkgen.site.reindex import reindex

from .sitegen import write_site

EDITS = {  # episode 3 as sitegen writes it → after the edit
    "text": ("第 3 期开场。", "第 3 期开场，改了。"),
    "episode topics": ("topics: [LoRA]", "topics: [LoRA, 新话题]"),
    "topic spelling": ("topics: [State of GPT]", "topics: [state of GPT]"),
    "host": ("host: 阿杰", "host: 新人"),
    "contributors": ("contributors: [阿杰, PLC]", "contributors: [阿杰]"),
    "section contributors": ("news: {contributors: [PLC]}", "news: {contributors: [PLC, 新人]}"),
    "asker": ("--yuhan", "--别人"),
    "question anchor": ("### Q1：第 3 期的问题？", "### Q1：第 3 期改过的问题？"),
    "draft": ("number: 3\n", "number: 3\ndraft: true\n"),
}


def episodes(root: Path) -> list[Episode]:
    result = check(SiteConfig(root=root))
    assert not result.failed(), result.diagnostics
    return result.episodes


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return write_site(tmp_path / "site", 8)


@pytest.mark.parametrize("edit", EDITS)
def test_reindex_equals_a_fresh_build_site(site: Path, edit: str) -> None:
    old = build_site(episodes(site))
    before, after = EDITS[edit]
    episode = site / "episodes" / "003.md"
    text = episode.read_text(encoding="utf-8")
    assert before in text
    episode.write_text(text.replace(before, after), encoding="utf-8")
    new = episodes(site)
    assert reindex(old, new) == build_site(new) != old
    assert reindex(old, new).by_number == build_site(new).by_number


def test_a_text_edit_keeps_the_old_indexes(site: Path) -> None:
    old = build_site(episodes(site))
    episode = site / "episodes" / "003.md"
    episode.write_text(episode.read_text(encoding="utf-8").replace("开场。", "开场，改了。"),
                       encoding="utf-8")
    new: Site = reindex(old, episodes(site))
    assert new.topics is old.topics and new.contributors is old.contributors
    assert "改了" in new.by_number[3].intro_html

"""The preview's incremental rebuilds: exactly the affected pages, and the same bytes as a full build."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from talkgen.build.gather import gather
from talkgen.build.publish import build
from talkgen.content.config import load_config
from talkgen.model import Episode, identity
from talkgen.preview.builder import Preview
from talkgen.preview.watcher import is_scratch
from talkgen.site.affected import card
from talkgen.site.indexes import related
from talkgen.site.output_folder import MARKER
from talkgen.site.rebuild import plan_rebuild
from talkgen.site.render import Renderer

from .conftest import REPO, tree_digest
from .sitegen import episode_text, write_site

pytestmark = pytest.mark.timeout(120)


def full_build(root: Path) -> dict[str, bytes]:
    config, _ = load_config(root)
    _, output = gather(config)
    assert output is not None
    return output.files()


def edit(path: Path, old: str, new: str) -> Path:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


@pytest.fixture
def site24(tmp_path: Path) -> Path:
    return write_site(tmp_path / "site", 24)


def pages_showing(root: Path, number: int) -> set[str]:
    """Worked out from the model by brute force: the pages on which episode `number` appears."""
    config, _ = load_config(root)
    result, output = gather(config)
    assert result.site is not None
    site = result.site
    episode = site.by_number[number]
    index = {identity(t.name): t for t in site.topics}
    order = [e.number for e in site.episodes]
    i = order.index(number)
    shown = {number, order[i - 1], order[i + 1]}
    shown |= {e.number for e in site.episodes
              if number in {r.number for r in related(site, e, index)}}
    pages = {f"episodes/{n:03d}/index.html" for n in shown}
    # The home page, the questions and the reading list show its card, questions and references:
    # the callers' edits of its text leave those alone (EDITS checks the cases that do not).
    pages |= {f"topics/{t.slug}/index.html" for t in site.topics if number in t.episodes}
    people = {identity(n) for n in (*episode.hosts, *episode.all_contributors,
                                    *(q.asker for q in episode.questions if q.asker))}
    pages |= {f"contributors/{c.slug}/index.html" for c in site.contributors
              if identity(c.name) in people}
    return pages


def test_editing_one_episode_rerenders_exactly_the_pages_that_show_it(site24: Path) -> None:
    preview = Preview(site24)
    assert preview.start().ok
    before = full_build(site24)
    outcome = preview.update([edit(site24 / "episodes" / "012.md", "第 12 期开场。", "第 12 期开场，改过。")])
    assert outcome.ok and outcome.what == "episodes/012.md"
    after = full_build(site24)
    crawl = {p for p in after if p.endswith(".xml") or p == "robots.txt"}  # remade together
    assert outcome.pages == pages_showing(site24, 12) | crawl
    assert preview.files() == after
    assert {p for p in after if after[p] != before.get(p)} <= outcome.pages


EDITS: dict[str, Callable[[Path], list[Path]]] = {
    "new topic": lambda root: [edit(root / "episodes/010.md", "topics: [", "topics: [全新话题, ")],
    "shared topics added": lambda root: [edit(root / "episodes/010.md", "topics: [",
                                              "topics: [Agent, LoRA, 量化, ")],
    "host changed": lambda root: [edit(root / "episodes/010.md", "host: ", "host: 新主持, ")],
    "question answered": lambda root: [edit(root / "episodes/020.md", "--羡鱼\n", "--羡鱼\n答上了。\n")],
    "title changed": lambda root: [edit(root / "episodes/024.md", "title: ", "title: 新 ")],
    "topic dropped": lambda root: [edit(root / "episodes/012.md", "topics: [长文本]", "topics: []")],
    "draft": lambda root: [edit(root / "episodes/015.md", "host:", "draft: true\nhost:")],
    "episode added": lambda root: [_write(root / "episodes/025.md", episode_text(25))],
    "episode deleted": lambda root: [_delete(root / "episodes/024.md")],
    "picture added": lambda root: [_picture(root / "episodes/images/010/a.png"),
                                   edit(root / "episodes/010.md", "开场。", "开场。![图](images/010/a.png)")],
    "picture alone": lambda root: [_picture(root / "episodes/images/020/b.png")],
    "two at once": lambda root: [edit(root / "episodes/001.md", "开场", "开始"),
                                 edit(root / "episodes/002.md", "host: ", "host: 新人, ")],
    "summary changed": lambda root: [edit(root / "episodes/010.md", "summary: ", "summary: 新的")],
    "paper mentioned": lambda root: [edit(root / "episodes/010.md", "的文章。", f"的文章：{PAPER}。")],
    "paper's episode labelled": lambda root: [edit(root / "episodes/024.md", "title: ",
                                                   "label: 特别篇\ntitle: ")],
    "answer reworded": lambda root: [edit(root / "episodes/021.md", "的回答：可以", "的回答：也可以")],
}
PAPER = "[论文](https://arxiv.org/abs/2307.09288)"  # episode 024 of built24 mentions it too


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _picture(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes.fromhex("89504e470d0a1a0a"))
    return path


def _delete(path: Path) -> Path:
    path.unlink()
    return path


def warm_build(root: Path) -> dict[str, int]:
    """`talkgen build --no-search` with its cache; output path → inode (a reused page keeps its
    inode: the warm build hard-links the last build's file instead of rendering it)."""
    config, _ = load_config(root)
    result = build(config.with_overrides(search=False))
    assert result.ok, result.diagnostics
    out = root / "_site"
    return {p.relative_to(out).as_posix(): p.stat().st_ino for p in out.rglob("*")
            if p.is_file() and p.name != MARKER}  # the marker is the folder's, not the site's


@dataclass(frozen=True)
class Built:
    """A site of 24 episodes built once with its cache at `root`, and a copy of it kept aside."""

    root: Path
    kept: Path

    def restore(self) -> Path:
        """`root` as it stood after that build. The cache belongs to the site's folder, so each
        case runs in the same one; the output's files are hard links, so they keep the size,
        time and inode the cache recorded (builds replace the output folder, never write into
        a published file: test_a_case_leaves_the_site_it_started_from_as_it_was)."""
        def link_output(src: str, dst: str) -> None:
            if Path(src).is_relative_to(self.kept / "_site"):
                os.link(src, dst)
            else:
                shutil.copy2(src, dst)

        shutil.rmtree(self.root, ignore_errors=True)
        return Path(shutil.copytree(self.kept, self.root, copy_function=link_output))


@pytest.fixture(scope="module")
def built24(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """Without search, as the warm build: no search box anywhere."""
    folder = tmp_path_factory.mktemp("built")
    root = write_site(folder / "site", 24)
    with (root / "talkgen.yaml").open("a", encoding="utf-8") as config:
        config.write("search: false\n")
    edit(root / "episodes/024.md", "的文章。", f"的文章：{PAPER}。")  # on the reading list
    warm_build(root)
    kept = folder / "kept"
    shutil.copytree(root, kept, copy_function=os.link)
    return Built(root, kept)


@pytest.mark.parametrize("name", sorted(EDITS))
def test_the_warm_build_and_the_preview_redo_the_same_pages_and_match_a_cold_build(
        name: str, built24: Built) -> None:
    """Both executors of the rebuild planner, on the same edit: the same pages rendered again,
    and the same bytes as a build from scratch."""
    root = built24.restore()
    preview = Preview(root)
    assert preview.start().ok
    out = root / "_site"
    first = {p.relative_to(out).as_posix(): p.stat().st_ino for p in out.rglob("*")
             if p.is_file() and p.name != MARKER}
    before = {p: (out / p).read_bytes() for p in first}
    outcome = preview.update(EDITS[name](root))
    second, after = warm_build(root), full_build(root)
    assert {p: (out / p).read_bytes() for p in second} == after == preview.files()
    rendered = {p for p, inode in second.items() if p.endswith(".html") and first.get(p) != inode}
    changed = {p for p in after.keys() | before.keys() if after.get(p) != before.get(p)}
    assert {p for p in changed if p.endswith(".html") and p in after} <= rendered
    assert rendered == {p for p in outcome.pages if p.endswith(".html") and p in after}
    every_page = [p for p in after if p.endswith(".html")]
    assert (len(rendered) == len(every_page)) == (name in EVERYTHING)  # otherwise: a few pages


def test_a_case_leaves_the_site_it_started_from_as_it_was(built24: Built) -> None:
    """The cases share one build through hard links: a build that wrote into a published file
    instead of replacing it would change every later case's starting point."""
    before = tree_digest(built24.kept)
    root = built24.restore()
    EDITS["title changed"](root)
    warm_build(root)
    assert tree_digest(root / "_site") != tree_digest(built24.kept / "_site")
    assert tree_digest(built24.kept) == before


EVERYTHING = {"episode added", "episode deleted", "draft"}  # the episode list moves: every page


def test_a_broken_edit_keeps_the_last_good_site_until_it_is_fixed(site24: Path) -> None:
    preview = Preview(site24)
    preview.start()
    good = preview.read("episodes/007/index.html")
    path = edit(site24 / "episodes/007.md", "## 本周推荐", "## 本周杂谈")
    outcome = preview.update([path])
    assert not outcome.ok
    assert ("E020", "episodes/007.md", 18) in [
        (d.code, d.location.file, d.location.line) for d in outcome.errors]
    assert preview.read("episodes/007/index.html") == good
    fixed = preview.update([edit(path, "## 本周杂谈", "## 本周推荐")])
    assert fixed.ok and fixed.errors == []
    assert preview.files() == full_build(site24)


def test_a_template_error_is_a_diagnostic_and_a_template_change_rebuilds_everything(
        site24: Path) -> None:
    shutil.copytree(REPO / "templates", site24 / "templates")
    preview = Preview(site24)
    preview.start()
    template = site24 / "templates" / "404.html"
    broken = preview.update([_write(template, template.read_text(encoding="utf-8") + "{% if %}\n")])
    assert [(d.code, d.location.file) for d in broken.errors] == [("E042", "templates/404.html")]
    assert broken.errors[0].location.line > 1
    fixed = preview.update([_write(template, "<!doctype html><title>gone</title>\n")])
    assert fixed.ok and fixed.what == "templates" and len(fixed.pages) == len(full_build(site24))
    assert preview.files() == full_build(site24)


def test_a_static_change_copies_that_file_alone(site24: Path) -> None:
    (site24 / "static").mkdir()
    css = _write(site24 / "static" / "site.css", "body { color: red }\n")
    preview = Preview(site24)
    preview.start()
    outcome = preview.update([_write(css, "body { color: blue }\n")])
    assert outcome.pages == {"static/site.css"} and outcome.css_only
    assert preview.read("static/site.css") == b"body { color: blue }\n"
    gone = preview.update([_delete(css)])
    assert gone.pages == {"static/site.css"} and preview.read("static/site.css") is None


def test_unrelated_and_unchanged_files_rebuild_nothing(site24: Path) -> None:
    preview = Preview(site24)
    preview.start()
    assert preview.update([site24 / "notes.txt", site24 / "episodes" / "001.md"]).pages == set()


@pytest.mark.parametrize("name", [".002.md.swp", "002.md~", "#002.md#", ".#002.md", "4913",
                                  "002.md.tmp", ".goutputstream-X1"])
def test_editor_scratch_files_are_ignored(name: str) -> None:
    assert is_scratch(name)


def test_episode_files_are_not_scratch() -> None:
    assert not is_scratch("002.md") and not is_scratch("style.css")


def test_only_the_rebuild_planner_applies_the_dependency_rules() -> None:
    """One planner: the warm build and the preview ask rebuild.py, never affected.py directly."""
    package = REPO / "talkgen"
    users = sorted(p.name for p in package.rglob("*.py")
                   if re.search(r"^from \.affected import|^from talkgen\.site\.affected import",
                                p.read_text(encoding="utf-8"), re.MULTILINE))
    assert users == ["rebuild.py"]


def test_the_planner_redoes_everything_without_a_last_site_and_nothing_without_a_change(
        site24: Path) -> None:
    config, _ = load_config(site24)
    result, _ = gather(config)
    assert result.site is not None
    site, paths = result.site, list(Renderer(result.site, config).plan())
    cold = plan_rebuild(None, site, None, paths)
    assert cold.everything and all(cold.needs(p) for p in paths) and len(cold.related) == 24
    same = plan_rebuild(site, site, cold.related, paths)
    assert not same.everything and same.pages == frozenset() and same.related == cold.related


def test_the_planner_sees_every_change_an_episode_card_shows(site24: Path) -> None:
    """The planner redoes the list pages when an episode's card changes (affected.card); the
    cards are made by render.Renderer._card. Each field of an Episode is changed in turn: a
    change the rendered card shows must change the planner's card too, or a list goes stale."""
    config, _ = load_config(site24)
    result, _ = gather(config)
    assert result.site is not None
    renderer = Renderer(result.site, config)
    episode = result.site.by_number[10]
    shown = []
    for f in dataclasses.fields(Episode):
        other = _another(getattr(episode, f.name))
        if other is None:
            continue
        edited = dataclasses.replace(episode, **{f.name: other})
        if renderer._card(edited) != renderer._card(episode):  # private: the card itself
            shown.append(f.name)
            assert card(edited) != card(episode), f.name
    assert {"title", "date", "hosts", "summary", "topics", "video", "draft", "label"} <= set(shown)


def _another(value: object) -> object:
    """A different value of the same kind, or None for a kind this test does not vary."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 100
    if isinstance(value, str):
        return value + "改"
    if isinstance(value, dt.date):
        return value + dt.timedelta(days=1)
    if isinstance(value, tuple) and value and all(isinstance(x, str) for x in value):
        return value[:-1]  # one name fewer: a name the site does not know has no topic page
    return None

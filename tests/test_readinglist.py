"""The reading list: every paper, repository, model and link the episodes mention, and where."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from talkgen.content.reading_list import anchor, classify, found_in, reading_list
from talkgen.model import Episode, Section

from .conftest import FIXTURES, REPO, run_talkgen

BASE_PATH = "/talk/"


@pytest.fixture
def built(reading_site: Path) -> Path:
    return reading_site


class _Page(HTMLParser):
    """Ids, links and reading-list entries of one built page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.entries: list[dict[str, object]] = []
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(str(a["id"]))
        if tag == "a" and a.get("href"):
            self.links.append(str(a["href"]))
            if self.entries and not self._in_title:
                where = self.entries[-1]["where"]
                assert isinstance(where, list)
                where.append(str(a["href"]))
        if tag == "li" and "entry" in (a.get("class") or "").split():
            self.entries.append({"kind": a["data-kind"], "where": [], "title": "", "id": ""})
        if tag == "h2" and a.get("class") == "entry-title":
            self._in_title = True
            self.entries[-1]["id"] = a["id"]

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.entries[-1]["title"] = str(self.entries[-1]["title"]) + data


def page(built: Path, path: str) -> _Page:
    parsed = _Page()
    parsed.feed((built / path).read_text(encoding="utf-8"))
    return parsed


def entry(built: Path, title: str) -> dict[str, object]:
    return next(e for e in page(built, "reading/index.html").entries if e["title"] == title)


def test_one_paper_mentioned_three_ways_in_three_episodes_is_one_entry(built: Path) -> None:
    """《title》 + abs link, a versioned PDF link and a bare id: one entry, three mentions."""
    paper = entry(built, "Augmenting Language Models with Long-Term Memory")
    assert paper["kind"] == "paper" and paper["id"] == "arxiv-2306-07174"
    html = (built / "reading" / "index.html").read_text(encoding="utf-8")
    assert '<a href="https://arxiv.org/abs/2306.07174" rel="noopener">Augmenting' in html
    where = paper["where"]
    assert isinstance(where, list)
    assert [unquote(w) for w in where] == [
        "/talk/episodes/001/#学术", "/talk/episodes/002/#本周新闻", "/talk/episodes/003/#本周新闻"]
    assert "提到 3 次" in html
    assert html.count("arxiv.org/abs/2306.07174") == 1  # no second entry for the PDF or the id


def test_every_mention_links_to_an_anchor_that_exists(built: Path) -> None:
    for e in page(built, "reading/index.html").entries:
        where = e["where"]
        assert isinstance(where, list) and where
        for href in where:
            path, _, fragment = href.partition("#")
            target = page(built, path.removeprefix(BASE_PATH) + "index.html")
            assert unquote(fragment) in target.ids, (e["title"], href)


def test_a_repository_with_and_without_a_deep_path_is_one_entry(built: Path) -> None:
    repo = entry(built, "Victorwz/LongMem")
    assert repo["kind"] == "repo"
    assert len(repo["where"]) == 2  # type: ignore[arg-type]
    assert "tree/main" not in (built / "reading" / "index.html").read_text(encoding="utf-8")


def test_models_datasets_dois_and_other_links_each_have_their_kind(built: Path) -> None:
    kinds = {str(e["title"]): e["kind"] for e in page(built, "reading/index.html").entries}
    assert kinds["facebook/MusicGen"] == "model" and kinds["tatsu-lab/alpaca"] == "model"
    assert kinds["doi:10.1145/3442188.3445922"] == "paper"
    assert kinds["State of GPT"] == "link" and kinds["LoRA"] == "paper"
    assert kinds["大模型综述"] == "title"


def test_entries_are_sorted_by_mentions_then_recency(built: Path) -> None:
    titles = [e["title"] for e in page(built, "reading/index.html").entries]
    assert titles[:3] == ["Augmenting Language Models with Long-Term Memory", "Victorwz/LongMem",
                          "大模型综述"]  # 3 mentions, 2 mentions, then the newest single one


def test_each_episode_ends_with_what_it_mentioned_linking_into_the_list(built: Path) -> None:
    html = (built / "episodes" / "002" / "index.html").read_text(encoding="utf-8")
    assert '<h2 id="mentioned-here">本期提到</h2>' in html
    reading = page(built, "reading/index.html")
    targets = re.findall(r'<a href="/talk/reading/#([^"]+)">', html)
    assert len(targets) == 4 and all(t in reading.ids for t in targets)


def test_the_filter_lists_each_kind_and_works_as_plain_html(built: Path) -> None:
    html = (built / "reading" / "index.html").read_text(encoding="utf-8")
    values = re.findall(r'<input type="radio" name="kind" value="([a-z]+)"', html)
    assert values == ["all", "paper", "repo", "model", "link", "title"]


def test_the_reading_list_is_in_the_nav_of_every_page(built: Path) -> None:
    for path in ("index.html", "episodes/001/index.html", "reading/index.html"):
        assert '<a href="/talk/reading/"' in (built / path).read_text(encoding="utf-8")


def test_no_link_on_the_site_404s(built: Path) -> None:
    """Crawl every internal link from the home page; each must reach a page and its anchor."""
    seen: set[str] = set()
    queue = ["index.html"]
    while queue:
        path = queue.pop()
        if path in seen:
            continue
        seen.add(path)
        parsed = page(built, path)
        for href in parsed.links:
            parts = urlsplit(href)
            if parts.scheme or not parts.path.startswith(BASE_PATH):
                continue
            target = unquote(parts.path).removeprefix(BASE_PATH)
            target = target + "index.html" if target.endswith("/") or not target else target
            assert (built / target).is_file(), f"{path} links to missing {href}"
            if parts.fragment and target.endswith(".html"):
                assert unquote(parts.fragment) in page(built, target).ids, f"{path}: {href}"
            if target.endswith(".html"):
                queue.append(target)
    assert "reading/index.html" in seen and "episodes/003/index.html" in seen


def test_anchors_depend_on_the_key_only(tmp_path: Path) -> None:
    first = (FIXTURES / "reading" / "episodes" / "001.md").read_text(encoding="utf-8")
    assert anchor("arxiv:2306.07174") == "arxiv-2306-07174"
    assert anchor("github:victorwz/longmem") == anchor("github:victorwz/longmem")
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "reading", site)
    (site / "episodes" / "001.md").write_text(first + "\n新增 https://github.com/a/b 。\n",
                                              encoding="utf-8")
    assert run_talkgen("build", "--no-search", cwd=site).returncode == 0
    assert "arxiv-2306-07174" in page(site / "_site", "reading/index.html").ids


def _episode(number: int, html: str) -> Episode:
    day = dt.date(2023, 1, 1) + dt.timedelta(days=number)
    sections = (Section("news", "本周新闻", "news", html),)
    return Episode(number, day, ("a",), "t", f"episodes/{number:03d}.md", sections=sections,
                   references=tuple(found_in(sections)))


def test_a_bare_title_joins_the_paper_it_named_elsewhere() -> None:
    entries = reading_list([
        _episode(1, '<p>《LongMem》 <a href="https://arxiv.org/abs/2306.07174">x</a></p>'),
        _episode(2, "<p>再读《LongMem》</p>"),
    ])
    assert [(e.title, e.kind, len(e.mentions)) for e in entries] == [("LongMem", "paper", 2)]
    assert anchor("title:longmem") in [anchor(k) for k in entries[0].keys]


def test_code_and_heading_links_are_not_mentions() -> None:
    entries = reading_list([_episode(1, '<h3 id="x">X<a class="anchor" href="#x">#</a></h3>'
                                        "<pre><code>2306.07174</code></pre>")])
    assert entries == []


@pytest.mark.parametrize(("href", "key"), [
    ("https://arxiv.org/abs/2306.07174v3", "arxiv:2306.07174"),
    ("https://arxiv.org/pdf/2306.07174", "arxiv:2306.07174"),
    ("http://export.arxiv.org/abs/hep-th/9901001", "arxiv:hep-th/9901001"),
    ("https://huggingface.co/papers/2306.07174", "arxiv:2306.07174"),
    ("https://github.com/Owner/Repo.git", "github:owner/repo"),
    ("https://huggingface.co/meta-llama/Llama-2-7b/tree/main", "hf:meta-llama/llama-2-7b"),
    ("https://doi.org/10.1145/3442188.3445922", "doi:10.1145/3442188.3445922"),
    ("https://github.com/topics/llm", "link:https://github.com/topics/llm"),
])
def test_links_are_classified_by_what_they_point_at(href: str, key: str) -> None:
    found = classify(href, "")
    assert found is not None and found.key == key


def test_the_build_stays_linear_in_the_number_of_mentions() -> None:
    """Ten times the episodes, about ten times the work (a loose bound: no quadratic merge)."""
    import time

    def timed(n: int) -> float:
        start = time.process_time()  # CPU, not wall: other processes share the cores
        episodes = [_episode(i, f'<p>《T{i % 50}》 <a href="https://arxiv.org/abs/2306.{i:05d}">'
                             f'x</a> https://github.com/o/r{i % 30}</p>' * 5) for i in range(1, n)]
        reading_list(episodes)
        return time.process_time() - start

    small, large = min(timed(200) for _ in range(3)), min(timed(2000) for _ in range(3))
    assert large < small * 25


def test_the_repositorys_own_archive_lists_the_papers_it_cites(tmp_path: Path) -> None:
    """episodes/001.md names its papers by 《title》; checked by hand against the notes."""
    site = tmp_path / "site"
    (site / "episodes").mkdir(parents=True)
    shutil.copy(REPO / "episodes" / "001.md", site / "episodes" / "001.md")
    assert run_talkgen("build", "--no-search", cwd=site).returncode == 0
    titles = {str(e["title"]) for e in page(site / "_site", "reading/index.html").entries}
    assert {"Augmenting Language Models with Long-Term Memory",
            "TART:A plug-and-play transformer module for task-agnostic reasoning",
            "Self-Supervised Learning from Images with a Joint-Embedding Predictive Architecture",
            "facebook/MusicGen"} <= titles

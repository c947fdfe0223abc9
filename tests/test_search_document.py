"""Pagefind is given a lean document per page, and it finds exactly what the whole page gave.

The lean document (site/search_document.py) drops what Pagefind reads but does not index:
the head, the navigation, ignored regions, code highlighting. The claims here: on real pages
Pagefind writes the same index, byte for byte, and a searcher gets the same results; a page
of any other shape is sent whole.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from talkgen.site.render import Page
from talkgen.site.search import indexed, search_files
from talkgen.site.search_document import search_document

from .browser import chromium
from .conftest import FIXTURES, run_talkgen
from .static_server import serve

pytestmark = pytest.mark.xdist_group("lean")  # one worker builds the site and both indexes

PAGE = """<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>#005 混合专家 · 站点</title>
<script src="/static/search.js" defer></script></head>
<body>
<nav class="site-nav" data-pagefind-ignore><a href="/">首页</a></nav>
<h1 data-pagefind-meta="title">阅读清单</h1>
<article class="episode" data-pagefind-body>
  <p><span data-pagefind-filter="host">yuhan</span></p>
  <details class="toc" data-pagefind-ignore><summary>目录</summary><ol><li>负载均衡</li></ol></details>
  <section><h2 id="news">本周新闻</h2><p>混合专家</p>
  <pre class="highlight"><code><span class="k">def</span> <span class="nf">route</span>()</code></pre>
  <article class="qa"><h3 id="q1">Q1：显存？</h3></article></section>
  <section class="related" data-pagefind-ignore><article class="card">第 6 期</article></section>
</article>
<footer>talkgen</footer>
</body>
</html>
"""


def test_the_lean_document_keeps_what_pagefind_reads() -> None:
    lean = search_document(PAGE)
    assert lean is not None
    assert lean.startswith('<!doctype html><html lang="zh-CN"><head><title>#005 混合专家 · 站点'
                           '</title></head><body><h1 data-pagefind-meta="title">阅读清单</h1>'
                           '<article class="episode" data-pagefind-body>')
    assert '<span data-pagefind-filter="host">yuhan</span>' in lean
    assert '<h2 id="news">本周新闻</h2>' in lean and '<h3 id="q1">Q1：显存？</h3>' in lean
    assert "<code>def route()</code>" in lean  # the code's text, without Pygments' spans
    for dropped in ("目录", "第 6 期", "首页", "talkgen", "search.js", "charset"):
        assert dropped not in lean
    assert lean.endswith("</article></body></html>")


@pytest.mark.parametrize(("shape", "page"), [
    ("no body", PAGE.replace(" data-pagefind-body", "")),
    ("two bodies", PAGE.replace("<footer>", "<footer data-pagefind-body>")),
    ("a filter in an ignored region", PAGE.replace('<article class="card">',
                                                   '<article data-pagefind-filter="x">')),
    ("the body does not close", PAGE.replace("</section>\n</article>", "</section>")),
    ("an ignored region does not close", PAGE.replace("</details>", "")),
    ("a region ignored with its metadata", PAGE.replace("<footer>",
                                                        '<footer data-pagefind-ignore="all">')),
    ("metadata around the body", PAGE.replace("<body>", '<body data-pagefind-meta="x">')),
])
def test_a_page_of_another_shape_is_indexed_whole(shape: str, page: str) -> None:
    assert search_document(page) is None, shape


def test_pagefind_attributes_written_as_text_are_not_markup() -> None:
    text = "<p>写 data-pagefind-body 或 data-pagefind-ignore 即可</p>"
    lean = search_document(PAGE.replace("<p>混合专家</p>", text))
    assert lean is not None and text in lean


CODE = """
### 路由代码

参见 [Switch Transformers](https://arxiv.org/abs/2101.03961) 的路由。

```python
def load_balancing_loss(router_probs, expert_mask):
    # 负载均衡的辅助损失
    return (router_probs.mean(0) * expert_mask.mean(0)).sum()
```
"""
QUERIES = ["位置编码", "负载均衡", "奖励模型", "Switch Transformers", "load_balancing_loss",
           "显存", "RLHF", "路由"]
RESULTS = """async (queries) => {
    const pagefind = await import('/pagefind/pagefind.js');
    const found = {};
    for (const query of queries) {
        const answer = await pagefind.search(query);
        found[query] = await Promise.all(answer.results.map(async r => {
            const d = await r.data();
            return {url: d.url, title: d.meta.title, excerpt: d.excerpt, filters: d.filters,
                    subs: d.sub_results.map(s => [s.url, s.title, s.excerpt])};
        }));
    }
    return found;
}"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Page]]:
    """The search fixture with a code block and a paper added (so the reading list has an
    entry), built without an index; its indexed pages."""
    root = tmp_path_factory.mktemp("lean")
    site = root / "site"
    shutil.copytree(FIXTURES / "search", site)
    (site / "talkgen.yaml").write_text("title: 检索测试\n", encoding="utf-8")  # served at /
    with (site / "episodes" / "005.md").open("a", encoding="utf-8") as episode:
        episode.write(CODE)
    result = run_talkgen("build", "--no-search", "--out", str(root / "www"), cwd=site)
    assert result.returncode == 0, result.stderr
    pages = [Page(path.relative_to(root / "www").as_posix(), path.read_text(encoding="utf-8"))
             for path in sorted((root / "www").rglob("index.html"))]
    return root / "www", [page for page in pages if indexed(page.path)]


@pytest.fixture(scope="module")
def bundles(built: tuple[Path, list[Page]]) -> dict[bool, dict[str, bytes]]:
    """Pagefind's bundle of the indexed pages, from the whole pages (False) and from their
    lean documents (True): each made once for the tests below."""
    found = {}
    for lean in (False, True):
        files, problems = search_files(built[1], lean=lean)
        assert problems == []
        found[lean] = files
    return found


@pytest.mark.slow  # Pagefind, twice
def test_pagefind_writes_the_same_index_from_lean_documents(
        built: tuple[Path, list[Page]], bundles: dict[bool, dict[str, bytes]]) -> None:
    _, pages = built
    assert len(pages) == 9 and all(search_document(page.html) for page in pages)
    assert any('<span class="' in page.html for page in pages)  # highlighted code is cut
    whole, lean = bundles[False], bundles[True]
    assert sorted(lean) == sorted(whole)
    assert [name for name in whole if whole[name] != lean[name]] == []


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_a_searcher_gets_the_same_results_from_lean_documents(
        built: tuple[Path, list[Page]], bundles: dict[bool, dict[str, bytes]],
        tmp_path: Path) -> None:
    www, _ = built
    found: dict[bool, dict[str, list[dict[str, Any]]]] = {}
    with chromium() as browser:
        for lean in (False, True):
            site = tmp_path / f"lean-{lean}"
            shutil.copytree(www, site)
            for name, content in bundles[lean].items():
                (site / name).parent.mkdir(parents=True, exist_ok=True)
                (site / name).write_bytes(content)
            with serve(site) as base:
                page = browser.new_page()
                page.goto(base)
                found[lean] = page.evaluate(RESULTS, QUERIES)
                page.close()
    assert all(found[True][query] for query in QUERIES), found[True]
    assert found[True] == found[False]
    assert any(hit["url"] == "/episodes/005/" for hit in found[True]["load_balancing_loss"])


@pytest.mark.slow  # Pagefind, in a build and in the preview
@pytest.mark.parametrize("allow_html", [False, True])
def test_only_a_site_without_raw_html_sends_lean_documents(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, allow_html: bool) -> None:
    """Raw HTML in episodes may take any shape, and a lean document relies on the shapes
    talkgen writes: such a site's pages go to Pagefind whole, from the build and the preview."""
    import talkgen.build.publish
    import talkgen.preview.search
    from talkgen.preview.builder import Preview
    from talkgen.site.search import Indexer

    sent: list[tuple[str, bool]] = []

    def recording(where: str) -> type[Indexer]:
        class Recording(Indexer):
            def __init__(self, *args: Any, lean: bool = True, **options: Any) -> None:
                sent.append((where, lean))
                super().__init__(*args, lean=lean, **options)
        return Recording

    monkeypatch.setattr(talkgen.build.publish, "Indexer", recording("build"))
    monkeypatch.setattr(talkgen.preview.search, "Indexer", recording("preview"))
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "search", site)
    with (site / "talkgen.yaml").open("a", encoding="utf-8") as config:
        config.write(f"markdown:\n  allow_html: {str(allow_html).lower()}\n")
    result = run_talkgen("build", cwd=site)
    assert result.returncode == 0, result.stderr
    preview = Preview(site)
    preview.start()
    assert preview.index_search() == []
    assert sent == [("build", not allow_html), ("preview", not allow_html)]

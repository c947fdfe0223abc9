"""`talkgen build` as a user runs it: a subprocess in a temp folder, then the pages it wrote."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

import pytest

from .conftest import REPO, run_talkgen, tree_digest


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        for name in ("href", "src"):
            if a.get(name) and not (tag == "link" and a.get("rel") == "alternate"):
                self.links.append(a[name] or "")
        if a.get("id"):
            self.ids.add(a["id"] or "")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def internal_links_resolve(out: Path, base_path: str) -> list[str]:
    """Every internal link of every page points at a written file (and anchor). Returns misses."""
    missing = []
    pages = sorted(out.rglob("*.html"))
    assert pages
    for page in pages:
        for link in parse(page).links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith("#"):
                continue
            path, fragment = urldefrag(unquote(link))
            assert path.startswith(base_path), f"{page}: {link} ignores the base path"
            target = out / path[len(base_path):]
            if target.is_dir() or path.endswith("/"):
                target = target / "index.html"
            if not target.is_file():
                missing.append(f"{page.relative_to(out)} → {link}")
            elif fragment and fragment not in parse(target).ids:
                missing.append(f"{page.relative_to(out)} → {link} (no anchor)")
    return missing


def test_build_writes_every_page_of_the_site(fixture_site: Path) -> None:
    result = run_talkgen("build", "--no-search", cwd=fixture_site)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("built 2 episodes, ")
    out = fixture_site / "_site"
    for page in ("index.html", "episodes/001/index.html", "episodes/002/index.html",
                 "topics/index.html", "topics/位置编码/index.html", "topics/state-of-gpt/index.html",
                 "contributors/index.html", "contributors/羡鱼/index.html",
                 "contributors/初七/index.html", "questions/index.html", "404.html",
                 "static/style.css", "static/pygments.css"):
        assert (out / page).is_file(), page
    assert not (out / "episodes/003").exists()  # a draft


def test_internal_links_resolve(fixture_site: Path) -> None:
    run_talkgen("build", "--no-search", cwd=fixture_site)
    assert internal_links_resolve(fixture_site / "_site", "/") == []


def test_internal_links_resolve_under_a_sub_path(fixture_site: Path) -> None:
    result = run_talkgen("build", "--no-search", "--base-url", "https://example.org/talk/", cwd=fixture_site)
    assert result.returncode == 0, result.stderr
    assert internal_links_resolve(fixture_site / "_site", "/talk/") == []


def test_episode_page_has_sections_questions_and_rewritten_links(fixture_site: Path) -> None:
    run_talkgen("build", "--no-search", "--drafts", cwd=fixture_site)
    out = fixture_site / "_site"
    page = parse(out / "episodes/002/index.html")
    text = " ".join(page.text)
    assert {"news", "本周推荐", "本周实践", "自由讨论"} <= page.ids
    assert "/episodes/001/" in page.links
    assert "/episodes/001/#本周经典" in [unquote(link) for link in page.links]
    assert "用 Megatron-LM 开 TP PP。" in text
    assert "/episodes/003/" in page.links  # drafts built on request; 003 is newer than 002
    first = (out / "episodes/001/index.html").read_text(encoding="utf-8")
    assert '<span class="c1"># this is a comment, not a heading</span>' in first


def test_topic_and_contributor_pages_link_back(fixture_site: Path) -> None:
    run_talkgen("build", "--no-search", cwd=fixture_site)
    out = fixture_site / "_site"
    topic = parse(out / "topics/rlhf/index.html")
    assert {"/episodes/001/", "/episodes/002/"} <= set(topic.links)
    yuhan = parse(out / "contributors/yuhan/index.html")  # yuhan and Yuhan are one person
    assert "/episodes/002/" in yuhan.links and "/episodes/001/" in [
        urldefrag(link)[0] for link in yuhan.links]
    questions = (out / "questions/index.html").read_text(encoding="utf-8")
    assert questions.index("RLHF 是 RL 起的作用") < questions.index("长文本训练需要多少显存")


def test_failed_build_leaves_the_old_output_untouched(fixture_site: Path) -> None:
    assert run_talkgen("build", "--no-search", cwd=fixture_site).returncode == 0
    before = tree_digest(fixture_site / "_site")
    episode = fixture_site / "episodes" / "002.md"
    episode.write_text(episode.read_text(encoding="utf-8").replace("## 本周推荐", "## 推荐"),
                       encoding="utf-8")
    result = run_talkgen("build", "--no-search", cwd=fixture_site)
    assert result.returncode == 1
    assert "error[E020]" in result.stderr and "was not changed" in result.stderr
    assert tree_digest(fixture_site / "_site") == before


def test_two_builds_are_byte_identical(fixture_site: Path, tmp_path: Path) -> None:
    run_talkgen("build", "--no-search", "--out", str(tmp_path / "a"), cwd=fixture_site,
                env={"PYTHONHASHSEED": "1"})
    run_talkgen("build", "--no-search", "--out", str(tmp_path / "b"), cwd=fixture_site,
                env={"PYTHONHASHSEED": "2"})
    assert tree_digest(tmp_path / "a") == tree_digest(tmp_path / "b")


def test_output_folder_holding_the_users_work_is_refused(fixture_site: Path) -> None:
    for out in (".", "episodes"):
        result = run_talkgen("build", "--no-search", "--out", out, cwd=fixture_site)
        assert result.returncode == 1 and "error[E041]" in result.stderr
    assert (fixture_site / "episodes" / "001.md").is_file()


def test_template_error_is_a_diagnostic(fixture_site: Path) -> None:
    (fixture_site / "templates").mkdir()
    (fixture_site / "templates" / "404.html").write_text("line one\n{{ broken }\n")
    result = run_talkgen("build", "--no-search", cwd=fixture_site)
    assert result.returncode == 1
    assert "templates/404.html:2:1: error[E042]" in result.stderr
    assert "Traceback" not in result.stderr


def test_site_templates_override_the_theme_file_by_file(fixture_site: Path) -> None:
    (fixture_site / "templates").mkdir()
    (fixture_site / "templates" / "404.html").write_text("<p>自定义 404</p>\n")
    (fixture_site / "static").mkdir()
    (fixture_site / "static" / "extra.css").write_text("body{}")
    assert run_talkgen("build", "--no-search", cwd=fixture_site).returncode == 0
    out = fixture_site / "_site"
    assert (out / "404.html").read_text(encoding="utf-8") == "<p>自定义 404</p>\n"
    assert "<!doctype html>" in (out / "index.html").read_text(encoding="utf-8").lower()
    assert (out / "static/extra.css").is_file() and (out / "static/style.css").is_file()


def test_repository_episode_001_builds_with_all_its_parts(tmp_path: Path) -> None:
    result = run_talkgen("build", "--no-search", "--out", str(tmp_path / "out"), cwd=REPO)
    assert result.returncode == 0, result.stderr
    out = tmp_path / "out"
    page = parse(out / "episodes/001/index.html")
    assert {"本周新闻", "本周推荐", "本周经典", "本周实践", "free-talk"} <= page.ids
    assert "/topics/位置编码/" in [unquote(link) for link in page.links]
    topic = parse(out / "topics/位置编码/index.html")
    assert "/episodes/001/" in topic.links
    questions = " ".join(parse(out / "questions/index.html").text)
    assert questions.count("Q") >= 9 and "logit" in questions
    assert "/episodes/001/" in parse(out / "contributors/yuhan/index.html").links


@pytest.mark.slow  # pip installs the package, then builds with Pagefind
@pytest.mark.timeout(600)
def test_site_with_only_episodes_builds_from_a_non_editable_install(tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir)
    python = env_dir / "bin" / "python"
    _see_our_dependencies(python)
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q",
                    "--no-deps", str(REPO)], check=True, capture_output=True, timeout=300)
    site = tmp_path / "site"
    (site / "episodes").mkdir(parents=True)
    (site / "episodes" / "001.md").write_bytes((REPO / "episodes" / "001.md").read_bytes())
    talkgen = env_dir / "bin" / "talkgen"
    result = subprocess.run([str(talkgen), "build"], cwd=site, capture_output=True, text=True,
                            timeout=120, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert (site / "_site" / "static" / "style.css").is_file()
    clean = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # no tree but the venv's
    assert "theme" in subprocess.run(
        [str(python), "-c", "import talkgen.site.theme as t; print(t.theme_root())"], cwd=site,
        capture_output=True, text=True, check=True, env=clean).stdout
    assert sys.executable != str(python)


def _see_our_dependencies(python: Path) -> None:
    """Let a new virtualenv import the dependencies installed for the running interpreter.

    Not `system_site_packages`: when the tests themselves run in a virtualenv, that names the
    base Python's packages, not ours. A .pth file adds our folders after the venv's own, so
    the talkgen installed into the venv wins over an editable one (whose finder is not loaded).
    """
    inner = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                           capture_output=True, text=True, check=True).stdout.strip()
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(inner) / "talkgen-test-deps.pth").write_text("\n".join(sorted(ours)) + "\n", encoding="utf-8")

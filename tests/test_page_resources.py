"""Pictures next to the episodes (episodes/images/NNN/…, as `talkgen import` saves them) are
published under the same path and every <img> on a built page resolves to a file of _site."""

from __future__ import annotations

import http.client
import os
import re
import shutil
from html import unescape
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from talkgen.preview.builder import Preview

from .conftest import REPO, run_talkgen
from .serving import running_preview

PNG = bytes.fromhex("89504e470d0a1a0a")  # enough of a picture for a copy to be compared


def _add_picture(site: Path, markdown: str) -> None:
    episode = site / "episodes" / "001.md"
    episode.write_text(episode.read_text(encoding="utf-8") + f"\n{markdown}\n", encoding="utf-8")
    (site / "episodes" / "images" / "001").mkdir(parents=True, exist_ok=True)
    (site / "episodes" / "images" / "001" / "a.png").write_bytes(PNG)


def _img_sources(page: Path) -> list[str]:
    return [unescape(s) for s in re.findall(r'<img[^>]*\ssrc="([^"]*)"', page.read_text("utf-8"))]


def _resolve(site_out: Path, src: str, base_path: str) -> Path:
    """The file a root-relative src names, served from `base_path`."""
    path = unquote(urlsplit(src).path)
    assert path.startswith(base_path), src
    return site_out / path[len(base_path):]


@pytest.mark.parametrize(("base_url", "base_path"), [("", "/"),
                                                     ("https://ex.org/talks/", "/talks/")])
def test_picture_is_published_and_its_src_resolves(fixture_site: Path, base_url: str,
                                                   base_path: str) -> None:
    _add_picture(fixture_site, "![图](images/001/a.png)\n\n[原图](images/001/a.png)")
    args = ("--base-url", base_url) if base_url else ()
    result = run_talkgen("build", "--no-search", *args, cwd=fixture_site)
    assert result.returncode == 0, result.stderr
    out = fixture_site / "_site"
    assert (out / "episodes" / "images" / "001" / "a.png").read_bytes() == PNG
    page = out / "episodes" / "001" / "index.html"
    assert _img_sources(page) == [f"{base_path}episodes/images/001/a.png"]
    assert f'href="{base_path}episodes/images/001/a.png"' in page.read_text("utf-8")
    assert _resolve(out, _img_sources(page)[0], base_path).read_bytes() == PNG
    assert not list((out / "episodes").rglob("*.md"))  # episode sources are never published


def test_absolute_anchor_and_episode_targets_stay(fixture_site: Path) -> None:
    _add_picture(fixture_site, "![x](https://ex.org/a.png) [a](#free-talk) [b](002.md)")
    assert run_talkgen("build", "--no-search", cwd=fixture_site).returncode == 0
    text = (fixture_site / "_site" / "episodes" / "001" / "index.html").read_text("utf-8")
    assert 'src="https://ex.org/a.png"' in text
    assert 'href="#free-talk"' in text
    assert 'href="/episodes/002/"' in text


def test_symlinked_picture_outside_the_site_is_refused(fixture_site: Path,
                                                       tmp_path: Path) -> None:
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"secret")
    _add_picture(fixture_site, "![s](images/001/s.png)")
    os.symlink(secret, fixture_site / "episodes" / "images" / "001" / "s.png")
    result = run_talkgen("build", "--no-search", cwd=fixture_site)
    assert result.returncode == 0, result.stderr
    assert 'warning[W034]: skipped "episodes/images/001/s.png"' in result.stderr
    assert not (fixture_site / "_site" / "episodes" / "images" / "001" / "s.png").exists()
    assert (fixture_site / "_site" / "episodes" / "images" / "001" / "a.png").exists()


def test_missing_picture_is_a_warning_at_its_position(fixture_site: Path) -> None:
    _add_picture(fixture_site, "see ![gone](images/001/gone.png)")
    lines = (fixture_site / "episodes" / "001.md").read_text("utf-8").split("\n")
    line = next(n for n, text in enumerate(lines, 1) if "gone.png" in text)
    result = run_talkgen("check", cwd=fixture_site)
    assert (f'episodes/001.md:{line}:13: warning[W074]: picture "images/001/gone.png" not '
            "found: there is no episodes/images/001/gone.png") in result.stderr
    assert "help: put the file at episodes/images/001/gone.png" in result.stderr
    assert result.returncode == 0  # a warning: the site still builds


def test_repository_episodes_build_with_every_picture(tmp_path: Path) -> None:
    """The archive imported into episodes/ (pictures in episodes/images/): every <img> on every
    episode page is a file of the built site."""
    site = tmp_path / "repo"
    shutil.copytree(REPO / "episodes", site / "episodes")
    (site / "talkgen.yaml").write_text("title: OpenLLM Talk\nbase_url: https://ex.org/llm/\n",
                                       encoding="utf-8")
    result = run_talkgen("build", "--no-search", cwd=site)
    assert result.returncode == 0, result.stderr
    assert "W074" not in result.stderr and "W034" not in result.stderr
    out = site / "_site"
    pages = sorted((out / "episodes").glob("*/index.html"))
    sources = [(page, src) for page in pages for src in _img_sources(page)]
    assert len(sources) >= len(list((REPO / "episodes" / "images").rglob("*.*"))) > 0
    for page, src in sources:
        assert _resolve(out, src, "/llm/").is_file(), (page, src)


def test_the_preview_serves_pictures_and_refuses_the_symlinked_one(fixture_site: Path,
                                                                    tmp_path: Path) -> None:
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"secret")
    _add_picture(fixture_site, "![a](images/001/a.png) ![s](images/001/s.png)")
    os.symlink(secret, fixture_site / "episodes" / "images" / "001" / "s.png")
    with running_preview(fixture_site) as server:
        host, port = server.httpd.server_address[:2]

        def get(target: str) -> tuple[int, bytes]:
            conn = http.client.HTTPConnection(str(host), int(port), timeout=10)
            conn.request("GET", target)
            response = conn.getresponse()
            return response.status, response.read()

        status, page = get("/episodes/001/")
        sources = re.findall(r'<img[^>]*\ssrc="([^"]*)"', page.decode("utf-8"))
        assert status == 200 and sources == ["/episodes/images/001/a.png",
                                             "/episodes/images/001/s.png"]
        assert get(sources[0]) == (200, PNG)
        assert get(sources[1])[0] == 404


def test_adding_the_missing_picture_in_the_preview_clears_the_warning(fixture_site: Path) -> None:
    _add_picture(fixture_site, "![b](images/001/b.png)")
    preview = Preview(fixture_site)
    assert [d.code for d in preview.start().diagnostics].count("W074") == 1
    picture = fixture_site / "episodes" / "images" / "001" / "b.png"
    picture.write_bytes(PNG)
    outcome = preview.update([picture])
    assert "W074" not in [d.code for d in outcome.diagnostics]
    assert outcome.pages == {"episodes/images/001/b.png"}
    assert preview.read("episodes/images/001/b.png") == PNG

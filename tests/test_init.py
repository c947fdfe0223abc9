"""`talkgen init`: a new site that checks and builds at once, and never clobbers a file."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from talkgen.content.config import CONFIG_FIELDS, load_config
from talkgen.scaffold.site import config_text, init_site, site_files

from .conftest import run_talkgen

SITE_FILES = {"talkgen.yaml", "episodes/001.md", ".gitignore", "requirements.txt",
              ".github/workflows/pages.yml", "schemas/episode.schema.json",
              "schemas/talkgen.schema.json"}


@pytest.mark.parametrize(("language", "search"), [
    pytest.param("zh-CN", True, marks=pytest.mark.slow),  # as a new user runs it: with Pagefind
    ("en", False)])
def test_init_makes_a_site_that_checks_and_builds(tmp_path: Path, language: str,
                                                  search: bool) -> None:
    result = run_talkgen("init", "talk", "--title", "Demo Talk", "--language", language,
                         cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    site = tmp_path / "talk"
    assert {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()} == SITE_FILES
    check = run_talkgen("check", "--format", "json", cwd=site)
    # empty sections, and W070: the scaffold's `host: TBD` is a reminder to fill it in
    assert check.returncode == 0 and {d["code"] for d in json.loads(check.stdout)} <= {"W025",
                                                                                        "W070"}
    build = run_talkgen("build", *([] if search else ["--no-search"]), cwd=site)
    assert build.returncode == 0, build.stderr
    assert "Demo Talk" in (site / "_site" / "index.html").read_text(encoding="utf-8")
    assert (site / ".gitignore").read_text() == "_site/\n"


def test_english_sites_get_english_headings(tmp_path: Path) -> None:
    init_site(tmp_path, "Demo", "en", today=dt.date(2024, 1, 6))
    episode = (tmp_path / "episodes" / "001.md").read_text(encoding="utf-8")
    for heading in ("## News", "## Recommendations", "## Classics", "## Practice", "## Free Talk"):
        assert heading + "\n" in episode
    assert "本周" not in episode and "date: 2024-01-06" in episode
    config, problems = load_config(tmp_path)
    assert problems == [] and config.language == "en" and config.title == "Demo"
    assert config.sections.match("本周新闻")  # the built-in titles stay accepted


def test_init_refuses_to_overwrite_anything(tmp_path: Path) -> None:
    (tmp_path / "talkgen.yaml").write_text("title: Mine\n", encoding="utf-8")
    result = run_talkgen("init", cwd=tmp_path)
    assert result.returncode == 1 and "already has talkgen.yaml" in result.stderr
    assert "nothing was written" in result.stderr and "Traceback" not in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["talkgen.yaml"]
    assert (tmp_path / "talkgen.yaml").read_text() == "title: Mine\n"


def test_init_twice_refuses_the_second_time(tmp_path: Path) -> None:
    assert init_site(tmp_path / "s").ok
    again = init_site(tmp_path / "s")
    assert not again.ok and set(again.existing) == SITE_FILES and again.written == ()


def test_init_accepts_a_folder_with_other_files(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# our notes\n", encoding="utf-8")
    (tmp_path / "LICENSE").write_text("MIT\n", encoding="utf-8")
    made = init_site(tmp_path, "Demo")
    assert made.ok and set(made.written) == SITE_FILES
    assert (tmp_path / "README.md").read_text() == "# our notes\n"


def test_with_theme_copies_the_theme_and_still_builds(tmp_path: Path) -> None:
    result = run_talkgen("init", "--with-theme", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "templates" / "episode.html").is_file()
    assert (tmp_path / "static" / "style.css").is_file()
    assert run_talkgen("build", "--no-search", cwd=tmp_path).returncode == 0


def test_the_title_defaults_to_the_folder_name(tmp_path: Path) -> None:
    init_site(tmp_path / "rust-talk")
    config, _ = load_config(tmp_path / "rust-talk")
    assert config.title == "Rust Talk"


def test_config_lists_every_key_and_each_example_is_valid(tmp_path: Path) -> None:
    text = config_text("Demo", "zh-CN", everything=True)
    (tmp_path / "talkgen.yaml").write_text(text, encoding="utf-8")
    config, problems = load_config(tmp_path)
    assert problems == []
    assert config.people and config.base_url == "https://example.github.io/talk/"
    commented = config_text("Demo", "zh-CN")
    for f in CONFIG_FIELDS:
        assert f"# {f.doc}\n" in commented
        assert f"\n{f.name}:" in commented or f"\n# {f.name}:" in commented


def test_the_scaffold_names_the_schema_init_writes(tmp_path: Path) -> None:
    init_site(tmp_path)
    lines = (tmp_path / "episodes" / "001.md").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "---"
    assert lines[1] == "# yaml-language-server: $schema=../schemas/episode.schema.json"
    assert (tmp_path / "episodes" / "../schemas/episode.schema.json").is_file()
    config_first = (tmp_path / "talkgen.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert config_first == "# yaml-language-server: $schema=schemas/talkgen.schema.json"


def test_site_files_are_deterministic() -> None:
    day = dt.date(2024, 1, 6)
    assert site_files("T", "en", day) == site_files("T", "en", day)


def test_init_help(tmp_path: Path) -> None:
    result = run_talkgen("init", "--help", cwd=tmp_path)
    assert result.returncode == 0 and "--with-theme" in result.stdout


def test_init_on_a_file_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "notes").write_text("x", encoding="utf-8")
    result = run_talkgen("init", "notes", cwd=tmp_path)
    assert result.returncode == 1 and "is a file" in result.stderr
    assert "Traceback" not in result.stderr

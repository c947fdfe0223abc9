"""talkgen.yaml is checked like front matter: one fixture per rule, with positions."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from talkgen.content.config import CONFIG_FIELDS, load_config
from talkgen.content.fields import Field

from .conftest import FIXTURES, run_talkgen

CASES = sorted((FIXTURES / "config").iterdir())


def expected(case: Path) -> list[tuple[str, str, int, int, str]]:
    rows = (line.split(maxsplit=4) for line in (case / "expect.txt").read_text().splitlines())
    return [(code, file, int(line), int(col), message) for code, file, line, col, message in rows]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_config_rule_is_reported_at_its_position(case: Path) -> None:
    result = run_talkgen("check", "--format", "json", cwd=case)
    found = [(d["code"], d["file"], d["line"], d["column"], d["message"])
             for d in json.loads(result.stdout)]
    want = expected(case)
    assert [f[:4] for f in found] == [w[:4] for w in want]
    for (*_, message), (*_, prefix) in zip(found, want, strict=True):
        assert message.startswith(prefix)
    assert result.returncode == 1 and "Traceback" not in result.stderr


def test_every_config_rule_has_a_case() -> None:
    codes = {code for case in CASES for code, *_ in expected(case)}
    assert codes >= {"E012", "E013", "E014", "E016", "E029", "E030", "E040"}


def test_a_broken_config_stops_the_build_before_writing(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "config" / "E016-wrong-type" / "talkgen.yaml", tmp_path)
    result = run_talkgen("build", "--no-search", cwd=tmp_path)
    assert result.returncode == 1 and "talkgen.yaml:2:9: error[E016]" in result.stderr
    assert not (tmp_path / "_site").exists()


def test_every_setting_is_read(tmp_path: Path) -> None:
    (tmp_path / "talkgen.yaml").write_text(
        "title: T\ndescription: D\nbase_url: https://x.github.io/t/\nlanguage: en\noutput: out\n"
        "markdown: {allow_html: true}\nsections: {news: {title: Headlines, aliases: [Wire]}}\n"
        "feed: {size: 5}\nsearch: false\n"
        "people: {yuhan: {aliases: [Yuhan Chen, 余涵], url: 'https://github.com/yuhan'}}\n",
        encoding="utf-8")
    config, problems = load_config(tmp_path)
    assert problems == []
    assert (config.title, config.description, config.language) == ("T", "D", "en")
    assert (config.base_path, config.output, config.allow_html) == ("/t/", tmp_path / "out", True)
    assert config.sections.kind("news").title == "Headlines"
    assert config.sections.match("本周新闻") and config.sections.match("wire")
    assert (config.feed_size, config.search) == (5, False)
    assert config.aliases == {"yuhan": "yuhan", "yuhan chen": "yuhan", "余涵": "yuhan"}
    assert config.people[0].url == "https://github.com/yuhan"


def test_a_path_is_a_valid_base_url(tmp_path: Path) -> None:
    (tmp_path / "talkgen.yaml").write_text("base_url: /talk/\n", encoding="utf-8")
    config, problems = load_config(tmp_path)
    assert problems == [] and config.base_path == "/talk/"


def _paths(fields: tuple[Field, ...], prefix: str = "") -> list[tuple[str, Field]]:
    out = []
    for f in fields:
        path = prefix + f.name
        out.append((path, f))
        out += _paths(f.children, path + ".")
        if f.each:
            out += _paths(f.each.children, path + ".<name>.")
    return out


def test_configuration_reference_lists_every_setting() -> None:
    doc = (Path(__file__).parent.parent / "docs" / "configuration.md").read_text(encoding="utf-8")
    missing = []
    for path, f in _paths(CONFIG_FIELDS):
        path = re.sub(r"^sections\.\w+", "sections.<kind>", path)
        if f"| `{path}` |" not in doc or (path != "sections.<kind>" and f.doc not in doc):
            missing.append(path)
    assert missing == [], "document these settings in docs/configuration.md"


def test_people_aliases_are_one_contributor(fixture_site: Path) -> None:
    (fixture_site / "talkgen.yaml").write_text(
        "title: OpenLLM Talk\npeople:\n  Yuhan:\n    aliases: [初七]\n"
        "    url: https://github.com/yuhan\n", encoding="utf-8")
    result = run_talkgen("build", "--no-search", cwd=fixture_site)
    assert result.returncode == 0, result.stderr
    site = fixture_site / "_site" / "contributors"
    assert not (site / "初七").exists()
    page = (site / "yuhan" / "index.html").read_text(encoding="utf-8")
    assert "<h1>Yuhan</h1>" in page and 'href="https://github.com/yuhan"' in page
    assert "初七" not in (site / "index.html").read_text(encoding="utf-8")


def test_a_huge_config_is_refused_at_line_one(tmp_path: Path) -> None:
    (tmp_path / "talkgen.yaml").write_text("# padding\n" * 8000 + "title: T\n", encoding="utf-8")
    result = run_talkgen("check", "--format", "json", cwd=tmp_path)
    found = json.loads(result.stdout)
    assert [(d["code"], d["file"], d["line"], d["column"]) for d in found] == [
        ("E031", "talkgen.yaml", 1, 1)]
    assert found[0]["message"].startswith("talkgen.yaml is ") and result.returncode == 1


def test_a_config_that_is_not_utf8_is_one_diagnostic(tmp_path: Path) -> None:
    (tmp_path / "talkgen.yaml").write_bytes(b"title: \xff\n")
    result = run_talkgen("check", "--format", "json", cwd=tmp_path)
    assert [d["code"] for d in json.loads(result.stdout)] == ["E040"]
    assert result.returncode == 1 and "Traceback" not in result.stderr


def test_aliases_of_one_person_are_listed_once(fixture_site: Path) -> None:
    (fixture_site / "talkgen.yaml").write_text("people: {yuhan: {aliases: [余涵]}}\n",
                                               encoding="utf-8")
    episode = fixture_site / "episodes" / "002.md"
    text = episode.read_text(encoding="utf-8")
    episode.write_text(text.replace("host: [yuhan, 羡鱼]", "host: [yuhan, 余涵, 羡鱼]"),
                       encoding="utf-8")
    assert run_talkgen("build", "--no-search", cwd=fixture_site).returncode == 0
    page = (fixture_site / "_site" / "episodes" / "002" / "index.html").read_text("utf-8")
    assert "余涵" not in page and page.count('href="/contributors/yuhan/"') >= 1
    index = (fixture_site / "_site" / "index.html").read_text("utf-8")
    card = index[index.index('href="/episodes/002/"'):][:2000]
    assert card.count('href="/contributors/yuhan/"') == 1

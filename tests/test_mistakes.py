"""The mistakes authors really make (tests/fixtures/mistakes/): each reported at the right
line and column, with the fix in the hint, and nothing else reported."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from talkgen import cli

from .conftest import FIXTURES

MISTAKES = FIXTURES / "mistakes"
CASES = sorted(p for p in MISTAKES.glob("*.md") if not p.name.startswith("_")
               and p.name != "README.md")


@dataclass(frozen=True)
class Expected:
    code: str
    line: int
    column: int
    hint: str
    message: str = ""


def expectations(case: Path) -> tuple[str, list[Expected]]:
    """The file name the case is checked under, and the diagnostics it must produce."""
    name, rows = "002.md", []
    for row in case.with_suffix(".expect").read_text(encoding="utf-8").splitlines():
        if row.startswith("# file: "):
            name = row.removeprefix("# file: ").strip()
        elif row.strip():
            head, _, message = row.partition(" || ")
            code, line, column, hint = head.split(" ", 3)
            rows.append(Expected(code, int(line), int(column), hint, message))
    return name, rows


def check_json(root: Path, capsys: pytest.CaptureFixture[str],
               *args: str) -> tuple[int, list[dict[str, object]]]:
    """`talkgen check --format json` in-process; its stdout parsed."""
    code = cli.main(["check", "--root", str(root), "--format", "json", *args])
    return code, json.loads(capsys.readouterr().out)


def site_with(case: Path, name: str, tmp_path: Path) -> Path:
    (tmp_path / "episodes").mkdir()
    shutil.copy(MISTAKES / "_previous.md", tmp_path / "episodes" / "001.md")
    shutil.copy(case, tmp_path / "episodes" / name)
    return tmp_path


def test_the_corpus_is_big_enough() -> None:
    assert len(CASES) >= 40
    assert all(case.with_suffix(".expect").is_file() for case in CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_each_mistake_gets_its_diagnostic(case: Path, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    name, expected = expectations(case)
    code, found = check_json(site_with(case, name, tmp_path), capsys)
    assert [(d["code"], d["line"], d["column"]) for d in found] == \
        [(e.code, e.line, e.column) for e in expected]
    for d, e in zip(found, expected, strict=True):
        assert e.hint in str(d["hint"]), d
        assert e.message in str(d["message"]), d
        assert str(d["file"]).startswith("episodes/")
    assert code == (1 if any(e.code.startswith("E") for e in expected) else 0)


CASCADES = {  # case → how many diagnostics the one mistake gets (it used to be several)
    "misspelled-section": 1,  # not also E023 "news missing" and E024 "sections.news unused"
    "fullwidth-colon-host": 1,  # not also E012 on the next line, nor E015 "host missing"
    "fullwidth-space-indent": 1,  # not also E014 unknown key "　date" and E015 "date missing"
    "lenticular-brackets": 1,  # not also E016 "topics must be a list"
    "dash-without-space": 2,  # one per item, not also E016 "topics must be a list"
    "heading-without-space": 1,  # read as the section: no E023 "recommendations missing"
    "heading-level-1": 1,  # no W028 "level-1 heading" and no E023
}


@pytest.mark.parametrize("name", sorted(CASCADES))
def test_one_cause_is_reported_once(name: str, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    _, found = check_json(site_with(MISTAKES / f"{name}.md", "002.md", tmp_path), capsys)
    assert len(found) == CASCADES[name], found


def test_errors_come_first_then_each_kind_in_line_order(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    case = MISTAKES / "errors-before-warnings.md"
    _, found = check_json(site_with(case, "002.md", tmp_path), capsys)
    assert [(d["code"], d["line"]) for d in found] == [("E020", 12), ("W026", 10)]


@pytest.mark.parametrize("name", ["question-without-colon", "question-numbered",
                                  "question-chinese-label", "question-ascii-colon"])
def test_loosely_written_questions_reach_the_questions_index(name: str, tmp_path: Path) -> None:
    from talkgen.build.check import check
    from talkgen.content.config import SiteConfig

    result = check(SiteConfig(root=site_with(MISTAKES / f"{name}.md", "002.md", tmp_path)))
    episode = next(e for e in result.episodes if e.number == 2)
    assert [(q.label, q.text, q.asker) for q in episode.questions] == \
        [("Q1", "LoRA 能用来做风格迁移吗？", "初七")]


def test_text_format_draws_the_tab_and_points_at_it(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    site_with(MISTAKES / "tab-before-dash.md", "002.md", tmp_path)
    assert cli.main(["check", "--root", str(tmp_path)]) == 1
    frame = capsys.readouterr().err.splitlines()
    assert frame[:4] == ["episodes/002.md:7:1: error[E036]: a tab indents this line; YAML allows "
                         "only spaces", "  |", "7 | →- RLHF", "  | ^"]


def test_site_wide_diagnostics_have_a_frame_too(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    site_with(MISTAKES / "link-to-missing-episode.md", "002.md", tmp_path)
    assert cli.main(["check", "--root", str(tmp_path)]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines[2] == "7 | 第二期开场，预告[下期](009.md)。"
    # under 009.md: eight CJK characters and 下期 take two columns each, then "[" and "]("
    assert lines[3] == "  | " + " " * (2 * 8 + 1 + 2 * 2 + 2) + "^" * 6


def test_json_github_and_the_preview_overlay_say_the_same(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    from talkgen.preview.livereload import overlay_payload

    site_with(MISTAKES / "fullwidth-colon-host.md", "002.md", tmp_path)
    _, [as_json] = check_json(tmp_path, capsys)
    cli.main(["check", "--root", str(tmp_path), "--format", "github"])
    github = capsys.readouterr().out
    assert github.startswith("::error file=episodes/002.md,line=4,col=5,title=E035::")
    assert str(as_json["hint"]) in github
    from talkgen.build.check import check
    from talkgen.content.config import SiteConfig

    [overlay] = overlay_payload(check(SiteConfig(root=tmp_path)).diagnostics)
    assert {k: overlay[k] for k in as_json} == as_json
    assert "4 | host： 羡鱼" in str(overlay["text"])


def test_a_link_to_an_episode_that_failed_to_load_reports_only_that_episode(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = site_with(MISTAKES / "question-ascii-colon.md", "002.md", tmp_path)
    text = (site / "episodes" / "002.md").read_text(encoding="utf-8")
    (site / "episodes" / "002.md").write_text(text.replace("第二期开场。", "见[上期](001.md)。"),
                                             encoding="utf-8")
    broken = (site / "episodes" / "001.md").read_text(encoding="utf-8")
    (site / "episodes" / "001.md").write_text(broken.replace("host: 羡鱼", "host： 羡鱼"),
                                             encoding="utf-8")
    _, found = check_json(site, capsys)
    assert [(d["file"], d["code"]) for d in found] == [("episodes/001.md", "E035")]


def test_a_misnamed_file_is_told_the_real_next_free_number(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = site_with(MISTAKES / "question-ascii-colon.md", "002.md", tmp_path)
    episode = (site / "episodes" / "002.md").read_text(encoding="utf-8")
    (site / "episodes" / "003.md").write_text(episode.replace("number: 2", "number: 3")
                                              .replace("2023-06-24", "2023-07-01"), encoding="utf-8")
    shutil.copy(site / "episodes" / "002.md", site / "episodes" / "002-副本.md")
    _, found = check_json(site, capsys)
    assert [(d["code"], d["hint"]) for d in found] == [
        ("W032", "if it is a new episode, name it 004.md; if it is a copy of 002.md, delete it")]

"""One fixture per rule of SPEC §3: each states the diagnostic it must produce."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from talkgen.diagnostics import RULES, Diagnostic, Location, format_github, format_text

from .conftest import FIXTURES, run_talkgen

CASES = sorted((FIXTURES / "diagnostics").iterdir())


def expected(case: Path) -> list[tuple[str, str, int, int]]:
    rows = (line.split() for line in (case / "expect.txt").read_text().splitlines() if line)
    return [(code, file, int(line), int(col)) for code, file, line, col in rows]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_check_reports_the_rule_at_its_position(case: Path) -> None:
    result = run_talkgen("check", "--format", "json", cwd=case)
    found = [(d["code"], d["file"], d["line"], d["column"]) for d in json.loads(result.stdout)]
    assert found == expected(case)
    assert result.returncode == (1 if any(c.startswith("E") for c, *_ in found) else 0)
    assert "Traceback" not in result.stderr


def test_every_rule_has_a_fixture_or_a_dedicated_test() -> None:
    covered = {code for case in CASES for code, *_ in expected(case)}
    tested_elsewhere = {"E003", "E031", "E041", "E042", "E043", "W034"}  # generated input, a build
    tested_elsewhere |= {"W060", "W061"}  # tests/test_search.py, tests/test_feeds.py: build-time
    tested_elsewhere |= {r.code for r in RULES if r.code[1:3] == "05"}  # tests/test_legacy.py
    assert {r.code for r in RULES} - covered - tested_elsewhere == set()


def test_every_code_is_documented_with_an_example() -> None:
    doc = (Path(__file__).parent.parent / "docs" / "diagnostics.md").read_text()
    for rule in RULES:
        assert f"`{rule.code}`" in doc and rule.example in doc


def test_text_format_has_a_code_frame_under_the_column() -> None:
    d = Diagnostic("E021", 'section "本周经典" comes after "本周实践"',
                   Location("episodes/002.md", 14, 1, 12), "move it", "## 本周经典")
    assert format_text(d).splitlines()[:4] == [
        'episodes/002.md:14:1: error[E021]: section "本周经典" comes after "本周实践"',
        "   |",
        "14 | ## 本周经典",
        "   | ^^^^^^^^^^^",
    ]


def test_github_format_is_a_workflow_command() -> None:
    d = Diagnostic("W026", "link 100% empty\nsecond", Location("episodes/a,b.md", 3, 5), "fix")
    assert format_github(d) == (
        "::warning file=episodes/a%2Cb.md,line=3,col=5,title=W026::"
        "link 100%25 empty%0Asecond (hint: fix)")


def test_text_output_is_sorted_and_summarised(tmp_path: Path) -> None:
    episodes = tmp_path / "episodes"
    episodes.mkdir()
    (episodes / "002.md").write_text("---\nnumber: 2\n---\n", encoding="utf-8")
    (episodes / "001.md").write_text("no front matter\n", encoding="utf-8")
    result = run_talkgen("check", cwd=tmp_path)
    assert result.returncode == 1
    headers = [line for line in result.stderr.splitlines() if ": error[" in line]
    assert headers[0].startswith("episodes/001.md:1:1: error[E010]")
    assert all(h.startswith("episodes/002.md") for h in headers[1:])
    assert result.stderr.strip().splitlines()[-1] == "6 errors, 0 warnings in 2 episodes"


def test_json_output_holds_only_the_list(tmp_path: Path) -> None:
    (tmp_path / "episodes").mkdir()
    (tmp_path / "episodes" / "001.md").write_text("oops\n", encoding="utf-8")
    result = run_talkgen("check", "--format", "json", cwd=tmp_path)
    data = json.loads(result.stdout)
    assert set(data[0]) == {"file", "line", "column", "code", "severity", "message", "hint"}
    assert data[0]["severity"] == "error"


def test_typo_in_a_key_gets_a_suggestion() -> None:
    result = run_talkgen("check", "--format", "json", cwd=FIXTURES / "diagnostics" /
                         "E014-unknown-key")
    message = json.loads(result.stdout)[0]["message"]
    assert message == 'unknown key "contributer"; did you mean "contributors"?'


def test_unknown_section_gets_a_suggestion(tmp_path: Path) -> None:
    case = FIXTURES / "diagnostics" / "E022-duplicate-section"
    text = (case / "episodes" / "002.md").read_text().replace("## 自由讨论", "## 本周新文")
    (tmp_path / "episodes").mkdir()
    (tmp_path / "episodes" / "002.md").write_text(text, encoding="utf-8")
    result = run_talkgen("check", "--format", "json", cwd=tmp_path)
    assert 'did you mean "本周新闻"?' in json.loads(result.stdout)[0]["message"]


def test_a_huge_file_and_huge_front_matter_are_diagnostics(tmp_path: Path) -> None:
    episodes = tmp_path / "episodes"
    episodes.mkdir()
    (episodes / "001.md").write_bytes(b"x" * (9 * 1024 * 1024))
    (episodes / "002.md").write_text("---\n" + "k: v\n" * 20000 + "---\n", encoding="utf-8")
    result = run_talkgen("check", "--format", "json", cwd=tmp_path)
    codes = [(d["file"], d["code"]) for d in json.loads(result.stdout)]
    assert codes == [("episodes/001.md", "E003"), ("episodes/002.md", "E031")]


def test_strict_turns_warnings_into_failure() -> None:
    case = FIXTURES / "diagnostics" / "W025-empty-section"
    assert run_talkgen("check", cwd=case).returncode == 0
    assert run_talkgen("check", "--strict", cwd=case).returncode == 1

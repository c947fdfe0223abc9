"""A diagnostic on a very long line keeps a window of it, not the line: the frame still points
at the right text, and thousands of problems on one line stay small in memory and the cache."""

from __future__ import annotations

from pathlib import Path

from talkgen.diagnostics import diagnostic, format_text
from tests.conftest import run_talkgen

LINK = "[x](#) "


def _caret_text(frame: str) -> str:
    """The characters of the frame's source line above its carets."""
    lines = frame.split("\n")
    code_line = lines[2].split("| ", 1)[1]
    caret_line = lines[3].split("| ", 1)[1]
    start = caret_line.index("^")
    return code_line[start:start + caret_line.count("^")]


def test_a_long_line_keeps_a_window_that_still_points_at_the_column() -> None:
    line = "".join(f"[{i}](#) " for i in range(20_000))
    column = line.index("[12345]") + 1
    d = diagnostic("W026", "link points nowhere", "episodes/001.md", 17, column,
                   source=["", *[""] * 15, line], width=len("[12345](#)"))
    assert d.source_line is not None and len(d.source_line) <= 161
    assert _caret_text(format_text(d)) == "[12345](#)"
    assert format_text(d).split("\n")[2].split("| ", 1)[1].startswith("…")


def test_a_short_line_is_kept_whole() -> None:
    d = diagnostic("W026", "link points nowhere", "episodes/001.md", 1, 5,
                   source=["see [x](#) here"], width=6)
    assert d.source_line == "see [x](#) here" and d.source_start == 0
    assert _caret_text(format_text(d)) == "[x](#)"


def test_many_problems_on_one_line_keep_the_cache_small(tmp_path: Path) -> None:
    episodes = tmp_path / "episodes"
    episodes.mkdir()
    source = (Path(__file__).parent / "fixtures" / "site" / "episodes" / "001.md").read_text(
        encoding="utf-8")
    (episodes / "001.md").write_text(source + "\n" + LINK * 3000 + "\n", encoding="utf-8")
    result = run_talkgen("build", "--no-search", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "3000 in all" in result.stderr
    cache = sum(f.stat().st_size for f in (tmp_path / ".talkgen-cache").iterdir())
    # 3000 warnings of ~0.3 KB each; a copy of the 21 KB line in each would be 63 MB.
    assert cache < 3 * 1024 * 1024

"""`talkgen import` of Markdown notes: episodes that pass check, and nothing is lost.

The PDF and Word archive is tested in test_import_archive.py, the readers in
test_import_readers.py.
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import re
import shutil
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from markdown_it import MarkdownIt

from talkgen.content.sections import SECTION_KINDS, normalize_title, parse_question
from talkgen.diagnostics import RULES

from .conftest import FIXTURES, SAMPLE, SHARED_SAMPLE, run_talkgen

LEGACY = sorted((FIXTURES / "legacy").glob("*.md"))
ALL_NOTES = [SAMPLE, *LEGACY]

# -- the "nothing lost" helper --------------------------------------------------

# 【label】 lines that may become front matter instead of text (their values are asserted
# separately); every other line must still be there.
FRONT_MATTER_LABEL = re.compile(
    r"^\s*【(时间|日期|主持人|主持|本期提要|提要|贡献者|本期贡献者|具体内容贡献者|本期主题|本周主题|"
    r"主题|编号|date|host|summary|contributors|topics?|number)】", re.IGNORECASE)
EMPTY_ANSWER = re.compile(r"^\s*(A\d*|答)\s*[:：]\s*$", re.IGNORECASE)  # carries no text
DECORATION = re.compile(r"(-optional|[（(](可选|optional)[)）]|[:：])$", re.IGNORECASE)
STRUCTURE = {normalize_title(n) for k in SECTION_KINDS for n in (k.title, *k.aliases)} | {
    "序章", "preface"}


def _source_lines(path: Path) -> list[str]:
    return codecs.decode(path.read_bytes(), "utf-8-sig").replace("\r\n", "\n").split("\n")


def _squeeze(text: str) -> str:
    """Compare text ignoring whitespace, heading markers and a trailing colon."""
    return re.sub(r"\s+", "", re.sub(r"^\s*#{1,6}\s+", "", text)).rstrip(":：")


def _structural(line: str) -> bool:
    """A heading the importer turns into structure: a section or the preface."""
    m = re.match(r"^\s*#{1,6}\s+(.*)$", line)
    return bool(m) and normalize_title(DECORATION.sub("", m.group(1).strip())) in STRUCTURE


def _text_of_html(html: str) -> str:
    class Text(HTMLParser):
        parts: list[str] = []

        def handle_data(self, data: str) -> None:
            self.parts.append(data)

    parser = Text()
    parser.parts = []
    parser.feed(html)
    return "".join(parser.parts)


def lost_content(notes: Path, episode: str, page_html: str) -> list[str]:
    """What of the legacy notes is missing: lines from the episode file, sentences from the page.

    A line of the notes (ignoring whitespace and heading markers) must appear as a line of
    the episode, as often as in the notes, except: the title (it must be in the front
    matter), section and preface headings, 【label】 lines that became front matter, and an
    empty answer marker ("A7："). Every sentence of the notes as a reader sees them (rendered
    by a plain CommonMark parser) must appear in the text of the built page.
    """
    lines = _source_lines(notes)
    have = Counter(_squeeze(line) for line in episode.split("\n"))
    front = _squeeze(episode.split("\n---\n")[0])
    title = next((line for line in lines if line.strip()), "")
    lost, readable = [], []
    for line in lines:
        key = _squeeze(line)
        if not key:
            readable.append("")
            continue
        if re.fullmatch(r"[=-]+", key) or EMPTY_ANSWER.match(line) or _structural(line):
            continue
        if line is title and key in front:
            continue
        if FRONT_MATTER_LABEL.match(line) and have[key] == 0:
            continue
        readable.append(line)
        if have[key] == 0:
            lost.append(f"line: {line.strip()}")
        have[key] -= 1
    shown = _text_of_html(MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(
        "\n".join(readable)))
    page = re.sub(r"\s+", "", _text_of_html(page_html))
    for sentence in re.split(r"(?<=[。！？!?])|\n", shown):
        if _squeeze(sentence) not in page \
                and any(_squeeze(piece) not in page for piece in _as_shown(sentence)):
            lost.append(f"sentence: {sentence.strip()}")
    return lost


_QUESTION_START = re.compile(r"^\s*(Q\d*)\s*[:：]\s*(.*)$", re.S)
_ASKER_SUFFIX = re.compile(r"^(.*?)\s*(?:--|——|—)\s*([^-—]+?)\s*$", re.S)


def _as_shown(sentence: str) -> list[str]:
    """The pieces of a sentence the page must show when it is drawn, not printed: a Free Talk
    question is a block (label, text, asker linked: "Q1：text --name" shows "Q1", "text" and
    "name"), and `$…$` is MathML whose TeX source is kept as its annotation."""
    match = _QUESTION_START.match(sentence)
    pieces = [match.group(1), match.group(2)] if match else [sentence]
    asked = _ASKER_SUFFIX.match(pieces[-1])
    if asked:
        pieces[-1:] = [asked.group(1), asked.group(2)]
    return [p for piece in pieces for p in piece.split("$") if p.strip()]


# -- helpers ----------------------------------------------------------------------


def imported(notes: Path, site: Path, *args: str) -> tuple[str, list[str], str]:
    """Import `notes` into the site; return the episode text, the warning codes and stderr."""
    result = run_talkgen("import", str(notes), *args, cwd=site)
    assert result.returncode == 0, result.stderr
    written = sorted((site / "episodes").glob("*.md"))
    assert len(written) == 1
    codes = re.findall(r"warning\[(W\d+)\]", result.stderr)
    return written[0].read_text(encoding="utf-8"), codes, result.stderr


def front_matter(text: str) -> dict[str, object]:
    data = yaml.safe_load(text.split("\n---\n")[0].removeprefix("---\n"))
    assert isinstance(data, dict)
    return data


def headings(text: str, level: int) -> list[tuple[str, bool]]:
    """(text, followed by a heading or the end) of the top-level headings of one level."""
    tokens = MarkdownIt("commonmark").parse(text.split("\n---\n", 1)[1])
    tops = [i for i, t in enumerate(tokens) if t.level == 0 and t.nesting >= 0]
    out = []
    for n, i in enumerate(tops):
        if tokens[i].type == "heading_open" and tokens[i].tag == f"h{level}":
            after = tokens[tops[n + 1]] if n + 1 < len(tops) else None
            out.append((tokens[i + 1].content, after is None or after.type == "heading_open"))
    return out


def questions(text: str) -> list[tuple[str, str, str | None, bool]]:
    """(label, text, asker, open) for every `### Q…` heading of the episode."""
    out = []
    for heading, is_open in headings(text, 3):
        parsed = parse_question(heading)
        if parsed:
            out.append((parsed.label, parsed.text, parsed.asker, is_open))
    return out


def check_codes(site: Path) -> list[str]:
    result = run_talkgen("check", "--format", "json", cwd=site)
    return [d["code"] for d in json.loads(result.stdout)]


# -- the sample -----------------------------------------------------------------------


def test_sample_imports_with_its_metadata(tmp_path: Path) -> None:
    text, _, _ = imported(SAMPLE, tmp_path)
    meta = front_matter(text)
    assert (meta["number"], meta["date"], meta["time"], meta["host"]) == (
        1, dt.date(2023, 6, 17), "22:00", "羡鱼")
    assert meta["title"] == "OpenLLM Talk 001：OpenAI 上新；Falcon；百川 7B"
    assert meta["topics"] == ["OpenAI 上新", "Falcon", "百川 7B", "MusicGen", "safetensors",
                              "State of GPT", "C-eval", "DeepSpeed PPO 实现", "Lora 融合",
                              "LLaMA 中文能力强化", "低显存显卡训练 LLM", "记忆机制", "中文 RLHF 数据"]
    assert meta["sections"] == {
        "news": {"contributors": ["yuhan", "羡鱼"]},
        "recommendations": {"contributors": ["羡鱼"], "topics": ["State of GPT"]},
        "classics": {"contributors": ["羡鱼"], "topics": ["位置编码"]},
        "practice": {"contributors": ["yuhan"]},
        "free_talk": {"contributors": ["羡鱼"]},
    }
    assert "contributors" not in meta  # 【具体内容贡献者】 is a sentence, not names
    assert [h for h, _ in headings(text, 2)] == ["本周新闻", "本周推荐", "本周经典", "本周实践", "Free Talk"]
    assert [c for c in check_codes(tmp_path) if c.startswith("E")] == []


def test_sample_has_nine_questions_with_their_askers(tmp_path: Path) -> None:
    text, _, _ = imported(SAMPLE, tmp_path)
    found = questions(text)
    assert [q[0] for q in found] == [f"Q{n}" for n in range(1, 10)]
    assert {q[0]: q[2] for q in found if q[2]} == {
        "Q1": "上期遗留", "Q3": "初七", "Q4": "yuhan", "Q6": "初七"}
    assert [q[0] for q in found if q[3]] == ["Q7"]  # "A7：" with nothing after it: open
    assert found[6][1] == r"chatgpt 是用 logit\_bias 限制输出的吗？"


def test_sample_warns_about_its_number_conflict_and_its_chat_log(tmp_path: Path) -> None:
    _, codes, stderr = imported(SAMPLE, tmp_path)
    assert ":11:1: warning[W050]: the title says 001 but 【编号】 says 000; " \
        "using 001 from the title" in stderr
    kept = re.findall(r":(\d+):1: warning\[W051\]: (.*?) after", stderr)
    assert kept == [("245", '"型，是我接下来考虑的方向。…"'), ("257", '"聊天区："'),
                    ("297", '"参考资料"')]
    assert Counter(codes) == Counter({"W050": 1, "W051": 3, "W052": 7, "W054": 5})


# -- every legacy file -----------------------------------------------------------------


@pytest.mark.parametrize("notes", ALL_NOTES, ids=[p.stem for p in ALL_NOTES])
def test_notes_import_pass_check_and_lose_nothing(notes: Path, tmp_path: Path) -> None:
    text, _, _ = imported(notes, tmp_path)
    assert [c for c in check_codes(tmp_path) if c.startswith("E")] == []
    assert run_talkgen("build", "--no-search", cwd=tmp_path).returncode == 0
    number = front_matter(text)["number"]
    page = (tmp_path / "_site" / "episodes" / f"{number:03d}" / "index.html").read_text(
        encoding="utf-8")
    assert lost_content(notes, text, page) == []


def test_the_helper_notices_a_lost_line_and_a_lost_sentence() -> None:
    notes = FIXTURES / "legacy" / "002-sections-missing.md"
    lost = lost_content(notes, "---\nnumber: 2\n---\n## 本周新闻\n", "<p>nothing</p>")
    assert "line: - vLLM 开源：PagedAttention 让推理吞吐提升一个数量级。" in lost
    assert "sentence: A1：看部署环境；vLLM 吞吐更高，TGI 和 Hugging Face 生态结合更紧。" in lost


EXPECTED = {
    "002-sections-missing": dict(
        number=2, date="2023-06-24", time=None, host="羡鱼",
        sections=["本周新闻", "本周推荐", "自由讨论"], questions=3, open=["Q3"],
        askers={"Q1": "初七"}, warnings={"W053"}),
    "003-english-headings": dict(
        number=3, date="2023-07-01", time=None, host=["Alice", "Bob"],
        sections=["News", "Recommendations", "Classics", "Free Talk"], questions=0, open=[],
        askers={}, warnings=set()),
    "004-crlf-bom": dict(
        number=4, date="2023-07-08", time="21:30", host="初七",
        sections=["本周新闻", "本周推荐", "本周实践", "Free Talk"], questions=3, open=["Q2"],
        askers={"Q": "羡鱼", "Q3": "yuhan"}, warnings={"W054"}),
    "005-code-and-order": dict(
        number=5, date="2023-07-15", time="22:00", host="羡鱼",
        sections=["本周新闻", "本周推荐", "本周经典", "本周实践", "Free Talk"], questions=0,
        open=[], askers={}, warnings={"W052", "W054", "W055"}),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_imports_as_expected(name: str, tmp_path: Path) -> None:
    want = EXPECTED[name]
    text, codes, _ = imported(FIXTURES / "legacy" / f"{name}.md", tmp_path)
    meta = front_matter(text)
    assert (meta["number"], str(meta["date"]), meta.get("time"), meta["host"]) == (
        want["number"], want["date"], want["time"], want["host"])
    assert [h for h, _ in headings(text, 2)] == want["sections"]
    found = questions(text)
    assert len(found) == want["questions"]
    assert [q[0] for q in found if q[3]] == want["open"]
    assert {q[0]: q[2] for q in found if q[2]} == want["askers"]
    assert set(codes) == want["warnings"]


def test_fixtures_have_the_variations_they_claim() -> None:
    raw = (FIXTURES / "legacy" / "004-crlf-bom.md").read_bytes()
    assert raw.startswith(codecs.BOM_UTF8) and b"\r\n" in raw and b"\n" not in raw.replace(
        b"\r\n", b"")


@pytest.mark.parametrize("name", ["003-english-headings", "005-code-and-order"])
def test_hash_lines_in_code_stay_code(name: str, tmp_path: Path) -> None:
    text, _, _ = imported(FIXTURES / "legacy" / f"{name}.md", tmp_path)
    source = (FIXTURES / "legacy" / f"{name}.md").read_text(encoding="utf-8")
    fence = re.search(r"```.*?\n(.*?)```", source, re.DOTALL)
    assert fence and fence.group(1) in text
    code_lines = [line for line in fence.group(1).split("\n") if line.startswith("#")]
    assert code_lines and all(f"#{line}" not in text for line in code_lines)


# -- options and refusals --------------------------------------------------------------


def test_never_overwrites_an_episode(tmp_path: Path) -> None:
    (tmp_path / "episodes").mkdir()
    (tmp_path / "episodes" / "001.md").write_text("mine\n", encoding="utf-8")
    result = run_talkgen("import", str(SAMPLE), cwd=tmp_path)
    assert result.returncode == 1
    assert "error[E050]: episodes/001.md already exists" in result.stderr
    assert "nothing was written" in result.stderr
    assert (tmp_path / "episodes" / "001.md").read_text(encoding="utf-8") == "mine\n"


def test_dry_run_prints_the_episode_and_writes_nothing(tmp_path: Path) -> None:
    result = run_talkgen("import", "--dry-run", str(SAMPLE), cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("---\nnumber: 1\n") and "### Q9：" in result.stdout
    assert not (tmp_path / "episodes").exists()


def test_number_option_picks_one_of_the_notes_numbers(tmp_path: Path) -> None:
    _, codes, _ = imported(SAMPLE, tmp_path, "--number", "0")
    assert (tmp_path / "episodes" / "000.md").is_file() and "W050" not in codes


def test_another_number_needs_force(tmp_path: Path) -> None:
    refused = run_talkgen("import", str(SAMPLE), "--number", "7", cwd=tmp_path)
    assert refused.returncode == 1
    assert "error[E054]: --number 7 but the title says 001" in refused.stderr
    assert not (tmp_path / "episodes").exists()
    text, _, _ = imported(SAMPLE, tmp_path, "--number", "7", "--force-number")
    assert front_matter(text)["number"] == 7 and (tmp_path / "episodes" / "007.md").is_file()


@pytest.mark.parametrize("args", [("--force-number",), ("--number", "3", "x.md")])
def test_option_misuse_is_a_usage_error(args: tuple[str, ...], tmp_path: Path) -> None:
    result = run_talkgen("import", str(SAMPLE), *args, cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_several_files_import_in_one_run(tmp_path: Path) -> None:
    files = [str(FIXTURES / "legacy" / f"{n}.md") for n in ("002-sections-missing", "004-crlf-bom")]
    result = run_talkgen("import", *files, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "episodes").iterdir()) == ["002.md", "004.md"]


def test_two_notes_with_one_number_write_the_first_only(tmp_path: Path) -> None:
    copy = tmp_path / "again.md"
    shutil.copy(SAMPLE, copy)
    result = run_talkgen("import", str(SAMPLE), str(copy), cwd=tmp_path)
    assert result.returncode == 1 and "error[E050]" in result.stderr
    assert "again.md: error[E050]" in result.stderr
    assert [p.name for p in (tmp_path / "episodes").iterdir()] == ["001.md"]


def test_one_bad_file_does_not_stop_the_others(tmp_path: Path) -> None:
    (tmp_path / "bad.md").write_text(BROKEN["E053"], encoding="utf-8")
    good = str(FIXTURES / "legacy" / "002-sections-missing.md")
    result = run_talkgen("import", "bad.md", good, cwd=tmp_path)
    assert result.returncode == 1 and "bad.md: error[E053]" in result.stderr
    assert [p.name for p in (tmp_path / "episodes").iterdir()] == ["002.md"]


BROKEN = {
    "E051": "## 某次分享\n\n【时间】：2023-06-17\n\n【主持人】：羡鱼\n",
    "E052": "## OpenLLM Talk 009\n\n【时间】：下周六\n\n【主持人】：羡鱼\n",
    "E053": "## OpenLLM Talk 009\n\n【时间】：2023-06-17\n",
    "E055": "---\nnumber: 9\n---\n## OpenLLM Talk 009\n",
    "E056": "## OpenLLM Talk 009\n\n【时间】：2023-06-17\n\n【主持人】：羡鱼\n\n"
            "【本期提要】：" + "很长的话题" * 50 + "\n",
}


@pytest.mark.parametrize("code", sorted(BROKEN))
def test_notes_that_cannot_be_imported_say_why(code: str, tmp_path: Path) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text(BROKEN[code], encoding="utf-8")
    result = run_talkgen("import", "notes.md", cwd=tmp_path)
    assert result.returncode == 1 and f"error[{code}]" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "episodes").exists()


def test_every_import_code_is_tested_here() -> None:
    here = "".join(Path(__file__).with_name(n).read_text(encoding="utf-8") for n in (
        "test_legacy.py", "test_import_archive.py", "test_import_readers.py",
        "test_import_formats.py"))
    for rule in RULES:
        if rule.code[1:3] == "05":
            assert rule.code in here, rule.code


def test_import_has_help(tmp_path: Path) -> None:
    result = run_talkgen("import", "--help", cwd=tmp_path)
    assert result.returncode == 0 and "--root" in result.stdout and "--dry-run" in result.stdout


def test_an_unclosed_code_fence_is_closed_before_what_the_importer_adds(tmp_path: Path) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("# Talk 8\n\n【时间】：2023-08-05\n\n【主持人】：羡鱼\n\n## 本周新闻\n\n"
                     "```\n# 代码里的注释\n## Free Talk\n", encoding="utf-8")
    text, codes, _ = imported(notes, tmp_path)
    assert text.endswith("```\n# 代码里的注释\n## Free Talk\n```\n\n## 本周推荐\n\n## Free Talk\n")
    assert codes == ["W053", "W053"]
    assert [c for c in check_codes(tmp_path) if c.startswith("E")] == []


def test_the_sample_copy_is_the_communitys_sample() -> None:
    if not SHARED_SAMPLE.exists():
        pytest.skip("shared/ is not beside the repository")
    assert SAMPLE.read_bytes() == SHARED_SAMPLE.read_bytes()

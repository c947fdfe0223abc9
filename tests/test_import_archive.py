"""The community's real archive (PDF and Word, tests/fixtures/openllm-archive/, Apache-2.0):
one `talkgen import` command, then check and build pass; per file, the values read by hand
from the documents; nothing of the documents' text is lost on the built pages."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
import yaml

from .conftest import FIXTURES, REPO, run_talkgen

ARCHIVE = FIXTURES / "openllm-archive"
FILES = sorted([*ARCHIVE.glob("*.pdf"), *ARCHIVE.glob("*.docx")])
COMMAND = ("import", "--host", "羡鱼", "--date", "2024-01-06")  # for the notes that give none

# number → (date, host, video, editors, first questions), read from the documents themselves
EXPECTED: dict[int, tuple[str, object, str | None, list[str] | None, list[str]]] = {
    0: ("2023-06-10", "羡鱼", None, None, ["falcon 相比 llama 有何特殊之处？",
                                           "掩码的左右问题，为啥分左右，区别是啥？"]),
    1: ("2023-06-17", "羡鱼", None, None, [
        "现在语言模型中有使用用 LoRA 作为风格的案例吗？目前了解到的 LoRA 在语言模型中主要是用于优化。",
        "目前各种模型真有 llama 强吗？"]),
    2: ("2023-07-01", "羡鱼", None, None, ["目前有哪些比较好用的推理框架？", "RoPE 的外推性？"]),
    5: ("2023-07-22", "羡鱼", "https://www.bilibili.com/video/BV1vM4y1s7vr/", ["羡鱼"], []),
    9: ("2023-08-19", ["hope", "羡鱼"], None, ["羡鱼"], []),
    12: ("2023-09-09", ["Hope", "羡鱼"], None, ["羡鱼"],
         ["baichuan2 放出的中间 checkpoint 可以做什么"]),
    15: ("2023-10-14", "羡鱼", None, None, ["LLM评估方式？", "大家对rumor detection怎么看？"]),
    16: ("2024-01-06", "羡鱼", None, None, []),
}
pytestmark = pytest.mark.xdist_group("archive")  # one worker imports the archive once

QUESTIONS = {0: 7, 1: 9, 2: 10, 5: 17, 9: 3, 12: 2, 15: 4, 16: 0}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("archive")
    result = run_talkgen(*COMMAND, *map(str, FILES), cwd=root)
    assert result.returncode == 0, result.stderr
    assert run_talkgen("check", cwd=root).returncode == 0
    assert run_talkgen("build", "--no-search", cwd=root).returncode == 0
    return root


def _episode(site: Path, number: int) -> tuple[dict[str, object], str]:
    text = (site / "episodes" / f"{number:03d}.md").read_text(encoding="utf-8")
    meta = yaml.safe_load(text.split("\n---\n")[0].removeprefix("---\n"))
    return meta, text


def test_one_command_imports_every_episode(site: Path) -> None:
    assert sorted(p.name for p in (site / "episodes").glob("*.md")) == [
        f"{n:03d}.md" for n in sorted(EXPECTED)]


@pytest.mark.parametrize("number", sorted(EXPECTED))
def test_episode_has_the_documents_values(site: Path, number: int) -> None:
    date, host, video, editors, first = EXPECTED[number]
    meta, text = _episode(site, number)
    assert (str(meta["date"]), meta["host"]) == (date, host)
    assert (str(meta.get("video") or "") or None) is None if video is None else \
        str(meta["video"]).startswith(video)
    assert meta.get("editors") == editors
    questions = re.findall(r"^### Q\d*[:：]\s*(.*?)(?: --.*)?$", text, re.MULTILINE)
    assert len(questions) == QUESTIONS[number]
    assert questions[: len(first)] == first
    sections = re.findall(r"^## (.*)$", text, re.MULTILINE)
    assert sections[0] == "本周新闻" and sections[-1] == "Free Talk"


def test_special_episode_keeps_its_name_as_label(site: Path) -> None:
    meta, _ = _episode(site, 16)
    assert meta["label"] == "番外02" and "番外02" in str(meta["title"])


def test_the_pdf_and_word_of_one_episode_are_read_once(tmp_path: Path) -> None:
    pair = [str(ARCHIVE / "OpenLLM Talk 015.pdf"), str(ARCHIVE / "OpenLLM Talk 015.docx")]
    result = run_talkgen("import", "--host", "羡鱼", *pair, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "warning[W057]" in result.stderr and "warning[W056]" in result.stderr


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


READ = [p.name for p in FILES if p.name not in ("OpenLLM Talk 015.pdf", "OpenLLM Talk 番外02.pdf")]


@pytest.mark.parametrize("name", READ)
def test_nothing_of_the_document_is_lost(site: Path, name: str) -> None:
    """Every line of the document's text (by pdfminer / python-docx) is on the built page,
    except the 【label】 lines that became front matter and list numbers (now <ol>)."""
    number = 16 if "番外" in name else int(re.search(r"\d+", name).group(0))  # type: ignore[union-attr]
    page = (site / "_site" / "episodes" / f"{number:03d}" / "index.html").read_text("utf-8")
    shown = _squeeze(html.unescape(re.sub(r"<[^>]+>", "", page)))
    meta, _ = _episode(site, number)
    path = ARCHIVE / name
    if path.suffix == ".pdf":
        from pdfminer.high_level import extract_text
        lines = extract_text(str(path)).split("\n")
    else:
        import docx
        lines = [p.text for p in docx.Document(str(path)).paragraphs]
    lost = []
    front = _squeeze(yaml.safe_dump(meta, allow_unicode=True))
    for line in lines:
        key = _squeeze(re.sub(r"^\s*(?:\d+\s*[.、)）]|[\uf000-\uf0ff•])", "", line)).rstrip(":：")
        key = re.sub(r"-optional$", "", key)  # section headings lose the template's mark
        # a question's label, text and asker are shown apart; each piece must be there
        pieces = [p for p in re.split(r"^Q\d*[:：]|--|——|—", key) if p]
        if not key or all(p in shown for p in pieces) or \
                re.match(r"^【[^】]+】", key) and key.split("：")[-1] in front:
            continue
        if re.match(r"^【(时间|主持人|本期提要|编辑|talk视频|编号|贡献者|本期主题|本周主题)】", key):
            continue
        lost.append(line)
    assert lost == []


def test_repository_episodes_are_the_archive_import(site: Path) -> None:
    """episodes/ of this repository is the one command above, unedited."""
    for number in EXPECTED:
        ours = (REPO / "episodes" / f"{number:03d}.md").read_text(encoding="utf-8")
        assert ours == _episode(site, number)[1]

"""`talkgen import` on the shapes the archive uses, written as small Markdown notes: numbered
questions with 答：, pandoc's title block, notices, empty headings, boilerplate after Free
Talk, special episodes, --host/--date, the dry-run table, init's placeholder episode.
Run in-process (cli.main), since no subprocess behaviour is under test here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from talkgen.cli import main

from .conftest import FIXTURES

HEAD = "# OpenLLM Talk 021\n\n【时间】：20231125 晚上八点\n\n【主持人】：羡鱼\n\n"
SECTIONS = "## 本周新闻\n\n新闻。\n\n## 本周推荐\n\n推荐。\n\n"


def _import(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, *args: str,
            name: str = "notes.md") -> tuple[int, str, str]:
    (tmp_path / name).write_text(text, encoding="utf-8")
    code = main(["import", "--root", str(tmp_path), str(tmp_path / name), *args])
    out = capsys.readouterr()
    written = sorted((tmp_path / "episodes").glob("*.md")) if (tmp_path / "episodes").exists() \
        else []
    return code, written[0].read_text(encoding="utf-8") if written else "", out.err


def test_numbered_questions_with_answers_become_questions(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    talk = ("## Free Talk\n\n1. LLM 评估方式？\n\n答：\n\n- 人工\n- 线上 AB\n\n"
            "2. 长度外推怎么做？--初七\n\n回答：看 RoPE。\n\n1. 先插值\n2. 再微调\n\n"
            "3. 没有回答的问题\n\n4.\n")
    code, text, err = _import(tmp_path, capsys, HEAD + SECTIONS + talk)
    assert code == 0, err
    questions = re.findall(r"^### (Q\d+：.*)$", text, re.MULTILINE)
    assert questions == ["Q1：LLM 评估方式？", "Q2：长度外推怎么做？ --初七", "Q3：没有回答的问题"]
    assert "1. 先插值\n2. 再微调" in text  # a list inside an answer stays a list
    assert text.rstrip().endswith("### Q3：没有回答的问题")  # the empty `4.` is dropped


def test_q_paragraphs_keep_their_labels_and_lists_stay_in_answers(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    talk = "## Free Talk\n\nQ1：falcon 有何特殊之处？—羡鱼\n\nA1：\n\n1. 数据\n2. 架构\n"
    code, text, err = _import(tmp_path, capsys, HEAD + SECTIONS + talk)
    assert code == 0, err
    assert "### Q1：falcon 有何特殊之处？ --羡鱼" in text and "1. 数据\n2. 架构" in text


def test_pandoc_title_block_is_the_title_and_notice_never_is(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notes = ("---\ntitle: OpenLLM Talk 022\n---\n\n## 注意事项\n\n请保护好自己的马甲。\n\n"
             "【时间】：2023-12-02\n\n【主持人】：羡鱼\\_\n\n" + SECTIONS + "## Free Talk\n")
    code, text, err = _import(tmp_path, capsys, notes)
    assert code == 0, err
    assert "number: 22\n" in text and 'title: "OpenLLM Talk 022"' in text
    assert "host: 羡鱼_\n" in text  # the Markdown escape is not part of the name
    assert "注意事项" in text.split("---\n", 2)[2]


def test_preface_heading_is_kept_and_empty_headings_dropped(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notes = HEAD + "## 序章\n\n缘起。\n\n### \n\n" + SECTIONS + "## Free Talk\n"
    code, text, err = _import(tmp_path, capsys, notes)
    assert code == 0, err
    assert "### 序章\n\n缘起。" in text and not re.search(r"^#+\s*$", text, re.MULTILINE)


def test_boilerplate_after_free_talk_is_an_appendix_with_a_warning(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notes = HEAD + SECTIONS + "## Free Talk\n\nQ1：问题？\n\nA1：回答。\n\n## 后续计划\n\n蹲算力！\n"
    code, text, err = _import(tmp_path, capsys, notes)
    assert code == 0, err
    assert "warning[W051]" in err and "### 后续计划\n\n蹲算力！" in text


def test_label_values_continue_on_the_next_lines(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notes = HEAD.replace("【主持人】", "【本期提要】：RoPE；DPO；\n长度外推；MOE；\n\n【主持人】") + \
        "【编辑】：初七\n\n【talk 视频】：https://www.bilibili.com/video/BV1x\n\n" + SECTIONS + \
        "## Free Talk\n"
    code, text, err = _import(tmp_path, capsys, notes)
    assert code == 0, err
    assert "  - 长度外推\n  - MOE\n" in text
    assert "editors: [初七]\n" in text and 'video: "https://www.bilibili.com/video/BV1x"' in text


def test_host_and_date_options_fill_only_what_is_missing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notes = "# OpenLLM Talk 023\n\n【主持人】：（后续每期由大家自行认领）\n\n" + SECTIONS
    code, text, err = _import(tmp_path, capsys, notes, "--host", "初七", "--date", "2023-12-09")
    assert code == 0, err
    assert "host: 初七\n" in text and "date: 2023-12-09\n" in text
    assert err.count("warning[W056]") == 2


def test_number_from_the_file_name_and_a_disagreeing_source_warns(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notes = "【编号】：OpenLLM Talk 000\n\n【时间】：2023-12-16\n\n【主持人】：羡鱼\n\n" + SECTIONS
    code, text, err = _import(tmp_path, capsys, notes, name="OpenLLM Talk 024 .md")
    assert code == 0, err
    assert "number: 24\n" in text
    assert "the file name says 024 but 【编号】 says 000" in err


def test_special_episode_takes_the_next_free_number(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "episodes").mkdir()
    (tmp_path / "episodes" / "007.md").write_text("mine\n", encoding="utf-8")
    notes = "# 【OpenLLM Talk】番外 02：一些想法\n\n正文。\n"
    code, _, err = _import(tmp_path, capsys, notes, "--host", "羡鱼", "--date", "2024-01-06",
                           name="OpenLLM Talk 番外02.md")
    assert code == 0, err
    text = (tmp_path / "episodes" / "008.md").read_text(encoding="utf-8")
    assert "warning[W058]" in err and "label: 番外02\n" in text and "number: 8\n" in text


def test_dry_run_of_several_files_prints_a_table(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = [str(FIXTURES / "legacy" / f"{n}.md") for n in ("002-sections-missing", "004-crlf-bom")]
    code = main(["import", "--root", str(tmp_path), "--dry-run", *files])
    out = capsys.readouterr().out.splitlines()
    assert code == 0 and out[0].split() == ["file", "number", "date", "host", "sections",
                                            "questions", "warnings"]
    assert out[1].split()[:4] == ["002-sections-missing.md", "002", "2023-06-24", "羡鱼"]
    assert not (tmp_path / "episodes").exists()


def test_import_replaces_the_untouched_placeholder_of_init(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", str(tmp_path)]) == 0
    notes = HEAD.replace("021", "001") + SECTIONS + "## Free Talk\n"
    code, text, err = _import(tmp_path, capsys, notes)
    assert code == 0, err
    assert "host: 羡鱼" in text


def test_import_never_replaces_an_edited_placeholder(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", str(tmp_path)]) == 0
    episode = tmp_path / "episodes" / "001.md"
    episode.write_text(episode.read_text(encoding="utf-8") + "我的笔记\n", encoding="utf-8")
    code, _, err = _import(tmp_path, capsys, HEAD.replace("021", "001") + SECTIONS)
    assert code == 1 and "error[E050]" in err
    assert episode.read_text(encoding="utf-8").endswith("我的笔记\n")


def test_a_template_label_under_the_wrong_heading_names_the_section(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notes = HEAD + ("## 本周推荐\n\n【本周新闻】：LLM/AI news\n\n新闻。\n\n"
                    "## 本周推荐\n\n【本周推荐】：本周重点内容推荐\n\n推荐。\n\n## Free Talk\n")
    code, text, err = _import(tmp_path, capsys, notes)
    assert code == 0, err
    assert re.findall(r"^## (.*)$", text, re.MULTILINE) == ["本周新闻", "本周推荐", "Free Talk"]
    assert "warning[W059]" in err and "warning[W052]" not in err

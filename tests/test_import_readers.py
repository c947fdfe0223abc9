"""The PDF and Word readers on small documents made here, and on hostile files: each bad
file is one E057 diagnostic, quickly, with nothing written."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import docx
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from talkgen.importer.docx import read_docx
from talkgen.importer.markup import join
from talkgen.importer.pdf import read_pdf

from .conftest import run_talkgen


def _pdf(pages: list[list[tuple[float, str, int, str]]], **options: object) -> bytes:
    """pages of (y, font, size, text) lines."""
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4, **options)  # type: ignore[arg-type]
    for page in pages:
        for y, font, size, text in page:
            c.setFont(font, size)
            c.drawString(72, y, text)
        c.showPage()
    c.save()
    return out.getvalue()


def test_wrapped_lines_join_cjk_without_a_space_latin_with_one() -> None:
    assert join("一个", "平台") == "一个平台"
    assert join("large", "models") == "large models"
    assert join("https://example.com/a", "b/c") == "https://example.com/ab/c"


def test_pdf_headings_come_from_size_and_weight() -> None:
    data = _pdf([[(780, "Helvetica-Bold", 20, "Weekly Notes 007"),
                  (740, "Helvetica-Bold", 15, "News"),
                  (715, "Helvetica", 10, "A short paragraph of body text."),
                  (690, "Helvetica", 10, "1. first item"),
                  (40, "Helvetica", 9, "3")]])
    document = read_pdf(data, "x.pdf")
    assert document.title == "Weekly Notes 007"
    assert document.lines[0] == "# Weekly Notes 007"
    assert "## News" in document.lines
    assert "1. first item" in document.lines
    assert "3" not in document.lines  # a bare page number is dropped


def test_docx_structure_becomes_markdown() -> None:
    d = docx.Document()
    d.add_paragraph("Notes 008", style="Title")
    d.add_heading("本周新闻", level=1)
    p = d.add_paragraph("plain ")
    p.add_run("bold").bold = True
    d.add_paragraph("item", style="List Bullet")
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(1, 1).text = "a", "b|c"
    out = io.BytesIO()
    d.save(out)
    document = read_docx(out.getvalue(), "x.docx")
    assert document.title == "Notes 008"
    assert document.lines[0] == "# Notes 008" and "## 本周新闻" in document.lines
    assert "plain **bold**" in document.lines and "- item" in document.lines
    assert "| a |   |" in document.lines and "|   | b\\|c |" in document.lines


def _zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"\0" * (100 * 1024 * 1024))  # under the size limit
    return out.getvalue()


BAD = {
    "corrupt.pdf": lambda: b"%PDF-1.7\n" + b"garbage " * 500,
    "encrypted.pdf": lambda: _pdf([[(700, "Helvetica", 12, "secret")]],
                                  encrypt="user-password"),
    "scanned.pdf": lambda: _pdf([[]]),
    "long.pdf": lambda: _pdf([[(700, "Helvetica", 12, f"page {n}")] for n in range(200)]),
    "notzip.docx": lambda: b"this is not a zip file",
    "bomb.docx": _zip_bomb,
}
REASON = {"corrupt.pdf": "cannot be read", "encrypted.pdf": "encrypted",
          "scanned.pdf": "no text layer", "long.pdf": "200 pages",
          "notzip.docx": "not a Word document", "bomb.docx": "zip bomb"}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_is_one_diagnostic_quickly(name: str, tmp_path: Path) -> None:
    (tmp_path / name).write_bytes(BAD[name]())
    started = time.monotonic()
    result = run_talkgen("import", name, "--host", "x", "--date", "2024-01-01", cwd=tmp_path)
    assert time.monotonic() - started < 20
    errors = [line for line in result.stderr.splitlines() if "error[" in line]
    assert result.returncode == 1 and len(errors) == 1 and "error[E057]" in errors[0]
    assert REASON[name] in errors[0], errors[0]
    assert "Traceback" not in result.stderr and not (tmp_path / "episodes").exists()


def test_document_text_is_data_not_markup() -> None:
    from talkgen.content.markdown import parser

    d = docx.Document()
    d.add_paragraph('<img src=x onerror="alert(1)"> *not emphasis* # not a heading [x](javascript:y)')
    d.add_paragraph("# 也不是标题")
    out = io.BytesIO()
    d.save(out)
    document = read_docx(out.getvalue(), "x.docx")
    html = parser().render("\n".join(document.lines))
    assert "<img" not in html and "<em>" not in html and "<h1" not in html
    assert 'href="javascript' not in html
    assert "*not emphasis*" in html and "# 也不是标题" in html


def _cjk_pdf(pages: list[list[tuple[float, int, str]]], link: str = "") -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    for page in pages:
        c.setFont("Helvetica", 9)
        c.drawString(72, 800, "OpenLLM Wiki running header")
        for y, size, text in page:
            c.setFont("STSong-Light", size)
            c.drawString(72, y, text)
            if link and text.startswith("链接"):
                c.linkURL(link, (72, y - 2, 72 + size * len(text), y + size), relative=0)
        c.showPage()
    c.save()
    return out.getvalue()


def test_pdf_paragraph_continues_across_a_page_break_and_headers_are_dropped() -> None:
    full = "这是一段很长的中文正文用来填满整整一行的宽度直到右边距为止还要再多写几个字才够长的"
    data = _cjk_pdf([[(700, 12, "第一段短句。"), (60, 12, full)],
                     [(740, 12, "下一页继续的文字。"), (700, 12, "链接到项目主页")],
                     [(740, 12, "第三页。")]], link="https://example.com/project")
    lines = [line for line in read_pdf(data, "x.pdf").lines if line]
    assert not any("running header" in line for line in lines)
    assert full + "下一页继续的文字。" in lines
    assert "[链接到项目主页](https://example.com/project)" in lines


def test_pdf_and_docx_pictures_are_extracted() -> None:
    from reportlab.lib.utils import ImageReader

    from talkgen.importer.pdf_pages import _png

    png = _png(bytes([200, 30, 30] * 16 * 16), 16, 16, 3)
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    c.setFont("Helvetica", 12)
    c.drawString(72, 760, "A picture follows.")
    c.drawImage(ImageReader(io.BytesIO(png)), 72, 600, 64, 64)
    c.showPage()
    c.save()
    document = read_pdf(out.getvalue(), "x.pdf")
    assert len(document.images) == 1
    assert any(line.startswith("![](talkgen-image:") for line in document.lines)
    d = docx.Document()
    d.add_paragraph("before")
    d.add_picture(io.BytesIO(png))
    saved = io.BytesIO()
    d.save(saved)
    word = read_docx(saved.getvalue(), "x.docx")
    assert list(word.images.values()) == [png]


@pytest.mark.parametrize("module, name", [("pdfminer", "notes.pdf"), ("docx", "notes.docx")])
def test_without_the_extra_a_pdf_or_docx_is_one_error_naming_it(
        module: str, name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    import sys

    from talkgen.cli import main

    for loaded in [m for m in sys.modules if m == module or m.startswith(module + ".")]:
        monkeypatch.setitem(sys.modules, loaded, None)  # import now fails, as when not installed
    monkeypatch.setitem(sys.modules, module, None)
    (tmp_path / name).write_bytes(_pdf([[(700, "Helvetica", 12, "x")]]) if name.endswith("pdf")
                                  else _docx_bytes())
    code = main(["import", "--root", str(tmp_path), str(tmp_path / name)])
    err = capsys.readouterr().err
    assert code == 1 and err.count("error[E057]") == 1 and "talkgen[import]" in err, err


def _docx_bytes() -> bytes:
    d = docx.Document()
    d.add_paragraph("x")
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()

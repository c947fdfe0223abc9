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
    from talkgen.markdown import parser

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

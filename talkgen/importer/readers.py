"""One reader per format, chosen by the file's extension; all return a Document."""

from __future__ import annotations

from pathlib import Path

from ..diagnostics import Diagnostic, diagnostic
from .document import Document
from .md import read_md
from .pdf_pages import PdfError

EXTRA = "pip install 'talkgen[import]'"


def read_document(path: Path, source: str) -> tuple[Document | None, list[Diagnostic]]:
    try:
        data = path.read_bytes()
    except OSError as err:
        return None, [diagnostic("E001", f"cannot read the file: {err.strerror}", source)]
    suffix = path.suffix.lower()
    if suffix not in (".pdf", ".docx"):
        return read_md(data, source)
    try:
        if suffix == ".pdf":
            from .pdf import read_pdf

            return read_pdf(data, source), []
        from .docx import read_docx

        return read_docx(data, source), []
    except ModuleNotFoundError as err:
        return None, [diagnostic("E057", f"reading {suffix} files needs the {err.name} package",
                                 source, hint=EXTRA)]
    except PdfError as err:
        return None, [diagnostic("E057", str(err), source, hint=err.hint)]

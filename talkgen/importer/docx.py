"""Word (.docx) → Document, from the document's own structure.

The Title paragraph, heading styles and outline levels give the headings; the numbering
definitions give list markers (numbers that Word computes and never stores in the text);
runs give bold, italic and links; tables become GitHub tables; embedded pictures become
image links. The zip is checked before python-docx opens it, so a zip bomb costs nothing.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any

from . import markup
from .document import IMAGE_PREFIX, Document
from .pdf_pages import PdfError as ReadError  # one error type for every binary reader

MAX_BYTES = 64 * 1024 * 1024
MAX_UNPACKED = 256 * 1024 * 1024
MAX_MEMBERS = 5000
MAX_RATIO = 200  # a real .docx compresses XML ~10×; bombs compress ~1000×
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)


def read_docx(data: bytes, source: str) -> Document:
    """The document as Markdown; raises ReadError for files that cannot be read."""
    _check_zip(data)
    try:
        import docx
    except ImportError as err:  # pragma: no cover - the extra is installed in tests
        raise ReadError("reading Word files needs python-docx",
                        "pip install 'talkgen[import]'") from err
    try:
        document = docx.Document(io.BytesIO(data))
        return _Writer(document, source).document()
    except ReadError:
        raise
    except Exception as err:  # python-docx raises many types on broken packages
        raise ReadError(f"the Word file cannot be read ({type(err).__name__}: {str(err)[:80]})",
                        "open it in Word or LibreOffice and save it again as .docx") from err


def _check_zip(data: bytes) -> None:
    if len(data) > MAX_BYTES:
        raise ReadError(f"the file is {len(data) // 2**20} MB; the limit is {MAX_BYTES // 2**20} MB",
                        "save it again without large pictures")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ReadError("the file is not a Word document (.docx is a zip file; this is not)",
                        "save it from Word or LibreOffice as .docx; old .doc files are not read")
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except zipfile.BadZipFile as err:
        raise ReadError(f"the .docx is a broken zip file ({err})",
                        "save it again from Word or LibreOffice") from err
    unpacked = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members) or 1
    if len(members) > MAX_MEMBERS or unpacked > MAX_UNPACKED or unpacked / packed > MAX_RATIO:
        raise ReadError(f"the .docx would unpack to {unpacked // 2**20} MB in {len(members)} "
                        "files: refused as a zip bomb",
                        "save the document again from Word or LibreOffice")


class _Writer:
    """Walks the body in order and writes Markdown lines with their paragraph numbers."""

    def __init__(self, document: Any, source: str) -> None:
        self.doc, self.source = document, source
        self.lines: list[str] = []
        self.places: list[str] = []
        self.images: dict[str, bytes] = {}
        self.title = ""
        self.counters: dict[tuple[str, int], int] = {}
        self.formats = _numbering_formats(document)

    def document(self) -> Document:
        for n, element in enumerate(_blocks(self.doc.element.body), 1):
            if element.tag == f"{_W}p":
                self.add(self.paragraph(element), n)
            elif element.tag == f"{_W}tbl":
                self.add(markup.table([[self.inline(c) for c in row]
                                       for row in _rows(element)]), n)
        return Document(self.source, self.lines, self.title, tuple(self.places), self.images,
                        "docx")

    def add(self, lines: list[str], n: int) -> None:
        if not lines:
            return
        if self.lines:
            self.lines.append("")
            self.places.append(self.places[-1])
        self.lines.extend(lines)
        self.places.extend([f"paragraph {n}"] * len(lines))

    def paragraph(self, p: Any) -> list[str]:
        text = self.inline(p).strip()
        style = _style_name(self.doc, p)
        level = _heading_level(p, style)
        if level is not None:
            plain = markup.tidy(_plain(p))
            if not plain:
                return [text] if "![" in text else []
            if level == 1 and not self.title:
                self.title = plain
            return [f"{'#' * level} {markup.escape(plain)}"]
        marker = self.marker(p) or ("- " if style.casefold().startswith("list bullet") else "")
        if not text:
            return []
        if marker:
            return [marker + text]
        return [markup.list_item(text)]

    def marker(self, p: Any) -> str:
        """`3. ` or `- ` for a numbered paragraph, counting as Word does; '' for others."""
        num = p.find(f"{_W}pPr/{_W}numPr")
        if num is None:
            return ""
        num_id = _val(num.find(f"{_W}numId")) or ""
        level = int(_val(num.find(f"{_W}ilvl")) or 0)
        fmt, start = self.formats.get((num_id, level), ("bullet", 1))
        if num_id == "0":
            return ""
        if fmt in ("bullet", "none"):
            return "  " * level + "- "
        for key in [k for k in self.counters if k[0] == num_id and k[1] > level]:
            del self.counters[key]
        count = self.counters[(num_id, level)] = self.counters.get((num_id, level), start - 1) + 1
        return "   " * level + f"{count}. "

    def inline(self, element: Any) -> str:
        """The runs of a paragraph or table cell as Markdown: emphasis, links, pictures."""
        out = []
        merged: list[list[Any]] = []  # Word splits one bold phrase into many runs; join them
        for kind, value, bold, italic, target in _runs(element, self.doc):
            if kind == "text" and merged and merged[-1][0] == "text" and \
                    (merged[-1][2:] == [bold, italic, target] or not value.strip()):
                merged[-1][1] += value
            else:
                merged.append([kind, value, bold, italic, target])
        for kind, value, bold, italic, target in merged:
            if kind == "image":
                name = f"image-{len(self.images) + 1}{value[1]}"
                self.images[name] = value[0]
                out.append(f"![]({IMAGE_PREFIX}{name})")
                continue
            shown = markup.emphasis(markup.escape(value), bold, italic)
            out.append(markup.link(shown, target) if target else shown)
        return markup.tidy("".join(out)) if out else ""


def _blocks(body: Any) -> Iterator[Any]:
    """Paragraphs and tables in order, also those inside content controls (w:sdt)."""
    for element in body.iterchildren():
        if element.tag == f"{_W}sdt":
            content = element.find(f"{_W}sdtContent")
            if content is not None:
                yield from _blocks(content)
        else:
            yield element


def _runs(element: Any, doc: Any) -> Iterator[tuple[str, Any, bool, bool, str]]:
    """(kind, value, bold, italic, link) for every text run and picture, in order."""
    for child in element.iter(f"{_W}r"):
        link = ""
        parent = child.getparent()
        if parent is not None and parent.tag == f"{_W}hyperlink":
            rid = parent.get(f"{_R}id")
            rel = doc.part.rels.get(rid) if rid else None
            link = rel.target_ref if rel is not None and rel.is_external else ""
        props = child.find(f"{_W}rPr")
        bold = _on(props, "b")
        italic = _on(props, "i")
        text = []
        for part in child:
            if part.tag == f"{_W}t":
                text.append(part.text or "")
            elif part.tag in (f"{_W}tab",) or part.tag in (f"{_W}br", f"{_W}cr"):
                text.append(" ")
            elif part.tag == f"{_W}drawing":
                for blip in part.iter(f"{_A}blip"):
                    image = _image(doc, blip.get(f"{_R}embed"))
                    if image is not None:
                        yield "image", image, False, False, ""
        if text:
            yield "text", "".join(text), bold, italic, link


def _image(doc: Any, rid: str | None) -> tuple[bytes, str] | None:
    part = doc.part.related_parts.get(rid) if rid else None
    if part is None:
        return None
    ext = str(part.partname).rsplit(".", 1)[-1].lower()
    return (part.blob, f".{ext}") if ext in ("png", "jpg", "jpeg", "gif", "webp") else None


def _on(props: Any, name: str) -> bool:
    if props is None:
        return False
    found = props.find(f"{_W}{name}")
    return found is not None and _val(found) not in ("0", "false", "off")


def _val(element: Any) -> str | None:
    return None if element is None else element.get(f"{_W}val")


def _plain(p: Any) -> str:
    return "".join(t.text or "" for t in p.iter(f"{_W}t"))


def _style_name(doc: Any, p: Any) -> str:
    style_id = _val(p.find(f"{_W}pPr/{_W}pStyle"))
    if not style_id:
        return ""
    try:
        return str(doc.styles.element.get_by_id(style_id).name_val or style_id)
    except Exception:
        return style_id


def _heading_level(p: Any, style: str) -> int | None:
    """Title → 1, Heading N → N + 1 (capped at 6), else an outline level; None for text."""
    if style.casefold() in ("title", "标题"):
        return 1
    m = _HEADING_STYLE.match(style.strip())
    if m:
        return min(int(m.group(1)) + 1, 6)
    outline = _val(p.find(f"{_W}pPr/{_W}outlineLvl"))
    if outline is not None and outline.isdigit() and int(outline) < 6:
        return min(int(outline) + 2, 6)
    return None


def _rows(table: Any) -> list[list[Any]]:
    return [[cell for cell in row.iter(f"{_W}tc")] for row in table.iter(f"{_W}tr")]


def _numbering_formats(doc: Any) -> dict[tuple[str, int], tuple[str, int]]:
    """(numId, level) → (numFmt, start) from the numbering part."""
    try:
        numbering = doc.part.numbering_part.element
    except Exception:
        return {}
    abstract = {}
    for a in numbering.iter(f"{_W}abstractNum"):
        levels = {}
        for lvl in a.iter(f"{_W}lvl"):
            start = _val(lvl.find(f"{_W}start"))
            levels[int(lvl.get(f"{_W}ilvl", "0"))] = (
                _val(lvl.find(f"{_W}numFmt")) or "decimal",
                int(start) if start and start.isdigit() else 1)
        abstract[a.get(f"{_W}abstractNumId")] = levels
    formats = {}
    for num in numbering.iter(f"{_W}num"):
        levels = abstract.get(_val(num.find(f"{_W}abstractNumId")), {})
        for level, value in levels.items():
            formats[(num.get(f"{_W}numId", ""), level)] = value
    return formats

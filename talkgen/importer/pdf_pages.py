"""Open a PDF with pdfminer.six within limits, and list each page's text lines and images.

Everything pdfminer can raise on a hostile file becomes a `PdfError` with one sentence a
user can act on; the size and page limits keep time and memory bounded.
"""

from __future__ import annotations

import io
import logging
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

MAX_BYTES = 64 * 1024 * 1024
MAX_PAGES = 120
MAX_IMAGE_BYTES = 16 * 1024 * 1024


class PdfError(Exception):
    """A PDF that cannot be read; the message says why and the hint what to do."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


@dataclass
class Run:
    text: str
    bold: bool
    italic: bool
    link: str = ""


@dataclass
class Line:
    """One text line of a page, in PDF points (y grows upwards)."""

    page: int
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: float  # the share of its characters in a bold font
    runs: list[Run] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass
class Picture:
    page: int
    top: float
    name: str
    data: bytes


def read_pages(data: bytes) -> tuple[list[list[Line | Picture]], float]:
    """Every page's lines and pictures, top to bottom, and the page height.

    pdfminer logs what it repairs in a damaged file; that is noise next to our diagnostics,
    so its logger is quiet while we read (and restored afterwards).
    """
    logger = logging.getLogger("pdfminer")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        return _read_pages(data)
    finally:
        logger.setLevel(level)


def _read_pages(data: bytes) -> tuple[list[list[Line | Picture]], float]:
    if len(data) > MAX_BYTES:
        raise PdfError(f"the PDF is {len(data) // 2**20} MB; the limit is {MAX_BYTES // 2**20} MB",
                       "split it, or export the notes again without large images")
    try:
        from pdfminer.converter import PDFPageAggregator
        from pdfminer.layout import LAParams
        from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    except ImportError as err:  # pragma: no cover - the extra is installed in tests
        raise PdfError("reading PDF needs pdfminer.six",
                       "pip install 'talkgen[import]'") from err
    try:
        document = _open(data)
        manager = PDFResourceManager()
        device = PDFPageAggregator(manager, laparams=LAParams())
        interpreter = PDFPageInterpreter(manager, device)
        pages: list[list[Line | Picture]] = []
        height = 842.0
        for number, page in enumerate(_pages(document), 1):
            interpreter.process_page(page)
            layout = device.get_result()
            height = float(layout.height)
            links = _links(page)
            pages.append(sorted(_items(layout, number, links),
                                key=lambda i: -(i.top if isinstance(i, Picture) else i.top)))
    except PdfError:
        raise
    except Exception as err:  # pdfminer raises many types on broken files
        raise PdfError(f"the PDF cannot be read ({type(err).__name__}: {str(err)[:80]})",
                       "open it in a PDF viewer; if it shows, print it to a new PDF") from err
    return pages, height


def _open(data: bytes) -> Any:
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1

    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise PdfError("the file is not a PDF (it does not start with %PDF)",
                       "check the file; rename it if it is another format")
    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)))
    except (PDFPasswordIncorrect, PDFEncryptionError) as err:
        raise PdfError("the PDF is encrypted with a password",
                       "open it with the password and save an unprotected copy") from err
    count = resolve1(resolve1(document.catalog.get("Pages")) or {}).get("Count", 0)
    if isinstance(count, int) and count > MAX_PAGES:
        raise PdfError(f"the PDF has {count} pages; the limit is {MAX_PAGES}",
                       "one episode's notes are a few pages: check that it is the right file")
    return document


def _pages(document: Any) -> Iterator[Any]:
    from pdfminer.pdfpage import PDFPage

    for number, page in enumerate(PDFPage.create_pages(document), 1):
        if number > MAX_PAGES:
            raise PdfError(f"the PDF has more than {MAX_PAGES} pages",
                           "one episode's notes are a few pages: check that it is the right file")
        yield page


def _links(page: Any) -> list[tuple[tuple[float, float, float, float], str]]:
    """The page's link annotations: (rectangle, URI)."""
    from pdfminer.pdftypes import resolve1

    found = []
    for annot in resolve1(page.annots) or []:
        annot = resolve1(annot)
        if not isinstance(annot, dict) or getattr(annot.get("Subtype"), "name", "") != "Link":
            continue
        action = resolve1(annot.get("A")) or {}
        uri = resolve1(action.get("URI")) if isinstance(action, dict) else None
        rect = resolve1(annot.get("Rect"))
        if isinstance(uri, bytes) and isinstance(rect, list) and len(rect) == 4:
            x0, y0, x1, y1 = (float(resolve1(v)) for v in rect)
            found.append(((min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)),
                          uri.decode("utf-8", "replace").strip()))
    return found


def _items(layout: Any, page: int, links: list[tuple[tuple[float, float, float, float], str]]
           ) -> Iterator[Line | Picture]:
    from pdfminer.layout import LTChar, LTImage, LTTextLine

    stack = [layout]
    pictures = 0
    while stack:
        element = stack.pop()
        if isinstance(element, LTTextLine):
            chars = [c for c in element if isinstance(c, LTChar)]
            if chars and element.get_text().strip():
                yield _line(element, chars, page, links)
        elif isinstance(element, LTImage):
            picture = _picture(element, page, pictures)
            if picture is not None:
                pictures += 1
                yield picture
        elif hasattr(element, "__iter__"):
            stack.extend(element)


def _line(element: Any, chars: list[Any], page: int,
          links: list[tuple[tuple[float, float, float, float], str]]) -> Line:
    sizes: dict[float, int] = {}
    bold = 0
    runs: list[Run] = []
    for item in element:
        text = item.get_text()
        font = getattr(item, "fontname", "").lower()
        is_bold = "bold" in font or "heavy" in font or "black" in font
        italic = "italic" in font or "oblique" in font
        url = ""
        if hasattr(item, "x0"):
            sizes[round(item.size, 1)] = sizes.get(round(item.size, 1), 0) + 1
            bold += is_bold and not text.isspace()
            cx, cy = (item.x0 + item.x1) / 2, (item.y0 + item.y1) / 2
            url = next((u for (x0, y0, x1, y1), u in links
                        if x0 <= cx <= x1 and y0 <= cy <= y1), "")
        same = runs and (runs[-1].bold, runs[-1].italic, runs[-1].link) == (is_bold, italic, url)
        if runs and (same or text.isspace()):
            runs[-1].text += text
        else:
            runs.append(Run(text, is_bold, italic, url))
    if runs:
        runs[-1].text = runs[-1].text.rstrip("\n")
    visible = sum(1 for c in chars if not c.get_text().isspace()) or 1
    return Line(page, element.x0, element.x1, element.y1, element.y0,
                max(sizes, key=lambda s: sizes[s]), bold / visible, runs)


def _picture(image: Any, page: int, index: int) -> Picture | None:
    """JPEG data as it is; 8-bit RGB or grey pixels as PNG; other encodings are skipped."""
    stream = image.stream
    try:
        filters = [f for f, _ in stream.get_filters()]
        names = [getattr(f, "name", str(f)) for f in filters]
        raw = stream.get_rawdata() or b""
        if len(raw) > MAX_IMAGE_BYTES:
            return None
        if names == ["DCTDecode"]:
            return Picture(page, image.y1, f"p{page}-{index + 1}.jpg", raw)
        space = getattr(stream.get("ColorSpace"), "name", "")
        if set(names) <= {"FlateDecode", "ASCII85Decode", "ASCIIHexDecode", "LZWDecode"} \
                and stream.get("BitsPerComponent") == 8 \
                and space in ("DeviceRGB", "DeviceGray"):
            width, height = image.srcsize
            channels = 3 if space == "DeviceRGB" else 1
            pixels = stream.get_data()
            if width * height * channels > 4 * MAX_IMAGE_BYTES or \
                    len(pixels) < width * height * channels:
                return None
            return Picture(page, image.y1, f"p{page}-{index + 1}.png",
                           _png(pixels, width, height, channels))
    except Exception:  # a broken image stream: the text still imports
        return None
    return None


def _png(pixels: bytes, width: int, height: int, channels: int) -> bytes:
    import struct

    row = width * channels
    body = b"".join(b"\x00" + pixels[y * row:(y + 1) * row] for y in range(height))

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return (struct.pack(">I", len(payload)) + kind + payload +
                struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 2 if channels == 3 else 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(body))
            + chunk(b"IEND", b""))

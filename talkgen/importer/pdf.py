"""PDF → Document: headings from size and weight, paragraphs re-joined, lists, links, images.

pdfminer.six (MIT) gives positioned text; the structure is inferred relative to the body
text: a paragraph continues while the line before it reaches the right margin and the
gap is a line gap, across page breaks too; a short line that is larger or bold is a
heading, its level from its size rank; running headers, footers and page numbers (the same
text at the top or bottom of most pages) are dropped.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from . import markup
from .document import IMAGE_PREFIX, Document
from .pdf_pages import Line, PdfError, Picture, Run, read_pages

_BULLET = re.compile(r"^\s*[\uf000-\uf0ff•●▪◦■□◆]\s*")
_MARKER = re.compile(r"^\s*(?:[\uf000-\uf0ff•●▪◦■□◆]|【[^】]{1,20}】\s*[:：]|"
                     r"\d{1,3}\s*[.．、)）](?!\d)|Q\d*\s*[:：]|"
                     r"A\d*\s*[:：]|答\s*[:：]|回答\s*[:：]|[•●▪◦\-–*]\s)")
_LABEL = re.compile(r"^\s*【[^】]{1,20}】\s*[:：]")
_PAGE_NUMBER = re.compile(r"^\W*(?:\d{1,4}|第\s*\d+\s*页.*|\d+\s*/\s*\d+|page\s*\d+.*)\W*$",
                          re.IGNORECASE)
_SENTENCE_END = "。；，,;!！?？"
_URL = re.compile(r"^\s*(?:https?://|www\.)\S*\s*$")
MARGIN = 0.07  # the top and bottom share of a page where running headers and footers live


@dataclass
class Paragraph:
    lines: list[Line] = field(default_factory=list)

    @property
    def first(self) -> Line:
        return self.lines[0]

    @property
    def text(self) -> str:
        out = ""
        for line in self.lines:
            out = markup.join(out, markup.tidy(line.text))
        return out


def read_pdf(data: bytes, source: str) -> Document:
    """The PDF's text as Markdown; raises PdfError for files that cannot be read."""
    pages, height = read_pages(data)
    lines = [i for page in pages for i in page if isinstance(i, Line)]
    if not lines:
        raise PdfError("the PDF has no text layer (a scan?)",
                       "run it through OCR first, or type the notes as Markdown")
    dropped = _running_lines(pages, height)
    items = [i for page in pages for i in page if not (isinstance(i, Line) and id(i) in dropped)]
    body = _body_size(lines)
    ends = sorted(line.x1 for line in lines)
    right = ends[int(len(ends) * 0.98)]
    blocks = _paragraphs(items, body, right)
    return _markdown(blocks, body, source)


def _running_lines(pages: list[list[Line | Picture]], height: float) -> set[int]:
    """Lines in the top or bottom margin that repeat on most pages, and bare page numbers."""
    def key(line: Line) -> str:
        return re.sub(r"\d+", "#", markup.tidy(line.text))

    marginal = [[i for i in page if isinstance(i, Line) and
                 (i.top > height * (1 - MARGIN) or i.bottom < height * MARGIN)] for page in pages]
    counts = Counter(k for page in marginal for k in {key(line) for line in page})
    repeated = {k for k, n in counts.items() if n >= max(2, len(pages) // 2)}
    return {id(line) for page in marginal for line in page
            if key(line) in repeated or _PAGE_NUMBER.match(line.text.strip())}


def _body_size(lines: list[Line]) -> float:
    sizes: Counter[float] = Counter()
    for line in lines:
        sizes[line.size] += len(line.text.strip())
    return sizes.most_common(1)[0][0]


def _continues(before: Line, after: Line, right: float, last_on_page: bool) -> bool:
    """A wrapped line: the one before reaches the margin and no new block starts here."""
    if abs(before.size - after.size) > 0.2 * before.size or _MARKER.match(after.text):
        return False
    word = re.match(r"\S+", markup.tidy(after.text))
    width = sum(1.0 if markup.is_wide(c) else 0.55 for c in (word.group(0) if word else "x"))
    if before.x1 + width * after.size < right - before.size:
        return False  # the next line's first word would have fitted: a line break, not a wrap
    if after.page != before.page:
        return last_on_page and after.page == before.page + 1
    return before.bottom - after.top < 1.5 * after.size


def _paragraphs(items: list[Line | Picture], body: float, right: float) -> list[Paragraph | Picture]:
    out: list[Paragraph | Picture] = []
    for n, item in enumerate(items):
        if isinstance(item, Picture):
            out.append(item)
            continue
        before = out[-1] if out else None
        last_on_page = n > 0 and isinstance(items[n - 1], Line) and items[n - 1].page != item.page
        if isinstance(before, Paragraph) and _continues(before.lines[-1], item, right, last_on_page):
            before.lines.append(item)
        else:
            out.append(Paragraph([item]))
    return out


def _heading_rank(paragraph: Paragraph, body: float) -> float | None:
    """The size a heading is ranked by, or None when the paragraph is text."""
    text, line = paragraph.text, paragraph.first
    if not text or len(text) > 100 or _LABEL.match(text) or _URL.match(text):
        return None
    bold = min(x.bold for x in paragraph.lines)
    if line.size >= body * 1.35 or (line.size >= body * 1.15 and bold >= 0.5):
        return line.size
    if bold >= 0.95 and line.size >= body - 0.5 and len(paragraph.lines) == 1 and len(text) <= 24 \
            and text[-1] not in _SENTENCE_END:
        return body - 0.01  # bold at body size: below every larger heading
    return None


def _markdown(blocks: list[Paragraph | Picture], body: float, source: str) -> Document:
    ranks = {id(b): _heading_rank(b, body) for b in blocks if isinstance(b, Paragraph)}
    first = next((b for b in blocks if isinstance(b, Paragraph)), None)
    title = first.text if first is not None and ranks[id(first)] is not None else ""
    sizes = sorted({r for k, r in ranks.items() if r is not None and
                    (first is None or k != id(first))}, reverse=True)
    lines: list[str] = []
    places: list[str] = []
    images: dict[str, bytes] = {}
    for block in blocks:
        if isinstance(block, Picture):
            images[block.name] = block.data
            written = [f"![]({IMAGE_PREFIX}{block.name})"]
            page = block.page
        else:
            rank = ranks[id(block)]
            page = block.first.page
            if block is first and title:
                written = [f"# {markup.escape(title)}"]
            elif rank is not None:
                level = min(sizes.index(rank) + 2, 6)
                written = [f"{'#' * level} {markup.escape(block.text)}"]
            else:
                written = [_text(block)]
        if lines:
            lines.append("")
            places.append(places[-1])
        lines.extend(written)
        places.extend([f"page {page}"] * len(written))
    return Document(source, lines, title, tuple(places), images, "pdf")


def _text(paragraph: Paragraph) -> str:
    """A paragraph's runs as Markdown: emphasis, links, and a list marker when it has one."""
    runs: list[Run] = []
    for line in paragraph.lines:
        for run in line.runs:
            text = markup.tidy(run.text) if run.text.strip() else ""
            if not text:
                continue
            joined = markup.join(runs[-1].text if runs else "", text)
            if runs and joined != runs[-1].text + text:
                text = " " + text
            if runs and (runs[-1].bold, runs[-1].italic, runs[-1].link) == (
                    run.bold, run.italic, run.link):
                runs[-1].text += text
            else:
                runs.append(Run(text, run.bold, run.italic, run.link))
    pieces = []
    for run in runs:
        shown = markup.emphasis(markup.escape(run.text), run.bold, run.italic)
        pieces.append(markup.link(shown, run.link) if run.link else shown)
    text = "".join(pieces).strip()
    if _BULLET.match(text):
        return "- " + _BULLET.sub("", text, count=1)
    return markup.list_item(text)

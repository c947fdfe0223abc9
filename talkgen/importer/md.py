"""Markdown notes → Document: the user's own lines, as they are.

A pandoc-style YAML block (`title:` and similar, but no `number:`) is the document's
title, not an episode's front matter; a block with `number:` is an episode already.
"""

from __future__ import annotations

import yaml

from ..content.episode import decode
from ..diagnostics import Diagnostic, diagnostic
from .document import Document

MAX_TITLE_BLOCK = 40  # lines: a title block is short; anything longer is not one


def read_md(data: bytes, source: str) -> tuple[Document | None, list[Diagnostic]]:
    text, problems = decode(data, source)
    if text is None:
        return None, problems
    lines = text.split("\n")
    if lines[0].strip() != "---":
        return Document(source, lines), problems
    end = next((n for n in range(1, min(len(lines), MAX_TITLE_BLOCK)) if lines[n].strip() in
                ("---", "...")), None)
    block = _yaml(lines[1:end]) if end is not None else None
    if block is None or "number" in block or not isinstance(block.get("title"), str):
        return None, [*problems, diagnostic(
            "E055", "the file already starts with front matter", source, 1, 1,
            hint="it is an episode already: copy it into episodes/ instead of importing it",
            source=lines, width=3)]
    assert end is not None
    # keep the line count, so diagnostics still point at the user's lines
    body = [""] * (end + 1) + lines[end + 1:]
    return Document(source, body, " ".join(str(block["title"]).split())), problems


def _yaml(lines: list[str]) -> dict[str, object] | None:
    try:
        data = yaml.safe_load("\n".join(lines))
    except yaml.YAMLError:
        return None
    return data if isinstance(data, dict) else None

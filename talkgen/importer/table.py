"""The `--dry-run` table for several files: file → number, date, host, sections, questions,
warnings, so a whole archive can be reviewed before anything is written."""

from __future__ import annotations

import unicodedata

from .batch import Converted

COLUMNS = ("file", "number", "date", "host", "sections", "questions", "warnings")


def dry_run_table(converted: list[Converted]) -> str:
    rows = [list(COLUMNS)]
    for item in converted:
        warnings = sorted({d.code for d in item.diagnostics if not d.is_error})
        errors = sorted({d.code for d in item.diagnostics if d.is_error})
        rows.append([item.source.rsplit("/", 1)[-1],
                     f"{item.number:03d}" if item.number is not None and item.ok else "-",
                     item.facts.get("date", "-"), item.facts.get("host", "-"),
                     item.facts.get("sections", "-"), item.facts.get("questions", "-"),
                     " ".join(warnings + [f"{e}!" for e in errors]) or "-"])
    widths = [max(_width(r[i]) for r in rows) for i in range(len(COLUMNS))]
    return "\n".join("  ".join(c + " " * (w - _width(c)) for c, w in zip(r, widths, strict=True))
                     .rstrip() for r in rows) + "\n"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)

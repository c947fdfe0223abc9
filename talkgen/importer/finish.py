"""After reading: the number, the required fields (or the command line's), the episode text.

The number comes from the title, else the file name, else 【编号】 (which old notes copied
from a template); any source that disagrees with the chosen one is a warning naming both.
A special episode (`番外02`) keeps that name as `label:` and takes `--number` or, in a
batch, the next free number.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..diagnostics import diagnostic
from . import labels
from .convert import Reader
from .episode import Part, body_text, front_matter


@dataclass(frozen=True)
class Options:
    number: int | None = None
    force_number: bool = False
    host: str | None = None
    date: dt.date | None = None


def choose_number(reader: Reader, stem: str, options: Options) -> int | None:
    """--number, else title, file name, 【编号】; None for a special episode without --number."""
    meta = reader.meta
    from_name = labels.number_in(stem)
    meta.label = meta.label or labels.special(stem)
    found = list(meta.numbers)
    if from_name is not None:
        found.insert(1 if found and found[0][1] == "the title" else 0,
                     (from_name, "the file name", 0))
    if options.number is not None:
        if found and options.number not in {n for n, _, _ in found} and not options.force_number:
            n, where, line = found[0]
            reader.warn("E054", f"--number {options.number} but {where} says {n:03d}", line,
                        f"add --force-number to use {options.number} anyway")
        return options.number
    if meta.label:
        return None
    if not found:
        reader.diagnostics.append(diagnostic(
            "E051", "no episode number: the title, the file name and 【编号】 name none",
            reader.doc.source, hint="pass --number N"))
        return None
    chosen, where, _ = found[0]
    for n, other, line in found[1:]:
        if n != chosen:
            reader.warn("W050", f"{where} says {chosen:03d} but {other} says {n:03d}; "
                        f"using {chosen:03d} from {where}", line,
                        f"pass --number {n} to use the other one")
    return chosen


def require(reader: Reader, options: Options) -> tuple[str, tuple[str, ...]] | None:
    """The date and host: the notes', else --date/--host (with a warning), else an error."""
    meta, source = reader.meta, reader.doc.source
    date = meta.date.date if meta.date is not None else None
    hosts = meta.hosts
    if date is None and options.date is not None:
        date = options.date
        reader.diagnostics.append(diagnostic(
            "W056", f"the notes give no date; using --date {date.isoformat()}", source,
            hint="check the date in the front matter of the result"))
    if not hosts and options.host:
        hosts = (options.host,)
        reader.diagnostics.append(diagnostic(
            "W056", f"the notes give no host; using --host {options.host}", source,
            hint="check the host in the front matter of the result"))
    if date is None:
        reader.diagnostics.append(diagnostic(
            "E052", "no date: no 【时间】 line with a date like 2023-06-17 or 20230617",
            source, hint="add a line 【时间】：2023-06-17 to the notes, or pass --date"))
    if not hosts:
        reader.diagnostics.append(diagnostic(
            "E053", "no host: no 【主持人】 line with a name", source,
            hint="add a line 【主持人】：name to the notes, or pass --host NAME"))
    return (date.isoformat(), hosts) if date is not None and hosts else None


def episode_text(reader: Reader, number: int, date: str, hosts: tuple[str, ...],
                 site_title: str) -> str:
    table = reader.table
    out = reader.out
    parts = [out.intro]
    order = list(out.sections)
    for before, after in zip(order, order[1:], strict=False):
        if table.position(after) < table.position(before):
            reader.warn("W055", f'section "{out.sections[after].heading[3:]}" came after '
                        f'"{out.sections[before].heading[3:]}"; sections were put in the '
                        f"order {table.order_text}", out.section_lines[after],
                        "check that the text around the moved section still reads well")
    for kind in table.kinds:
        if kind.key in out.sections:
            parts.append(out.sections[kind.key])
        elif kind.required:
            reader.diagnostics.append(diagnostic(
                "W053", f'the notes have no "{kind.title}" section; an empty one was added',
                reader.doc.source, hint="required sections must be present; fill it or leave it"))
            parts.append(Part(f"## {kind.title}"))
    head = front_matter(reader.meta, number, hosts, date, site_title, table)
    return "\n".join(head) + "\n" + body_text(parts) + "\n"

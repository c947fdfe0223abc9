"""`talkgen import FILE…`: every file stands alone; the clean ones are written, the others
reported with their diagnostics. Returns diagnostics; never prints.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..content.config import SiteConfig
from ..content.episode import parse_episode
from ..diagnostics import Diagnostic, diagnostic
from ..urls import Urls
from .blocks import blocks
from .document import IMAGE_PREFIX, Document
from .finish import Options, choose_number, episode_text, require
from .writer import IMAGE_FOLDER, is_placeholder, write_episode

PREFERRED = (".docx", ".md", ".markdown", ".txt", ".pdf")  # for one episode in two formats


@dataclass
class Converted:
    """One file converted in memory: the episode text, or None when an error stopped it."""

    source: str
    number: int | None
    text: str | None
    diagnostics: list[Diagnostic]
    facts: dict[str, str] = field(default_factory=dict)  # for the --dry-run table
    images: dict[str, bytes] = field(default_factory=dict)
    special: bool = False

    @property
    def ok(self) -> bool:
        return self.text is not None and not any(d.is_error for d in self.diagnostics)


@dataclass(frozen=True)
class ImportResult:
    converted: list[Converted]
    diagnostics: list[Diagnostic]
    written: list[Path]
    message: str

    @property
    def ok(self) -> bool:
        return not any(d.is_error for d in self.diagnostics)


NO_OPTIONS = Options()


def import_notes(config: SiteConfig, files: Sequence[Path], options: Options = NO_OPTIONS,
                 write: bool = True) -> ImportResult:
    chosen, skipped = _one_per_episode(files)
    converted = [_convert_file(config, path, options) for path in chosen]
    _number_specials(config, converted)
    problems = _collisions(config, converted)
    problems += [d for c in converted for d in c.diagnostics]
    problems += [d for c in skipped for d in c.diagnostics]
    converted += skipped  # listed in the dry-run table, never written
    written: list[Path] = []
    for item in converted if write else ():
        if not item.ok:
            continue
        assert item.number is not None and item.text is not None
        try:
            written.append(write_episode(config, item.number, item.text, item.images, True))
        except FileExistsError:
            problems.append(diagnostic("E050", f"episodes/{item.number:03d}.md already exists",
                                       item.source, hint="talkgen never overwrites"))
    shown = ", ".join(f"{c.source} → episodes/{c.number:03d}.md" for c in converted
                      if c.number is not None and config.episodes_dir / f"{c.number:03d}.md"
                      in written)
    if not write:
        message = "dry run: nothing was written"
    else:
        message = f"imported {shown}" if written else "nothing was written"
    return ImportResult(converted, problems, written, message)


def _one_per_episode(files: Sequence[Path]) -> tuple[list[Path], list[Converted]]:
    """`015.pdf` and `015.docx` are one episode: read the richer format, say so."""
    by_stem: dict[Path, list[Path]] = {}
    for path in files:
        by_stem.setdefault(path.with_suffix(""), []).append(path)
    chosen: list[Path] = []
    notes: list[Converted] = []
    for group in by_stem.values():
        group.sort(key=lambda p: PREFERRED.index(p.suffix.lower())
                   if p.suffix.lower() in PREFERRED else len(PREFERRED))
        chosen.append(group[0])
        notes += [Converted(other.as_posix(), None, None, [diagnostic(
            "W057", f"{other.name} is the same episode as {group[0].name}; read "
            f"{group[0].suffix} only", other.as_posix(),
            hint="import the other format on its own to compare")],
            facts={"sections": f"(read from {group[0].name})"}) for other in group[1:]]
    return [p for p in files if p in chosen], notes


def _convert_file(config: SiteConfig, path: Path, options: Options) -> Converted:
    from .readers import read_document

    source = path.as_posix()
    document, problems = read_document(path, source)
    if document is None:
        return Converted(source, None, None, problems)
    result = convert(document, config, options, path.stem)
    result.diagnostics[:0] = problems
    return result


def convert(document: Document, config: SiteConfig, options: Options = NO_OPTIONS,
            stem: str = "") -> Converted:
    """A Document → an episode text in memory, with every guess as a diagnostic."""
    from .convert import Reader

    reader = Reader(document, config.sections)
    reader.read(blocks(document.lines))
    number = choose_number(reader, stem, options)
    needed = require(reader, options)
    special = reader.meta.label is not None and number is None
    result = Converted(document.source, number, None, reader.diagnostics, special=special)
    if needed is None or any(d.is_error for d in reader.diagnostics):
        return result
    date, hosts = needed
    result.text = episode_text(reader, number if number is not None else 0, date, hosts,
                               config.title)
    result.images = dict(document.images)
    sections = [k for k, part in reader.out.sections.items() if part.blocks]
    result.facts = {"date": date, "host": "、".join(hosts), "sections": ", ".join(sections),
                    "questions": str(reader.talk.count)}
    return result


def _number_specials(config: SiteConfig, converted: list[Converted]) -> None:
    """Special episodes without --number take the next free numbers, after the series."""
    taken = {int(p.stem) for p in config.episodes_dir.glob("*.md") if p.stem.isdigit()} \
        if config.episodes_dir.is_dir() else set()
    taken |= {c.number for c in converted if c.number is not None}
    for item in converted:
        if item.special and item.text is not None:
            item.number = max(taken, default=0) + 1
            taken.add(item.number)
            item.diagnostics.append(diagnostic(
                "W058", f"special episode: numbered {item.number:03d} (the next free number)",
                item.source, hint="pass --number N with this file alone to choose another"))
    for item in converted:
        if item.text is not None and item.number is not None:
            item.text = item.text.replace("number: 0\n", f"number: {item.number}\n", 1) \
                if item.special else item.text
            item.text = item.text.replace(f"]({IMAGE_PREFIX}",
                                          f"]({IMAGE_FOLDER}/{item.number:03d}/")
            item.diagnostics += _passes_check(item.text, item.number, item.source, config)


def _collisions(config: SiteConfig, converted: list[Converted]) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    targets: dict[int, str] = {}
    for item in converted:
        if item.number is None or not item.ok:
            continue
        path = config.episodes_dir / f"{item.number:03d}.md"
        other = targets.get(item.number)
        if other is not None or (path.exists() and not is_placeholder(path, config)):
            item.text = None
            found.append(diagnostic(
                "E050", f"episodes/{item.number:03d}.md already exists" +
                (f" (from {other})" if other else ""), item.source,
                hint="import into another number with --number N, or move the existing "
                "episode away; talkgen never overwrites"))
        targets.setdefault(item.number, item.source)
    return found


def _passes_check(text: str, number: int, source: str, config: SiteConfig) -> list[Diagnostic]:
    """The safety net: the result must load without errors, or it is not written."""
    name = f"{number:03d}.md"
    loaded = parse_episode(text.encode("utf-8"), f"episodes/{name}", name, config,
                           Urls(config.base_path, config.base_url))
    return [diagnostic("E056", f"the converted episode would not pass check: line "
                       f"{d.location.line}: {d.code} {d.message}", source,
                       hint="run with --dry-run to see the result, and adjust the notes")
            for d in loaded.diagnostics if d.is_error]

"""Diagnostics: the table of codes, the Diagnostic record, and its three output formats.

Validators return lists of Diagnostic; only the CLI and the server print them.
"""

from __future__ import annotations

import dataclasses
import json
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Rule:
    """One row of the code table: what the rule checks and an example message."""

    code: str
    summary: str
    example: str

    @property
    def severity(self) -> Severity:
        return Severity.ERROR if self.code.startswith("E") else Severity.WARNING


RULES: tuple[Rule, ...] = (
    Rule("E001", "file cannot be read as UTF-8 text", "invalid UTF-8 byte 0xff at byte 12"),
    Rule("E002", "file contains a NUL byte", "the file contains a NUL byte"),
    Rule("E003", "file is too large", "episode is 12 MB; the limit is 8 MB"),
    Rule("E010", "missing front matter", "no front matter; start the file with a '---' line"),
    Rule("E011", "unterminated front matter", "front matter opened on line 1 is never closed"),
    Rule("E012", "YAML syntax error", "YAML syntax error: mapping values are not allowed here"),
    Rule("E013", "front matter is not a mapping", "front matter must be a mapping of keys"),
    Rule("E014", "unknown key", 'unknown key "contributer"; did you mean "contributors"?'),
    Rule("E015", "missing required key", 'missing required key "date"'),
    Rule("E016", "wrong type", '"number" must be an integer ≥ 0, not "two"'),
    Rule("E017", "invalid date", '"date" must be a date like 2023-06-24, not "2023-13-01"'),
    Rule("E018", "number does not match file name", "number 3 does not match file name 002.md"),
    Rule("E019", "duplicate number", "episode number 2 is also used by episodes/002b.md"),
    Rule("E020", "unknown level-2 heading", 'unknown section "本周杂谈"; did you mean "本周新闻"?'),
    Rule("E021", "section out of order", 'section "本周经典" comes after "本周实践"'),
    Rule("E022", "duplicate section", 'section "本周新闻" appears twice'),
    Rule("E023", "missing required section", 'required section "Free Talk" is missing'),
    Rule("E024", "metadata for a missing section", '"sections.practice" but no 本周实践 section'),
    Rule("W025", "empty section", 'section "本周实践" is empty'),
    Rule("W026", "placeholder or empty link", 'link "baichuan-7B" points nowhere ("#")'),
    Rule("E027", "link to a missing episode", 'link to "009.md", but there is no episode 9'),
    Rule("W028", "level-1 heading in the body", "level-1 heading; the title comes from front matter"),
    Rule("E029", "duplicate YAML key", 'key "host" is given twice'),
    Rule("E030", "YAML tag or alias not allowed", "YAML tag !!python/object is not allowed"),
    Rule("E031", "front matter too large", "front matter is 1.2 MB; the limit is 64 KB"),
    Rule("W032", "file name is not an episode number", 'skipped "notes.md": name it like 003.md'),
    Rule("E033", "link target not allowed (only http(s), mailto, relative)",
         'link target "javascript:alert(1)" is not allowed'),
    Rule("W034", "symlink out of the site", 'skipped "episodes/002.md": it links outside the site'),
    Rule("E035", "full-width punctuation where YAML expects ASCII",
         'full-width colon "：" (U+FF1A) after "host"; YAML needs an ASCII colon'),
    Rule("E036", "tab in front matter", "a tab indents this line; YAML allows only spaces"),
    Rule("E037", "unclosed quote in front matter", 'the quote " opened here is never closed'),
    Rule("E038", "no space after a YAML dash or colon", 'no space after the list dash "-"'),
    Rule("W039", "full-width comma inside a [list]",
         '"topics" is one item, "RLHF，位置编码": full-width "，" does not separate list items'),
    Rule("E043", "key without a value", '"host" has no value'),
    Rule("W044", "heading almost a section heading",
         '"##本周推荐" is not a heading: a space is needed after ##'),
    Rule("W045", "section heading at the wrong level",
         '"### 本周推荐" is a section: write it as a level-2 heading (##)'),
    Rule("W046", "Free Talk question not in the Q1： form",
         '"### Q1 问题" is read as question Q1; write "### Q1：问题"'),
    Rule("W047", "link to a missing heading",
         'link to "001.md#本周精典", but episode 1 has no heading "本周精典"; did you mean '
         '"本周经典"?'),
    Rule("W048", "dates go backwards", "episode 3 is dated 2023-06-10, before episode 2 "
         "(2023-06-24)"),
    Rule("W049", "date far in the future", "date 2033-06-24 is 3650 days from today"),
    Rule("W070", "placeholder left from the scaffold", '"host" is still the placeholder "TBD"'),
    Rule("E071", "no episodes", "no episodes: episodes/ has no files like 001.md"),
    Rule("W072", "link written with full-width parentheses",
         '"[上期]（002.md）" is shown as text: a link needs ASCII parentheses'),
    Rule("W073", "chapter points nowhere",
         'chapter "Q&A" is not a section or heading of this episode'),
    Rule("W074", "picture not found next to the episodes",
         'picture "images/001/a.png" not found: there is no episodes/images/001/a.png'),
    Rule("W090", "invisible control character in the text",
         "invisible control character U+001B (ESC, from a terminal colour code)"),
    Rule("E091", "episode over a documented size limit (topics, names, lengths)",
         "more than 30 topics in one episode"),
    Rule("E040", "invalid site configuration", 'talkgen.yaml: "base_url" must be a string'),
    Rule("E041", "output folder is not safe", "output folder is the site root"),
    Rule("E042", "template error", "templates/episode.html:3: unexpected '}'"),
    Rule("E080", "the site cannot be written", "cannot write the site: No space left on device"),
    Rule("W060", "search index not built", "search index not built: Pagefind failed: …"),
    Rule("W061", "feeds without absolute links",
         "no base_url: feed links stay relative and sitemap.xml is not written"),
    # talkgen import (legacy notes → episodes)
    Rule("W050", "import: the notes give two episode numbers",
         "the title says 001 but 【编号】 says 000; using 001 from the title"),
    Rule("W051", "import: content that fits no section is kept as a subsection",
         '"聊天区：" after the last answer fits no section; kept as subsection "### 聊天区"'),
    Rule("W052", "import: a heading at section level that is not a section is kept as a subsection",
         'heading "学术" (level 3) is not a section; kept as a level-3 subsection'),
    Rule("W053", "import: a required section is missing and was added empty",
         'the notes have no "本周推荐" section; an empty one was added'),
    Rule("W054", "import: a 【label】 value was only partly read; the line is kept",
         '【主持人】 "羡鱼（后续每期由大家自行认领）" was only partly read: host 羡鱼'),
    Rule("W055", "import: sections were put in the standard order",
         'section "本周经典" came after "本周实践"; sections were put in the order news → …'),
    Rule("W056", "import: --host or --date filled in what the notes lack",
         "the notes give no host; using --host 羡鱼"),
    Rule("W057", "import: one episode given in two formats; the richer one is read",
         "OpenLLM Talk 015.pdf is the same episode as OpenLLM Talk 015.docx; read .docx only"),
    Rule("W058", "import: a special episode took the next free number",
         "special episode: numbered 016 (the next free number)"),
    Rule("W059", "import: a section's template label names another section; the label wins",
         'section heading "本周推荐" is followed by 【本周新闻】; the section is taken as "本周新闻"'),
    Rule("E050", "import: the episode file already exists", "episodes/001.md already exists"),
    Rule("E051", "import: no episode number", "no episode number: the title and 【编号】 name none"),
    Rule("E052", "import: no date", "no date: no 【时间】 line with a date like 2023-06-17"),
    Rule("E053", "import: no host", "no host: no 【主持人】 line with a name"),
    Rule("E054", "import: --number disagrees with the notes", "--number 5 but the title says 001"),
    Rule("E055", "import: the file already has front matter",
         "the file already starts with front matter"),
    Rule("E056", "import: the result would not pass check",
         "the converted episode would not pass check: line 40: E016 …"),
    Rule("E057", "import: the PDF or Word file cannot be read",
         "the PDF is encrypted with a password"),
)

RULES_BY_CODE = {rule.code: rule for rule in RULES}


@dataclass(frozen=True)
class Location:
    """A 1-based position in a file; end_column (exclusive) marks the span for the frame."""

    file: str
    line: int = 0
    column: int = 0
    end_column: int = 0


@dataclass(frozen=True)
class Diagnostic:
    """One problem found, with its code, place and hint, as every output format shows it."""

    code: str
    message: str
    location: Location
    hint: str = ""
    source_line: str | None = None  # the line for the frame, or a window of a very long one
    source_start: int = 0  # where in the line source_line starts (0: the whole line)

    @property
    def severity(self) -> Severity:
        return RULES_BY_CODE[self.code].severity

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def sort_key(self) -> tuple[str, int, int, int, str]:
        """By file, then importance (errors before warnings), then position."""
        loc = self.location
        return (loc.file, 0 if self.is_error else 1, loc.line, loc.column, self.code)

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.location.file,
            "line": self.location.line,
            "column": self.location.column,
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "hint": self.hint,
        }


def diagnostic(
    code: str,
    message: str,
    file: str,
    line: int = 0,
    column: int = 0,
    *,
    hint: str = "",
    source: Sequence[str] | None = None,
    width: int = 0,
) -> Diagnostic:
    """Build a Diagnostic, taking the offending line from `source` (the file's lines)."""
    if code not in RULES_BY_CODE:
        raise KeyError(f"unknown diagnostic code {code}")
    end = column + width if width > 0 else 0
    found = Diagnostic(code, message, Location(file, line, column, end), hint)
    if source is not None and 1 <= line <= len(source):
        return framed(found, source[line - 1])
    return found


def framed(diag: Diagnostic, line_text: str) -> Diagnostic:
    """`diag` with the line its frame shows. Of a line longer than two frames only a window
    around the column is kept: 20,000 links on one 140 KB line would otherwise carry 2.8 GB
    of copies into memory and the cache."""
    if len(line_text) <= 2 * _MAX_FRAME:
        return dataclasses.replace(diag, source_line=line_text, source_start=0)
    start = max(diag.location.column - 1 - _MAX_FRAME // 2, 0)
    return dataclasses.replace(diag, source_line=line_text[start:start + _MAX_FRAME + 1],
                               source_start=start)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A ' did you mean "x"?' suffix, or '' when nothing is close."""
    import difflib  # only to word an error: not imported at start-up

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f'; did you mean "{close[0]}"?' if close else ""


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    return sorted(set(diagnostics), key=Diagnostic.sort_key)


FOLD_AFTER = 3  # `build` shows this many warnings of one code in one file, then a count


def folded(diagnostics: Sequence[Diagnostic]) -> list[Diagnostic]:
    """What `build` prints: every error, and the first few warnings of each code per file."""
    seen: dict[tuple[str, str], int] = {}
    out = []
    for d in diagnostics:
        key = (d.location.file, d.code)
        seen[key] = seen.get(key, 0) + 1
        if d.is_error or seen[key] <= FOLD_AFTER:
            out.append(d)
    return out


def folded_notes(diagnostics: Sequence[Diagnostic]) -> list[str]:
    """One line per (file, code) that `folded` shortened: how many more, where to see them."""
    counts: dict[tuple[str, str], int] = {}
    for d in diagnostics:
        if not d.is_error:
            counts[(d.location.file, d.code)] = counts.get((d.location.file, d.code), 0) + 1
    return [f"{file}: {n - FOLD_AFTER} more {code} ({RULES_BY_CODE[code].summary}) not shown, "
            f"{n} in all; run talkgen check for all"
            for (file, code), n in counts.items() if n > FOLD_AFTER]


def count(diagnostics: Sequence[Diagnostic]) -> tuple[int, int]:
    errors = sum(1 for d in diagnostics if d.is_error)
    return errors, len(diagnostics) - errors


def summary(diagnostics: Sequence[Diagnostic], files: int) -> str:
    """The one-line tally: '2 errors, 1 warning in 41 episodes'."""
    errors, warnings = count(diagnostics)
    parts = [plural(errors, "error"), plural(warnings, "warning")]
    return f"{', '.join(parts)} in {plural(files, 'episode')}"


def plural(n: int, word: str) -> str:
    """'1 episode', '2 episodes'."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


# -- formats -----------------------------------------------------------------

_COLOURS = {"error": "\x1b[1;31m", "warning": "\x1b[1;33m", "dim": "\x1b[2;34m", "off": "\x1b[0m"}
_MAX_FRAME = 160


def format_text(diag: Diagnostic, colour: bool = False) -> str:
    """rustc/ruff-style text: a header line, then a code frame when the line is known."""
    c = _COLOURS if colour else dict.fromkeys(_COLOURS, "")
    loc = diag.location
    where = loc.file
    if loc.line:
        where += f":{loc.line}:{max(loc.column, 1)}"
    sev = diag.severity.value
    out = [f"{where}: {c[sev]}{sev}[{diag.code}]{c['off']}: {diag.message}"]
    if diag.source_line is not None and loc.line:
        gutter = " " * len(str(loc.line))
        lead = "…" if diag.source_start else ""  # the frame shows a window of a long line
        text = lead + _clip(diag.source_line.rstrip("\r\n").replace("\t", "→"))  # a tab, visible
        col = max(loc.column - diag.source_start, 1) + len(lead)
        span = (max(loc.end_column - max(loc.column, 1), 1) if loc.end_column
                else max(len(text) - col + 1, 1))
        span = min(span, max(len(text) - col + 1, 1))
        marked = _display_width(text[col - 1 : col - 1 + span])
        caret = " " * _display_width(text[: col - 1]) + "^" * max(marked, 1)
        out += [
            f"{c['dim']}{gutter} |{c['off']}",
            f"{c['dim']}{loc.line} |{c['off']} {text}",
            f"{c['dim']}{gutter} |{c['off']} {c[sev]}{caret}{c['off']}",
        ]
    if diag.hint:
        out.append(f"{' ' * len(str(loc.line or ''))} = help: {diag.hint}")
    return "\n".join(out)


def _clip(text: str) -> str:
    return text if len(text) <= _MAX_FRAME else text[:_MAX_FRAME] + "…"


def _display_width(text: str) -> int:
    """Terminal columns: CJK and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def format_json(diagnostics: Sequence[Diagnostic]) -> str:
    return json.dumps([d.as_dict() for d in diagnostics], ensure_ascii=False, indent=2)


def format_github(diag: Diagnostic) -> str:
    """A GitHub Actions workflow command, so the problem shows on the pull request's line."""
    loc = diag.location
    level = "error" if diag.is_error else "warning"
    props = [f"file={_gh_prop(loc.file)}"]
    if loc.line:
        props += [f"line={loc.line}", f"col={max(loc.column, 1)}"]
    props.append(f"title={_gh_prop(diag.code)}")
    text = diag.message + (f" (hint: {diag.hint})" if diag.hint else "")
    return f"::{level} {','.join(props)}::{_gh_data(text)}"


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_prop(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")

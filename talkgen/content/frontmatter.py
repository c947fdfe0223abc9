"""Front matter: split the `---` block off a file and read it as safe YAML, keeping positions.

We compose the YAML into nodes ourselves instead of calling `safe_load`, so that every
value keeps the line and column it came from, duplicate keys are caught (PyYAML silently
keeps the last), and tags and aliases are refused before anything is constructed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..diagnostics import Diagnostic, diagnostic
from .yaml_slips import Slip, scan

try:  # libyaml is much faster; positions and safety are the same
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

MAX_FRONT_MATTER = 64 * 1024
FENCES = ("---", "...")
_WIDE_FENCE = re.compile(r"^\s*(?!---\s*$)[-－—–ー─━]{2,}\s*$")

_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MAP_TAG = "tag:yaml.org,2002:map"
_constructor = yaml.constructor.SafeConstructor()

KeyPath = tuple[str | int, ...]


@dataclass
class Split:
    """A file cut in two; lines are 1-based positions in the original file."""

    yaml_text: str
    yaml_line: int  # line of the first YAML line (after the opening ---)
    body: str
    body_line: int  # line of the first body line


def split(text: str, file: str, lines: Sequence[str]) -> tuple[Split | None, list[Diagnostic]]:
    """Cut `---`-fenced front matter from the top of `text` (newlines already normalised)."""
    first = lines[0] if lines else ""
    if first.rstrip() != "---":
        hint = "start the file with a line '---', then number/date/host, then another '---'"
        if _WIDE_FENCE.match(first):
            hint = f'"{first.strip()}" was typed with an input method: type three ASCII hyphens ---'
        return None, [diagnostic("E010", "no front matter at the top of the file", file, 1, 1,
                                 hint=hint, source=lines)]
    for index in range(1, len(lines)):
        if lines[index].rstrip() in FENCES:
            yaml_text = "\n".join(lines[1:index])
            body = "\n".join(lines[index + 1 :])
            return Split(yaml_text, 2, body, index + 2), []
    for index in range(1, len(lines)):
        if _WIDE_FENCE.match(lines[index]):  # `———` from an input method, meant as ---
            return None, [diagnostic(
                "E011", "front matter opened on line 1 is never closed: this line is not ---",
                file, index + 1, 1, hint=f'"{lines[index].strip()}" is not three ASCII hyphens; '
                "type --- here", source=lines, width=len(lines[index].rstrip()))]
    hint = "close the front matter with a line '---' before the episode text"
    return None, [diagnostic("E011", "front matter opened on line 1 is never closed", file, 1, 1,
                             hint=hint, source=lines, width=3)]


@dataclass
class YamlDoc:
    """Plain Python values plus where each came from (by key path)."""

    data: dict[str, Any]
    positions: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)
    raw: dict[KeyPath, str] = field(default_factory=dict)  # scalars as written (010 is not 8)
    slips: list[Slip] = field(default_factory=list)  # typing slips YAML did not fail on

    def where(self, path: KeyPath, *, key: bool = False) -> tuple[int, int]:
        """Line and column of the value at `path` (or of its key), else of the nearest parent."""
        table = self.key_positions if key else self.positions
        while path:
            if path in table:
                return table[path]
            if path in self.key_positions:
                return self.key_positions[path]
            path = path[:-1]
        return self.positions.get((), (1, 1))


def parse(
    yaml_text: str, first_line: int, file: str, lines: Sequence[str]
) -> tuple[YamlDoc | None, list[Diagnostic]]:
    """Read the front matter; every problem becomes a diagnostic pointing into the file."""
    if len(yaml_text.encode("utf-8", "replace")) > MAX_FRONT_MATTER:
        size = len(yaml_text.encode("utf-8", "replace")) // 1024
        return None, [diagnostic("E031", f"front matter is {size} KB; the limit is 64 KB", file,
                                 first_line, 1, hint="keep long text in the episode body",
                                 source=lines)]
    slips = scan(yaml_text, first_line)
    try:
        node = yaml.compose(yaml_text, Loader=_Loader)
    except yaml.MarkedYAMLError as err:
        if any(s.code.startswith("E") for s in slips):  # the cause, not where YAML gave up
            return None, slip_diagnostics(slips, file, lines)
        return None, [_syntax_error(err, first_line, file, lines)]
    except yaml.YAMLError as err:
        return None, [diagnostic("E012", f"YAML error: {err}", file, first_line, 1,
                                 source=lines)]
    aliases = _aliases(yaml_text, first_line, file, lines)
    if aliases:
        return None, aliases
    if node is None:  # an empty block: a mapping with no keys, at the first YAML line
        start = yaml.error.Mark("front matter", 0, -1, 0, None, 0)  # the opening ---
        node = MappingNode(_MAP_TAG, [], start_mark=start, end_mark=start)
    reader = _Reader(first_line, file, lines)
    value = reader.value(node, ())
    if reader.diagnostics:
        return None, reader.diagnostics
    if not isinstance(value, dict):
        if any(s.code.startswith("E") for s in slips):  # `host： 羡鱼` alone reads as one string
            return None, slip_diagnostics(slips, file, lines)
        line, col = reader.at(node)
        return None, [diagnostic("E013", "front matter must be a mapping of keys to values",
                                 file, line, col, hint="write one 'key: value' per line",
                                 source=lines)]
    return YamlDoc(value, reader.positions, reader.key_positions, reader.raw, slips), []


def slip_diagnostics(slips: Sequence[Slip], file: str, lines: Sequence[str]) -> list[Diagnostic]:
    return [diagnostic(s.code, s.message, file, s.line, s.column, hint=s.hint, source=lines,
                       width=s.width) for s in slips]


def _syntax_error(err: yaml.MarkedYAMLError, first_line: int, file: str,
                  lines: Sequence[str]) -> Diagnostic:
    """YAML's own complaint, at its mark, when no typing slip explains it."""
    problem = err.problem or err.context or "invalid YAML"
    mark = err.problem_mark or err.context_mark
    if "expected ':'" in problem and err.context_mark:  # YAML notices on the next line
        mark = err.context_mark
    line, col = (first_line + mark.line, mark.column + 1) if mark else (first_line, 1)
    if 1 <= line <= len(lines) and lines[line - 1][col - 1 : col] == "\t":
        return diagnostic("E036", "a tab here; YAML allows only spaces between its marks", file,
                          line, col, hint="replace the tab (shown as →) with a space",
                          source=lines, width=1)
    if line > len(lines) or "end of stream" in problem:  # point at the last written character
        line = min(line, max(len(lines), 1))
        while line > first_line and not lines[line - 1].strip():
            line -= 1
        col = max(len(lines[line - 1].rstrip()), 1) if lines else 1
    return diagnostic("E012", f"YAML syntax error: {problem}", file, line, col,
                      hint=_yaml_hint(problem), source=lines, width=1)


def _aliases(yaml_text: str, first_line: int, file: str, lines: Sequence[str]) -> list[Diagnostic]:
    """Aliases are refused where they are written (composed nodes only know the anchor)."""
    if "*" not in yaml_text:
        return []
    return [diagnostic("E030", "YAML aliases (*name) are not allowed in front matter", file,
                       first_line + token.start_mark.line, token.start_mark.column + 1,
                       hint="write the value out instead of referring to an anchor", source=lines)
            for token in yaml.scan(yaml_text, Loader=_Loader)
            if isinstance(token, yaml.AliasToken)]


def _yaml_hint(problem: str) -> str:
    if "expected ':'" in problem:
        return "a key needs an ASCII colon and a space after it, e.g. host: 羡鱼"
    if "mapping values" in problem:
        return "a value containing ': ' must be quoted, e.g. title: \"A: B\""
    if "cannot start any token" in problem:
        return "a value that starts with @ or ` must be quoted, e.g. host: \"@羡鱼\""
    if "tab" in problem:
        return "indent YAML with spaces, not tabs"
    return "check the indentation and quoting on this line"


class _Reader:
    """Turns composed nodes into plain values, refusing tags, aliases and duplicate keys."""

    def __init__(self, first_line: int, file: str, lines: Sequence[str]) -> None:
        self.first_line, self.file, self.lines = first_line, file, lines
        self.positions: dict[KeyPath, tuple[int, int]] = {}
        self.key_positions: dict[KeyPath, tuple[int, int]] = {}
        self.diagnostics: list[Diagnostic] = []
        self.raw: dict[KeyPath, str] = {}
        self._seen: set[int] = set()

    def at(self, node: Node) -> tuple[int, int]:
        return self.first_line + node.start_mark.line, node.start_mark.column + 1

    def fail(self, code: str, message: str, node: Node, hint: str) -> None:
        line, col = self.at(node)
        self.diagnostics.append(diagnostic(code, message, self.file, line, col, hint=hint,
                                           source=self.lines))

    def value(self, node: Node, path: KeyPath) -> Any:
        if id(node) in self._seen:
            self.fail("E030", "YAML aliases (*name) are not allowed in front matter", node,
                      "write the value out instead of referring to an anchor")
            return None
        self._seen.add(id(node))
        self.positions[path] = self.at(node)
        if isinstance(node, MappingNode) and node.tag == _MAP_TAG:
            return self.mapping(node, path)
        if isinstance(node, SequenceNode) and node.tag == _SEQ_TAG:
            return [self.value(item, (*path, i)) for i, item in enumerate(node.value)]
        if isinstance(node, ScalarNode) and node.tag in _PLAIN_TAGS:
            self.raw[path] = node.value
            return self.scalar(node)
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        self.fail("E030", f"YAML tag {tag} is not allowed in front matter", node,
                  "remove the tag; front matter holds plain strings, numbers, dates and lists")
        return None

    def mapping(self, node: MappingNode, path: KeyPath) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = self.value(key_node, (*path, "<key>"))
            if not isinstance(key, str | int) or isinstance(key, bool):
                self.fail("E013", "keys must be plain words", key_node, "write 'key: value'")
                continue
            key = str(key)
            if key in out:
                first = self.key_positions[(*path, key)][0]
                self.fail("E029", f'key "{key}" is given twice (first on line {first})', key_node,
                          "keep one of the two; YAML would silently use the last")
                continue
            self.key_positions[(*path, key)] = self.at(key_node)
            out[key] = self.value(value_node, (*path, key))
        return out

    def scalar(self, node: ScalarNode) -> Any:
        # a plain tag (checked by the caller), so SafeConstructor has a constructor for it;
        # not construct_object, which keeps every node it is given
        make = _constructor.yaml_constructors[node.tag]
        try:
            return make(_constructor, node)
        except (ValueError, OverflowError, yaml.YAMLError):
            return node.value  # e.g. 2023-13-01: keep the text, the date check reports it

"""【label】 lines → the episode's front matter values, with what was only partly read.

A label's value may continue on the following lines of its paragraph (wrapped in the
PDF, hard-wrapped by a converter); those lines belong to the value. A label line leaves
the text only when its whole value went into the front matter: nothing is lost.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from . import labels

Warn = Callable[[str, str, int, str], None]  # code, message, 0-based line, hint


@dataclass
class Meta:
    title: str = ""
    numbers: list[tuple[int, str, int]] = field(default_factory=list)  # (number, from, line)
    label: str | None = None  # a special episode: 番外02
    date: labels.When | None = None
    hosts: tuple[str, ...] = ()
    editors: list[str] = field(default_factory=list)
    video: str = ""
    summary: str = ""
    topics: list[str] = field(default_factory=list)
    contributors: list[str] = field(default_factory=list)
    sections: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    def read_title(self, line: int) -> None:
        """The title's number (`OpenLLM Talk 001`) or special name (`番外02`)."""
        found = labels.number_in(self.title)
        self.label = labels.special(self.title)
        if found is not None:
            self.numbers.append((found, "the title", line))


class MetaReader:
    """Reads the label lines of each paragraph into `meta`; returns the lines to keep."""

    def __init__(self, meta: Meta, warn: Warn) -> None:
        self.meta, self.warn = meta, warn
        self.kind = ""  # the section the paragraph is in ("" for the intro)

    def paragraph(self, lines: list[str], first: int) -> list[str]:
        kept: list[str] = []
        n = 0
        while n < len(lines):
            label = labels.read_label(lines[n])
            end = n + 1
            while end < len(lines) and labels.read_label(lines[end]) is None and label:
                end += 1  # the value continues on lines that start no other label
            if label is None or label.field is None:
                kept.extend(lines[n:end])
            else:
                value = label.value
                for more in lines[n + 1:end]:
                    value = _join(value, more.strip())
                whole = labels.Label(label.field, label.label, value)
                if not self.take(whole, first + n):
                    kept.extend(lines[n:end])
            n = end
        if kept:
            kept[0] = kept[0].lstrip()
        return kept

    def take(self, label: labels.Label, line: int) -> bool:
        """Put a label's value in the front matter; True when the line is fully represented."""
        value, meta = label.value, self.meta
        if not value:
            return False
        if label.field == "number":
            found = labels.number_in(value)
            if found is not None:
                meta.numbers.append((found, f"【{label.label}】", line))
            return value.strip().isdigit()  # `000 (三位数是…)` stays as text
        if label.field == "date":
            if meta.date is not None and meta.date.date is not None:
                return False
            when = labels.when(value)
            meta.date = when
            took = [str(when.date)] if when.date else []
            return self.complete(when.complete, label, line, "date", took + [when.time or ""])
        if label.field == "summary":
            meta.summary = meta.summary or labels.unescape(value)
            meta.topics += [t for t in labels.topics(value).values if t not in meta.topics]
            return True
        if label.field == "video":
            taken = labels.video(value)
            meta.video = meta.video or (taken.values[0] if taken.values else "")
            return self.complete(taken.complete, label, line, "video", taken.values)
        if label.field == "topics":
            taken = labels.topics(value)
            self.target("topics").extend(t for t in taken.values if t not in self.target("topics"))
            return self.complete(taken.complete, label, line, "topics", taken.values)
        taken = labels.names(value)
        if label.field == "host":
            meta.hosts = meta.hosts or taken.values
            return self.complete(taken.complete, label, line, "host", taken.values)
        people = meta.contributors if label.field == "episode_contributors" else \
            meta.editors if label.field == "editors" else self.target("contributors")
        people.extend(p for p in taken.values if p not in people)
        what = (label.field or "").replace("episode_", "")
        return self.complete(taken.complete, label, line, what, taken.values)

    def target(self, key: str) -> list[str]:
        if not self.kind:
            return self.meta.topics if key == "topics" else self.meta.contributors
        return self.meta.sections.setdefault(self.kind, {}).setdefault(key, [])

    def complete(self, complete: bool, label: labels.Label, line: int, what: str,
                 took: Sequence[str]) -> bool:
        """Warn when part of a value was not used; the line then stays in the text."""
        if not complete:
            shown = " ".join(t for t in took if t)
            read = f"was only partly read: {what} {shown}" if shown else f"was not read as {what}"
            self.warn("W054", f'【{label.label}】 "{label.value}" {read}; the line stays in the '
                      "text", line, f"check {what} in the front matter of the result")
        return complete


def _join(before: str, after: str) -> str:
    wide = before[-1:] > "\u2e80" or after[:1] > "\u2e80"
    return before + after if wide or not before else before + " " + after

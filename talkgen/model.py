"""The content model: plain frozen values, no I/O and no rendering."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Heading:
    """A heading inside a section, for the table of contents."""

    level: int
    text: str
    anchor: str


@dataclass(frozen=True)
class Question:
    """A Free Talk question; its answer is the section's HTML up to the next level-3 heading
    (site/qa.split_questions), and it is open when nothing is written there."""

    label: str  # "Q1", or "Q" when unnumbered
    text: str
    asker: str | None
    anchor: str
    answered: bool
    line: int

    @property
    def is_open(self) -> bool:
        return not self.answered


@dataclass(frozen=True)
class Reference:
    """Something an episode mentions (paper, repository, model, link, 《title》), for the
    reading list; `where` is the anchor of the heading or section it is under."""

    key: str  # identity across the site, e.g. "arxiv:2307.09288", "github:owner/repo"
    kind: str
    title: str
    url: str
    where: str


@dataclass(frozen=True)
class Section:
    """One section of an episode, rendered, with what the site's indexes need from it."""

    kind: str  # a key of structure.SECTION_KINDS
    title: str  # the heading as written
    anchor: str
    html: str
    headings: tuple[Heading, ...] = ()
    contributors: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    questions: tuple[Question, ...] = ()
    line: int = 0


@dataclass(frozen=True)
class EpisodeLink:
    """A link from one episode to another episode's file, checked once all are loaded."""

    target: int
    line: int
    column: int
    width: int
    href: str


@dataclass(frozen=True)
class AssetLink:
    """A relative picture in an episode (assets.py), checked once all files are known."""

    path: str  # site-relative, e.g. "episodes/images/001/a.jpg"
    line: int
    column: int
    width: int
    written: str


@dataclass(frozen=True)
class Episode:
    """One episode, parsed and rendered: what every page about it is built from."""

    number: int
    date: dt.date
    hosts: tuple[str, ...]
    title: str
    source: str  # path relative to the site root, for diagnostics
    summary: str = ""
    time: str = ""
    topics: tuple[str, ...] = ()
    contributors: tuple[str, ...] = ()
    draft: bool = False
    label: str = ""  # e.g. "番外02": shown instead of the number
    video: str = ""  # the recording's URL
    editors: tuple[str, ...] = ()
    chapters: tuple[tuple[int, str, str], ...] = ()  # (seconds, title, anchor), in time order
    intro_html: str = ""
    sections: tuple[Section, ...] = ()
    links: tuple[EpisodeLink, ...] = ()
    references: tuple[Reference, ...] = ()  # read once when loaded (readinglist.found_in)
    assets: tuple[AssetLink, ...] = ()
    reading_minutes: int = 1  # worked out once when loaded (content/reading_time.py)
    key_lines: tuple[tuple[str, int], ...] = field(default=(), repr=False)  # for site checks

    def line_of(self, key: str) -> int:
        """The file line of a front matter key (1 when it is not written)."""
        return dict(self.key_lines).get(key, 1)

    @property
    def anchors(self) -> frozenset[str]:
        """Every heading anchor a link `NNN.md#anchor` may point at."""
        return frozenset(a for s in self.sections for a in (s.anchor, *(h.anchor for h in s.headings)))

    @property
    def all_topics(self) -> tuple[str, ...]:
        """Episode topics, then section topics, first spelling kept, in order."""
        return _unique((*self.topics, *(t for s in self.sections for t in s.topics)))

    @property
    def all_contributors(self) -> tuple[str, ...]:
        return _unique((*self.contributors, *(c for s in self.sections for c in s.contributors)))

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for s in self.sections for q in s.questions)


@dataclass(frozen=True)
class Topic:
    """A topic and the episodes and sections tagged with it."""

    name: str
    slug: str
    episodes: tuple[int, ...]  # episodes tagged at episode level or in a section
    sections: tuple[tuple[int, str], ...]  # (episode number, section kind)


@dataclass(frozen=True)
class Contributor:
    """A person and the episodes they hosted, contributed to or asked a question in."""

    name: str
    slug: str
    hosted: tuple[int, ...]
    contributed: tuple[tuple[int, str | None], ...]  # (episode, section kind or None)
    asked: tuple[tuple[int, str], ...]  # (episode, question anchor)


@dataclass(frozen=True)
class Site:
    """All published episodes, newest first, with the indexes derived from them."""

    episodes: tuple[Episode, ...]
    topics: tuple[Topic, ...]
    contributors: tuple[Contributor, ...]
    by_number: Mapping[int, Episode] = field(default_factory=dict, compare=False)


def identity(name: str) -> str:
    """Names that differ only in case or width are one: the key we compare by."""
    return unicodedata.normalize("NFKC", name).casefold().strip()


def _unique(names: tuple[str, ...]) -> tuple[str, ...]:
    seen: set[str] = set()
    out = []
    for name in names:
        key = identity(name)
        if key and key not in seen:
            seen.add(key)
            out.append(name)
    return tuple(out)

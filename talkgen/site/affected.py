"""Which pages an edit to some episodes can change: the dependency rules of an incremental rebuild.

Pure functions of two Sites (before and after). A page kind not named here is always
re-rendered, so a new kind of page (a feed, a sitemap) is correct before it is optimised.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass
from operator import itemgetter
from typing import TypeVar

from ..model import Contributor, Episode, Site, Topic, identity
from ..urls import (
    CONTRIBUTORS,
    INDEX,
    NOT_FOUND,
    QUESTIONS,
    READING,
    TOPICS,
    contributor_path,
    episode_path,
    page_file,
    topic_path,
)
from .indexes import related

Related = Mapping[int, tuple[int, ...]]
T = TypeVar("T", Topic, Contributor)


@dataclass(frozen=True)
class Change:
    """The pages to re-render after an edit, or `everything` when the edit reaches every page."""

    pages: frozenset[str]
    everything: bool = False


EVERYTHING = Change(frozenset(), everything=True)


def related_map(site: Site, numbers: Iterable[int] | None = None,
                previous: Related | None = None) -> dict[int, tuple[int, ...]]:
    """Episode → its related episodes; only `numbers` are recomputed when `previous` is given."""
    index = {identity(t.name): t for t in site.topics}
    result = dict(previous or {})
    todo = site.episodes if numbers is None else [site.by_number[n] for n in numbers
                                                  if n in site.by_number]
    for e in todo:
        result[e.number] = tuple(r.number for r in related(site, e, index))
    return result


def sharing_a_topic(site: Site, episodes: Iterable[Episode]) -> set[int]:
    """Episodes that share a topic with any of `episodes`: the only ones whose related list moves."""
    index = {identity(t.name): t for t in site.topics}
    found: set[int] = set()
    for e in episodes:
        found.add(e.number)
        for name in e.all_topics:
            topic = index.get(identity(name))
            found.update(topic.episodes if topic else ())
    return found


def same_topics(old: Site, new: Site, numbers: Iterable[int]) -> bool:
    """Whether the episodes' topics are as before: then no list of related episodes moves."""
    def topics(site: Site, n: int) -> list[str] | None:
        e = site.by_number.get(n)
        return [identity(t) for t in e.all_topics] if e else None
    return all(topics(old, n) == topics(new, n) for n in numbers)


def changed_numbers(old: Site, new: Site) -> set[int]:
    """Episodes whose content differs; unchanged files keep the very same Episode object."""
    numbers = old.by_number.keys() | new.by_number.keys()
    return {n for n in numbers if old.by_number.get(n) is not new.by_number.get(n)
            and old.by_number.get(n) != new.by_number.get(n)}


def affected(old: Site, new: Site, changed: Set[int], old_related: Related,
             new_related: Related, paths: Iterable[str]) -> Change:
    """The pages among `paths` (the new site's) whose HTML an edit of `changed` may alter."""
    if not changed:
        return Change(frozenset())
    if [e.number for e in old.episodes] != [e.number for e in new.episodes] \
            or _renamed(old.topics, new.topics) or _renamed(old.contributors, new.contributors):
        return EVERYTHING  # the footer count, prev/next chains or links on every page move
    wanted = {page_file(episode_path(n)) for n in _episode_pages(new, changed, old_related,
                                                                     new_related)}
    wanted |= {page_file(topic_path(t.slug)) for t in _both(old.topics, new.topics)
               if _any_in(changed, t.episodes, t.sections)}
    wanted |= {page_file(contributor_path(c.slug)) for c in _both(old.contributors, new.contributors)
               if _any_in(changed, c.hosted, c.contributed, c.asked)}
    if _topic_counts(old) != _topic_counts(new):
        wanted.add(page_file(TOPICS))
    if _people_counts(old) != _people_counts(new):
        wanted.add(page_file(CONTRIBUTORS))
    pairs = [(old.by_number.get(n), new.by_number.get(n)) for n in changed]
    cards = [(a, b) for a, b in pairs if card(a) != card(b)]
    if cards:
        wanted.add(page_file(""))  # the home page: every episode's card
    for folder, listed in ((QUESTIONS, _questions), (READING, _references)):
        # each lists what episodes asked or mentioned, with the episode's card beside it
        if any(listed(a) != listed(b) for a, b in pairs) \
                or any(listed(a) or listed(b) for a, b in cards):
            wanted.add(page_file(folder))
    return Change(frozenset(p for p in paths if p in wanted or not _known(p)))


def card(e: Episode | None) -> tuple[object, ...] | None:
    """What every list shows of an episode: all that render.Renderer._card reads of it (a test
    changes each field of an Episode and checks that a change of the card changes this too)."""
    if e is None:
        return None
    return (e.number, e.label, e.title, e.date, e.hosts, e.all_topics, e.summary, e.draft,
            bool(e.video))


def _questions(e: Episode | None) -> tuple[tuple[object, ...], ...]:
    """What the questions page shows of an episode's questions (not their answers)."""
    return tuple((q.label, q.text, q.asker, q.anchor, q.is_open) for q in e.questions) if e else ()


def _references(e: Episode | None) -> tuple[object, ...]:
    return e.references if e else ()


def _episode_pages(site: Site, changed: Set[int], old_related: Related,
                   new_related: Related) -> set[int]:
    """The changed episodes, their neighbours (prev/next) and pages listing them as related."""
    order = [e.number for e in site.episodes]
    position = {n: i for i, n in enumerate(order)}
    pages = set(changed)
    for n in changed:
        i = position[n]
        pages.update(order[j] for j in (i - 1, i + 1) if 0 <= j < len(order))
    for n in order:
        before, after = old_related.get(n, ()), new_related.get(n, ())
        if before != after or changed & {*before, *after}:
            pages.add(n)
    return pages


def _both(old: tuple[T, ...], new: tuple[T, ...]) -> Iterable[T]:
    """Both sites' entries; once when the edit kept the index (reindex.py shares the tuple)."""
    return old if old is new else old + new


def _any_in(changed: Set[int], numbers: Iterable[int],
            *pairs: Iterable[tuple[int, object]]) -> bool:
    """Whether a changed episode is among `numbers` or the first items of `pairs` (a host has
    hundreds of mentions: set.isdisjoint walks them without a Python loop)."""
    mine = changed if isinstance(changed, (set, frozenset)) else set(changed)
    return not mine.isdisjoint(numbers) or any(not mine.isdisjoint(map(_first, p)) for p in pairs)


_first = itemgetter(0)


def _renamed(old: Iterable[Topic | Contributor], new: Iterable[Topic | Contributor]) -> bool:
    """A name kept across the edit but shown differently or at another URL: links everywhere move."""
    before = {identity(x.name): (x.name, x.slug) for x in old}
    after = {identity(x.name): (x.name, x.slug) for x in new}
    return any(before[k] != after[k] for k in before.keys() & after.keys()) \
        or any(slug in {s for _, s in before.values()} and key not in before
               for key, (_, slug) in after.items())


def _topic_counts(site: Site) -> list[tuple[str, str, int]]:
    return [(t.name, t.slug, len(t.episodes)) for t in site.topics]


def _people_counts(site: Site) -> list[tuple[str, str, int, int, int]]:
    return [(c.name, c.slug, len(c.hosted), len(c.contributed), len(c.asked))
            for c in site.contributors]


def _known(path: str) -> bool:
    """Page kinds whose dependencies the rules above describe; every other page is re-rendered."""
    parts = path.split("/")
    return (len(parts) == 3 and f"{parts[0]}/" in ("episodes/", TOPICS, CONTRIBUTORS)
            and parts[2] == INDEX) \
        or path in (page_file(""), page_file(TOPICS), page_file(CONTRIBUTORS),
                    page_file(QUESTIONS), page_file(READING), NOT_FOUND)

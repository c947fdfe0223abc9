"""All episodes → the Site: indexes of topics and people, slugs, site-wide checks. No I/O."""

from __future__ import annotations

import bisect
import hashlib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any, TypeVar
from urllib.parse import unquote

from ..content.markdown import heading_slug
from ..content.sense import check_episodes
from ..diagnostics import Diagnostic, diagnostic
from ..model import Contributor, Episode, EpisodeLink, Site, Topic, identity

MAX_SLUG = 80  # characters, so that URLs stay readable
MAX_SLUG_BYTES = 120  # UTF-8 bytes, "-<digest>" included: a file name may have 255, so a "-<n>"
# suffix for a collision always fits
T = TypeVar("T", bound=int | tuple[int, Any])
RELATED = 5


def slugify(name: str) -> str:
    """A readable, safe path segment: `State of GPT` → `state-of-gpt`, `位置编码` stays."""
    text = unicodedata.normalize("NFKC", name).casefold()
    slug = re.sub(r"[^\w]+", "-", text).strip("-_")
    digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]
    if not slug:
        return f"x-{digest}"
    if len(slug) > MAX_SLUG or len(slug.encode("utf-8")) > MAX_SLUG_BYTES:
        room = len(digest) + 1  # the whole slug stays within both limits, so it slugifies to itself
        cut = slug[: MAX_SLUG - room].encode("utf-8")[: MAX_SLUG_BYTES - room]
        return f"{cut.decode('utf-8', 'ignore').rstrip('-_')}-{digest}"
    return slug


def assign_slugs(names: Iterable[str]) -> dict[str, str]:
    """identity → slug, unique; collisions get -2, -3 … in sorted order, so it is stable."""
    slugs: dict[str, str] = {}
    taken: set[str] = set()
    for key in sorted({identity(n) for n in names}):
        base = slugify(key)
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        slugs[key] = slug
    return slugs


def check_site(episodes: Sequence[Episode], unloaded: Collection[int] = ()) -> list[Diagnostic]:
    """Rules that need every episode: duplicate numbers and links to missing episodes.

    `unloaded` are numbers whose file exists but has errors: links to them are not reported
    (the cause is, in that file).
    """
    out: list[Diagnostic] = []
    first: dict[int, Episode] = {}
    for episode in sorted(episodes, key=lambda e: e.source):
        if episode.number in first:
            other = first[episode.number].source
            out.append(diagnostic("E019", f"episode number {episode.number} is also used by "
                                  f"{other}", episode.source, 1, 1,
                                  hint="give each episode its own number and file name"))
        else:
            first[episode.number] = episode
    for episode in episodes:
        for link in episode.links:
            if link.target in unloaded and link.target not in first:
                continue
            if link.target not in first:
                out.append(diagnostic("E027", f'link to "{link.href}", but there is no episode '
                                      f"{link.target}", episode.source, link.line, link.column,
                                      hint=_nearest_episodes(link.target, first),
                                      width=link.width))
            elif (missing := _missing_anchor(episode.source, link, first[link.target])):
                out.append(missing)
    return out + check_episodes(episodes)


def _nearest_episodes(target: int, numbers: Iterable[int]) -> str:
    near = sorted(numbers, key=lambda n: (abs(n - target), n))[:2]
    shown = " or ".join(f"{n:03d}.md" for n in sorted(near))
    return f"check the number in the link; the nearest episodes are {shown}" if near else \
        "check the episode number in the link"


def _missing_anchor(source: str, link: EpisodeLink, target: Episode) -> Diagnostic | None:
    """`002.md#本周精典` when episode 2 has no such heading: say which one is closest."""
    _, _, fragment = unquote(link.href).partition("#")
    anchors = target.anchors
    if not fragment or fragment in anchors or heading_slug(fragment) in anchors:
        return None
    import difflib  # only to word an error: not imported by every build

    close = difflib.get_close_matches(heading_slug(fragment), sorted(anchors), n=1, cutoff=0.4)
    page = link.href.partition("#")[0]
    hint = f"write {page}#{close[0]}" if close else \
        f"link to {page} without #…, or to one of its headings: {', '.join(sorted(anchors)[:5])}"
    return diagnostic("W047", f'link to "{unquote(link.href)}", but episode {target.number} has '
                      f'no heading "{fragment}"' + (f'; did you mean "{close[0]}"?' if close else ""),
                      source, link.line, link.column, hint=hint,
                      width=link.width)


def involving(diagnostics: Iterable[Diagnostic], episodes: Iterable[Episode],
              files: set[str]) -> list[Diagnostic]:
    """Diagnostics about `files`, plus duplicate numbers they share with other files."""
    by_source = {e.source: e.number for e in episodes}
    numbers = {by_source[f] for f in files if f in by_source}
    return [d for d in diagnostics if d.location.file in files
            or (d.code == "E019" and by_source.get(d.location.file) in numbers)]


def build_site(episodes: Iterable[Episode], drafts: bool = False,
               aliases: Mapping[str, str] | None = None) -> Site:
    """Published episodes (newest first) and the indexes derived from them.

    `aliases` maps the identity of a name to the name it stands for (talkgen.yaml `people:`).
    """
    shown = published(episodes, drafts)
    oldest_first = list(reversed(shown))
    return Site(
        episodes=tuple(shown),
        topics=_topics(oldest_first),
        contributors=_contributors(oldest_first, aliases or {}),
        by_number={e.number: e for e in shown},
    )


def published(episodes: Iterable[Episode], drafts: bool = False) -> list[Episode]:
    """The episodes a site shows, newest first: drafts only when asked for."""
    return sorted((e for e in episodes if drafts or not e.draft), key=lambda e: e.number,
                  reverse=True)


def _topics(episodes: Sequence[Episode]) -> tuple[Topic, ...]:
    names: dict[str, str] = {}
    tagged: dict[str, list[int]] = defaultdict(list)
    in_sections: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for e in episodes:
        for name in e.all_topics:
            names.setdefault(identity(name), name)
            tagged[identity(name)].append(e.number)
        for s in e.sections:
            for name in s.topics:
                in_sections[identity(name)].append((e.number, s.kind))
    slugs = assign_slugs(names)
    topics = [Topic(names[k], slugs[k], tuple(reversed(tagged[k])), tuple(in_sections[k]))
              for k in names]
    return tuple(sorted(topics, key=lambda t: (-len(t.episodes), identity(t.name))))


def _contributors(episodes: Sequence[Episode],
                  aliases: Mapping[str, str]) -> tuple[Contributor, ...]:
    names: dict[str, str] = {}
    hosted: dict[str, list[int]] = defaultdict(list)
    contributed: dict[str, list[tuple[int, str | None]]] = defaultdict(list)
    asked: dict[str, list[tuple[int, str]]] = defaultdict(list)

    def person(name: str) -> str:
        registered = aliases.get(identity(name))
        key = identity(registered or name)
        names.setdefault(key, registered or name)
        return key

    for e in episodes:
        for name in e.hosts:
            hosted[person(name)].append(e.number)
        for name in e.contributors:
            contributed[person(name)].append((e.number, None))
        for s in e.sections:
            for name in s.contributors:
                contributed[person(name)].append((e.number, s.kind))
        for q in e.questions:
            if q.asker:
                asked[person(q.asker)].append((e.number, q.anchor))
    slugs = assign_slugs(names)
    people = [Contributor(names[k], slugs[k], _newest_first(hosted[k]),
                          _newest_first(contributed[k]), _newest_first(asked[k]))
              for k in names]
    return tuple(sorted(people, key=lambda c: (-_weight(c), identity(c.name))))


def _newest_first(items: list[T]) -> tuple[T, ...]:
    """Newest episode first, keeping the order within an episode (sorted() is stable)."""
    return tuple(sorted(items, key=_episode_number, reverse=True))


def _episode_number(item: int | tuple[int, Any]) -> int:
    return item if isinstance(item, int) else item[0]


def _weight(c: Contributor) -> int:
    return len(c.hosted) + len(c.contributed) + len(c.asked)


def related(site: Site, episode: Episode, topic_index: dict[str, Topic]) -> list[Episode]:
    """Episodes sharing the most topics; ties go to the nearer, then the newer episode."""
    numbers = _related_index(site, topic_index).related(episode)
    return [site.by_number[n] for n in numbers if n in site.by_number]


class _RelatedIndex:
    """Finds related episodes without counting every episode of every shared topic, which
    is quadratic (a topic holds a fixed share of all episodes): episodes sharing two or more
    topics come from an index of topic pairs (few each), the rest are the nearest numbers
    in each topic's sorted list."""

    def __init__(self, topic_index: dict[str, Topic]) -> None:
        self.topic_index = topic_index
        self.sorted: dict[str, list[int]] = {}
        self.pairs: dict[tuple[str, str], list[int]] = defaultdict(list)
        memberships: dict[int, list[str]] = defaultdict(list)
        for key, topic in topic_index.items():
            self.sorted[key] = sorted(topic.episodes)
            for number in topic.episodes:
                memberships[number].append(key)
        for number, keys in memberships.items():
            keys.sort()
            for i, first in enumerate(keys):
                for second in keys[i + 1:]:
                    self.pairs[(first, second)].append(number)
        self.memberships = {number: set(keys) for number, keys in memberships.items()}

    def related(self, episode: Episode) -> list[int]:
        me = episode.number
        keys = sorted({identity(name) for name in episode.all_topics} & self.sorted.keys())

        def rank(n: int, shared: int) -> tuple[int, int, int]:
            return (-shared, abs(n - me), -n)

        several = {n for i, first in enumerate(keys) for second in keys[i + 1:]
                   for n in self.pairs.get((first, second), ()) if n != me}
        mine = set(keys)
        best = sorted((rank(n, len(self.memberships[n] & mine)), n) for n in several)
        wanted = RELATED - len(best)
        if wanted > 0:  # the nearest episodes sharing exactly one topic
            near: set[tuple[tuple[int, int, int], int]] = set()
            for key in keys:
                numbers = self.sorted[key]
                at = bisect.bisect_left(numbers, me)
                for step, start in ((-1, at - 1), (1, at)):
                    found, i = 0, start
                    while 0 <= i < len(numbers) and found < wanted:
                        n = numbers[i]
                        if n != me and n not in several:
                            near.add((rank(n, 1), n))
                            found += 1
                        i += step
            best += sorted(near)[:wanted]
        return [n for _, n in best[:RELATED]]


_cached: list[tuple[dict[str, Topic], _RelatedIndex]] = []


def _related_index(site: Site, topic_index: dict[str, Topic]) -> _RelatedIndex:
    """One index per topic index (a Renderer or a build holds one per site)."""
    for known, index in _cached:
        if known is topic_index:
            return index
    index = _RelatedIndex(topic_index)
    _cached[:] = [(topic_index, index)]
    return index

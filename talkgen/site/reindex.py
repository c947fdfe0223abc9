"""The Site after an edit, keeping the old topic and people indexes when the edit left them alone.

Editing an episode's text is the common edit in a live preview, and it changes no index:
topics and people hold episode numbers, not episodes. Building them again costs tens of
milliseconds at 1000 episodes; comparing the few fields they are made of costs microseconds.
The fields below must be the ones indexes.build_site reads (tests/test_reindex.py checks
that the result always equals a fresh build_site).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..model import Episode, Site
from .indexes import build_site, published

IndexedFields = tuple[object, ...]


def indexed_fields(e: Episode) -> IndexedFields:
    """What the topic and people indexes read from an episode (indexes._topics, _contributors)."""
    return (e.number, e.draft, e.topics, e.hosts, e.contributors,
            tuple((s.kind, s.topics, s.contributors,
                   tuple((q.asker, q.anchor) for q in s.questions)) for s in e.sections))


def reindex(old: Site | None, episodes: Iterable[Episode], *, drafts: bool = False,
            aliases: Mapping[str, str] | None = None) -> Site:
    """`build_site(episodes)`, reusing `old`'s indexes when no episode changed an indexed field
    (`old` must have been built with the same `drafts` and `aliases`)."""
    episodes = list(episodes)
    if old is None:
        return build_site(episodes, drafts=drafts, aliases=aliases)
    shown = published(episodes, drafts)
    if len(shown) != len(old.episodes) or any(
            e is not before and indexed_fields(e) != indexed_fields(before)
            for e, before in zip(shown, old.episodes, strict=True)):
        return build_site(episodes, drafts=drafts, aliases=aliases)
    return Site(episodes=tuple(shown), topics=old.topics, contributors=old.contributors,
                by_number={e.number: e for e in shown})

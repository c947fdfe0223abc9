"""The rebuild planner: after an edit, which pages need rendering again and the new related lists.

One pure function shared by both executors of an incremental rebuild: the warm build
(build.py hard-links the pages it need not render) and the preview (preview_site.py marks
them stale and renders them on demand). Keeping the decision here means the two cannot
drift apart; affected.py holds the dependency rules it applies.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..model import Site
from .affected import Related, affected, changed_numbers, related_map, same_topics, sharing_a_topic


@dataclass(frozen=True)
class Rebuild:
    """What an edit needs: every episode's related episodes, and the pages to render again."""

    related: dict[int, tuple[int, ...]]
    pages: frozenset[str]  # output paths of the new site; empty when `everything`
    everything: bool = False

    def needs(self, path: str) -> bool:
        return self.everything or path in self.pages


def plan_rebuild(old: Site | None, new: Site, old_related: Related | None,
                 paths: Iterable[str]) -> Rebuild:
    """The pages among `paths` (the new site's) that the edit from `old` to `new` can change.

    Without a previous site (a cold start, a lost cache) everything is rendered. Related lists
    are recomputed only for episodes sharing a topic with a changed one, and not at all when
    the changed episodes kept their topics.
    """
    if old is None or old_related is None:
        return Rebuild(related_map(new), frozenset(), everything=True)
    numbers = changed_numbers(old, new)
    if not numbers:
        return Rebuild(dict(old_related), frozenset())
    related = dict(old_related)
    if not same_topics(old, new, numbers):
        moved = sharing_a_topic(old, [old.by_number[n] for n in numbers if n in old.by_number]) \
            | sharing_a_topic(new, [new.by_number[n] for n in numbers if n in new.by_number])
        related = related_map(new, moved, old_related)
    change = affected(old, new, numbers, old_related, related, paths)
    if change.everything:  # episodes came or went: recompute every list from scratch
        return Rebuild(related_map(new), frozenset(), everything=True)
    return Rebuild(related, change.pages)

"""Related episodes come from an index (topic pairs, nearest numbers), not from counting every
episode of every shared topic; the result is the counting rule's, exactly."""

from __future__ import annotations

from collections import Counter
from types import SimpleNamespace
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from talkgen.model import Topic, identity
from talkgen.site.indexes import RELATED, related

TOPICS = ["RLHF", "位置编码", "LoRA", "长文本", "评测", "量化"]


def counted(episode: Any, topic_index: dict[str, Topic], numbers: set[int]) -> list[int]:
    """The rule as written: count shared topics, rank by (most shared, nearest, newest)."""
    shared: Counter[int] = Counter()
    for name in episode.all_topics:
        topic = topic_index.get(identity(name))
        if topic:
            shared.update(n for n in topic.episodes if n != episode.number)
    ranked = sorted(shared, key=lambda n: (-shared[n], abs(n - episode.number), -n))
    return [n for n in ranked[:RELATED] if n in numbers]


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.integers(1, 60), st.sets(st.sampled_from(TOPICS), max_size=4),
                       min_size=1, max_size=40),
       st.sets(st.integers(1, 60), max_size=5))
def test_related_episodes_follow_the_counting_rule(tags: dict[int, set[str]],
                                                   hidden: set[int]) -> None:
    episodes = {n: SimpleNamespace(number=n, all_topics=tuple(sorted(names)))
                for n, names in tags.items()}
    topic_index = {identity(name): Topic(name, name, tuple(sorted(
        (n for n, names in tags.items() if name in names), reverse=True)), ())
        for name in TOPICS}
    shown = {n: e for n, e in episodes.items() if n not in hidden}  # e.g. drafts left out
    site = SimpleNamespace(by_number=shown)
    for episode in episodes.values():
        found = [e.number for e in related(site, episode, topic_index)]  # type: ignore[arg-type]
        assert found == counted(episode, topic_index, set(shown))


def test_two_shared_topics_beat_nearness_and_ties_go_to_the_newer() -> None:
    tags = {1: {"RLHF", "LoRA"}, 2: {"RLHF"}, 3: {"RLHF"}, 4: {"RLHF", "LoRA"}, 9: {"RLHF"},
            10: {"评测"}}
    episodes = {n: SimpleNamespace(number=n, all_topics=tuple(sorted(names)))
                for n, names in tags.items()}
    topic_index = {identity(name): Topic(name, name, tuple(
        n for n, names in tags.items() if name in names), ()) for name in TOPICS}
    site = SimpleNamespace(by_number=episodes)
    found = [e.number for e in related(site, episodes[3], topic_index)]  # type: ignore[arg-type]
    assert found == [4, 2, 1, 9]  # 4 and 2 are one away: the newer first
    found = [e.number for e in related(site, episodes[1], topic_index)]  # type: ignore[arg-type]
    assert found == [4, 2, 3, 9]

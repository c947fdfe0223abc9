"""Site-wide indexes, slugs and URLs."""

from __future__ import annotations

import datetime as dt

from talkgen.model import Episode, Question, Section
from talkgen.site.indexes import assign_slugs, build_site, related, slugify
from talkgen.urls import Urls


def episode(number: int, topics: tuple[str, ...] = (), **kw: object) -> Episode:
    return Episode(number=number, date=dt.date(2023, 1, number % 28 + 1), hosts=("羡鱼",),
                   title=f"T{number}", source=f"episodes/{number:03d}.md", topics=topics,
                   **kw)  # type: ignore[arg-type]


def test_slugs_keep_chinese_and_lowercase_ascii() -> None:
    assert slugify("位置编码") == "位置编码"
    assert slugify("State of GPT") == "state-of-gpt"
    assert slugify("RLHF 数据") == "rlhf-数据"
    assert slugify("C++/CUDA") == "c-cuda"


def test_unsafe_or_empty_names_get_safe_slugs() -> None:
    for name in ("..", "/", " ", "<script>", "a" * 500):
        slug = slugify(name)
        assert slug and "/" not in slug and slug not in (".", "..") and len(slug) <= 90


def test_colliding_slugs_are_resolved_deterministically() -> None:
    first = assign_slugs(["C++", "C--", "c"])
    second = assign_slugs(["c", "C--", "C++"])
    assert first == second
    assert sorted(first.values()) == ["c", "c-2", "c-3"]


def test_topics_differing_in_case_or_width_are_one() -> None:
    site = build_site([episode(1, ("RLHF",)), episode(2, ("rlhf",)), episode(3, ("ＲＬＨＦ",))])
    assert [(t.name, t.slug, t.episodes) for t in site.topics] == [("RLHF", "rlhf", (3, 2, 1))]


def test_drafts_are_left_out_unless_asked() -> None:
    eps = [episode(1), episode(2, draft=True)]
    assert [e.number for e in build_site(eps).episodes] == [1]
    assert [e.number for e in build_site(eps, drafts=True).episodes] == [2, 1]


def test_contributors_collect_hosting_sections_and_questions() -> None:
    q = Question("Q1", "为什么？", "初七", "q1", False, 10)
    s = Section("free_talk", "Free Talk", "free-talk", "", contributors=("yuhan",), questions=(q,))
    site = build_site([episode(1, sections=(s,), contributors=("Yuhan",))])
    people = {c.name: c for c in site.contributors}
    assert people["羡鱼"].hosted == (1,)
    assert people["Yuhan"].contributed == ((1, None), (1, "free_talk"))
    assert people["初七"].asked == ((1, "q1"),)


def test_related_episodes_rank_by_shared_topics_then_distance() -> None:
    eps = [episode(1, ("a", "b")), episode(2, ("a",)), episode(3, ("a", "b")), episode(9, ("a",)),
           episode(5, ("c",))]
    site = build_site(eps)
    topics = {t.name: t for t in site.topics}
    assert [e.number for e in related(site, site.by_number[1], topics)] == [3, 2, 9]


def test_urls_honour_the_base_path() -> None:
    urls = Urls("/talk/", "https://example.org/talk/")
    assert urls.home() == "/talk/"
    assert urls.episode(2) == "/talk/episodes/002/"
    assert urls.topic("位置编码") == "/talk/topics/%E4%BD%8D%E7%BD%AE%E7%BC%96%E7%A0%81/"
    assert urls.absolute("feed.xml") == "https://example.org/talk/feed.xml"
    assert Urls().episode(12, "本周经典") == "/episodes/012/#%E6%9C%AC%E5%91%A8%E7%BB%8F%E5%85%B8"

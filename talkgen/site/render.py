"""Jinja environment and view contexts: the Site → a list of Page(path, html).

Templates receive views already computed here; they never query the whole site.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from itertools import groupby, islice
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from ..content import xmltext
from ..content.config import SiteConfig
from ..content.reading_list import KINDS, Entry, anchor, reading_list
from ..messages import Messages
from ..model import Episode, Heading, Question, Section, Site, Topic, identity
from ..urls import (
    CONTRIBUTORS,
    FEED,
    NOT_FOUND,
    QUESTIONS,
    READING,
    TOPICS,
    Urls,
    contributor_path,
    episode_path,
    is_safe_link,
    page_file,
    topic_path,
)
from .indexes import related
from .macro_cache import MacroCache
from .qa import split_questions
from .template_cache import user_cache
from .template_env import environment as template_environment
from .video import recording

PIECES = 512  # template pieces of a page handed on at a time by Renderer.pieces


@dataclass(frozen=True)
class Page:
    """One rendered page and where it goes in the output folder."""

    path: str  # output path relative to the site folder, e.g. "episodes/002/index.html"
    html: str


def environment(root: Path, compiled: jinja2.BytecodeCache | None = None) -> jinja2.Environment:
    """`compiled` keeps compiled templates across environments (the preview makes one per edit);
    by default they are kept in the user's cache folder between runs."""
    env = template_environment(
        root,
        bytecode_cache=compiled if compiled is not None else user_cache(),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env


@dataclass(frozen=True)
class PlannedPage:
    """One page of the plan: call it for the Page, or take its text in pieces (a build writes
    the pieces as they come, so a 30 MB reading list at 5000 episodes is never held whole)."""

    renderer: Renderer
    path: str
    template: str
    context: Callable[[], dict[str, Any]]

    def __call__(self) -> Page:
        return self.renderer.page(self.path, self.template, self.context())

    def pieces(self) -> Iterator[str]:
        return self.renderer.pieces(self.path, self.template, self.context())


class Renderer:
    """Renders every page of a site; lookups are built once, so no page is quadratic."""

    def __init__(self, site: Site, config: SiteConfig,
                 compiled: jinja2.BytecodeCache | None = None) -> None:
        self.site, self.config = site, config
        self.urls = Urls(config.base_path, config.base_url)
        self.env = environment(config.root, compiled)
        self.topics = {identity(t.name): t for t in site.topics}
        self.people = {identity(c.name): c for c in site.contributors}
        self.people.update({alias: self.people[identity(name)]  # talkgen.yaml `people:`
                            for alias, name in config.aliases.items()
                            if identity(name) in self.people})
        self.profiles = {p.name: p.url for p in config.people if p.url and is_safe_link(p.url)}
        self.position = {e.number: i for i, e in enumerate(site.episodes)}  # newest first
        self._cards: dict[int, dict[str, Any]] = {}
        self.t = Messages(config.language)
        self.env.globals.update(site=self._site_view(), urls=self.urls, t=self.t,
                                script_messages=self.t.script_table(), cached=MacroCache())

    def pages(self) -> Iterator[Page]:
        return (render() for render in self.plan().values())

    def plan(self) -> dict[str, Callable[[], Page]]:
        """Every page as output path → how to render it, so a preview can render one on demand."""
        plan: dict[str, Callable[[], Page]] = {}

        def add(path: str, template: str, context: Callable[[], dict[str, Any]]) -> None:
            plan[path] = PlannedPage(self, path, template, context)

        add(page_file(""), "index.html", self.home)
        for episode in self.site.episodes:
            add(page_file(episode_path(episode.number)), "episode.html",
                partial(self.episode, episode))
        add(page_file(TOPICS), "topics.html", lambda: {"topics": [
            self.topic_link(t.name) | {"count": len(t.episodes)} for t in self.site.topics]})
        for topic in self.site.topics:
            add(page_file(topic_path(topic.slug)), "topic.html", partial(self.topic, topic))
        add(page_file(CONTRIBUTORS), "contributors.html", lambda: {"people": [
            self.person_link(c.name) | {"hosted": len(c.hosted), "contributed": len(c.contributed),
                                        "asked": len(c.asked)} for c in self.site.contributors]})
        for person in self.site.contributors:
            add(page_file(contributor_path(person.slug)), "contributor.html",
                partial(self.person, person))
        add(page_file(QUESTIONS), "questions.html", self.questions)
        add(page_file(READING), "reading.html", self.reading)
        add(NOT_FOUND, "404.html", dict)
        return plan

    def page(self, path: str, template: str, context: dict[str, Any]) -> Page:
        html = self.env.get_template(template).render(context, page_path=path)
        return Page(path, xmltext.clean(html))

    def pieces(self, path: str, template: str, context: dict[str, Any]) -> Iterator[str]:
        """page() in pieces: the same text, never held whole.

        The template yields hundreds of small pieces per page (800 on average); PIECES of them
        at a time are taken by islice and joined in C, then cleaned (clean-up removes single
        characters, so pieces clean alike) and written."""
        generated = self.env.get_template(template).generate(context, page_path=path)
        while batch := list(islice(generated, PIECES)):
            yield xmltext.clean("".join(batch))

    # -- views ---------------------------------------------------------------

    def _site_view(self) -> dict[str, Any]:
        c = self.config
        return {"title": c.title, "description": c.description, "language": c.language,
                "episode_count": len(self.site.episodes), "search": c.search}

    def topic_link(self, name: str) -> dict[str, str]:
        topic = self.topics[identity(name)]
        return {"name": topic.name, "url": self.urls.topic(topic.slug)}

    def person_link(self, name: str) -> dict[str, str]:
        person = self.people.get(identity(name))
        url = self.urls.contributor(person.slug) if person else ""
        return {"name": person.name if person else name, "url": url}

    def person_links(self, names: tuple[str, ...]) -> list[dict[str, str]]:
        """Links to people, each once: two aliases of one person (`people:`) are one link."""
        links: dict[tuple[str, str], dict[str, str]] = {}
        for name in names:
            link = self.person_link(name)
            links.setdefault((link["name"], link["url"]), link)
        return list(links.values())

    def episode_card(self, e: Episode) -> dict[str, Any]:
        """The summary of an episode shown in lists; made once per episode (lists share it)."""
        card = self._cards.get(e.number)
        if card is None:
            card = self._cards[e.number] = self._card(e)
        return card

    def _card(self, e: Episode) -> dict[str, Any]:
        return {
            "number": e.label or f"#{e.number:03d}",
            "url": self.urls.episode(e.number),
            "title": e.title,
            "date": e.date.isoformat(),
            "hosts": self.person_links(e.hosts),
            "topics": [self.topic_link(t) for t in e.all_topics],
            "summary": e.summary,
            "draft": e.draft,
            "video": bool(e.video),
        }

    def home(self) -> dict[str, Any]:
        years = [{"year": year, "episodes": [self.episode_card(e) for e in group]}
                 for year, group in groupby(self.site.episodes, key=lambda e: e.date.year)]
        return {"years": years}

    def episode(self, e: Episode) -> dict[str, Any]:
        position, episodes = self.position[e.number], self.site.episodes
        newer = episodes[position - 1] if position > 0 else None
        older = episodes[position + 1] if position + 1 < len(episodes) else None
        return {
            "episode": self.episode_card(e) | {"time": e.time, "reading_minutes": e.reading_minutes},
            "contributors": self.person_links(e.all_contributors),
            "intro_html": Markup(e.intro_html),
            "sections": [self.section(e, s) for s in e.sections],
            "recording": self.recording(e),
            "mentioned": self.mentioned(e),
            "previous": self.episode_card(older) if older else None,
            "next": self.episode_card(newer) if newer else None,
            "related": [self.episode_card(r) for r in related(self.site, e, self.topics)],
        }

    def recording(self, e: Episode) -> dict[str, Any] | None:
        """The video link, its click-to-load player and chapters; nothing is fetched before a click."""
        if not e.video:
            return None
        r = recording(e.video)
        return {"url": r.url, "platform": r.platform, "embed": r.embed,
                "chapters": [{"time": _clock(at), "seconds": at, "title": title,
                              "anchor": target, "link": r.link_at(at), "player": r.player_at(at)}
                             for at, title, target in e.chapters]}

    def mentioned(self, e: Episode) -> list[dict[str, str]]:
        """What this episode mentions, from this episode alone (so an edit elsewhere cannot move it)."""
        seen: dict[str, dict[str, str]] = {}
        for item in e.references:
            seen.setdefault(item.key, {"title": item.title, "kind": self.t(f"kind_{item.kind}"),
                                       "url": self.urls.url(READING) + "#" + anchor(item.key)})
        return list(seen.values())

    def section(self, e: Episode, s: Section) -> dict[str, Any]:
        questions = {q.anchor: q for q in s.questions}
        parts = [{"html": Markup(p.html),
                  "question": self.question_block(e, questions[p.anchor], p.html)
                  if p.anchor else None}
                 for p in (split_questions(s.html, questions) if questions else ())]
        return {
            "kind": s.kind,
            "title": s.title,
            "anchor": s.anchor,
            "html": Markup(s.html),
            "parts": parts,
            "headings": [self.toc_heading(h, questions.get(h.anchor)) for h in s.headings],
            "contributors": self.person_links(s.contributors),
            "topics": [self.topic_link(t) for t in s.topics],
        }

    def toc_heading(self, h: Heading, q: Question | None) -> Heading:
        """A question is listed in the TOC as "Q1：text", without the asker's "--name"."""
        return h if q is None else Heading(h.level, f"{q.label}{self.t('question_label_sep')}{q.text}",
                                           h.anchor)

    def topic(self, topic: Topic) -> dict[str, Any]:
        sections: dict[int, list[str]] = defaultdict(list)
        for number, kind in topic.sections:
            sections[number].append(kind)
        episodes = []
        for number in topic.episodes:
            e = self.site.by_number[number]
            links = [{"title": s.title, "url": self.urls.episode(number, s.anchor)}
                     for s in e.sections if s.kind in sections[number]]
            episodes.append(self.episode_card(e) | {"sections": links})
        return {"topic": {"name": topic.name, "feed": self.urls.url(topic_path(topic.slug) + FEED)},
                "episodes": episodes}

    def person(self, person: Any) -> dict[str, Any]:
        kinds: dict[int, list[str | None]] = {}
        for number, kind in person.contributed:  # newest first; one row per episode
            kinds.setdefault(number, []).append(kind)
        asked = [self.question(self.site.by_number[n], anchor) for n, anchor in person.asked]
        return {
            "person": {"name": person.name, "url": self.profiles.get(person.name, "")},
            "hosted": [self.episode_card(self.site.by_number[n]) for n in person.hosted],
            "contributed": [self.contribution(n, k) for n, k in kinds.items()],
            "asked": [q for q in asked if q],
        }

    def contribution(self, number: int, kinds: list[str | None]) -> dict[str, Any]:
        """An episode someone contributed to, with the sections they wrote as labels."""
        e = self.site.by_number[number]
        sections = [{"title": s.title, "url": self.urls.episode(number, s.anchor)}
                    for s in e.sections if s.kind in kinds]
        return {"episode": self.episode_card(e), "url": self.urls.episode(number),
                "sections": sections}

    def question(self, e: Episode, anchor: str) -> dict[str, Any] | None:
        q = next((q for q in e.questions if q.anchor == anchor), None)
        return self.question_view(e, q) if q else None

    def question_view(self, e: Episode, q: Question) -> dict[str, Any]:
        return {"label": q.label, "text": q.text, "open": q.is_open,
                "asker": self.person_link(q.asker) if q.asker else None,
                "url": self.urls.episode(e.number, q.anchor), "anchor": q.anchor,
                "episode": self.episode_card(e)}

    def question_block(self, e: Episode, q: Question, answer_html: str) -> dict[str, Any]:
        """A question as the episode page shows it: the list view plus its answer."""
        return self.question_view(e, q) | {"answer": Markup(answer_html) if answer_html.strip()
                                           else None}

    def questions(self) -> dict[str, Any]:
        views = [self.question_view(e, q) for e in self.site.episodes for q in e.questions]
        return {"open": [v for v in views if v["open"]],
                "answered": [v for v in views if not v["open"]]}

    def reading(self) -> dict[str, Any]:
        entries = reading_list(self.site.episodes)
        counts = {k: sum(1 for x in entries if x.kind == k) for k in KINDS}
        return {"entries": [self.entry(x) for x in entries],
                "kinds": [{"key": k, "label": self.t(f"kind_{k}"), "count": counts[k]}
                          for k in KINDS if counts[k]]}

    def entry(self, x: Entry) -> dict[str, Any]:
        numbers = sorted({m.number for m in x.mentions})
        return {"anchor": x.anchor, "aliases": [anchor(k) for k in x.keys if k != x.key],
                "kind": x.kind, "kind_label": self.t(f"kind_{x.kind}"), "title": x.title,
                "url": x.url, "site": x.site, "count": len(x.mentions),
                "first": self.episode_card(self.site.by_number[numbers[0]]),
                "last": self.episode_card(self.site.by_number[numbers[-1]]),
                "mentions": [{"episode": self.episode_card(self.site.by_number[m.number]),
                              "url": self.urls.episode(m.number, m.anchor)}
                             for m in x.mentions]}


def _clock(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"

"""What feed readers and crawlers read: Atom feeds, sitemap.xml and robots.txt.

Every date comes from the episodes, never from the clock, so the files are deterministic.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Iterable, Sequence

from ..content import xmltext
from ..content.config import SiteConfig
from ..diagnostics import Diagnostic, diagnostic
from ..messages import Messages
from ..model import Episode, Site, identity
from ..urls import FEED, INDEX, NOT_FOUND, Urls, episode_path, page_file, topic_path
from .video import platform_name
from .xml_escape import escape, quoteattr

EPOCH = dt.date(1970, 1, 1)  # the "updated" date of a feed with no episodes
NOT_LISTED = {NOT_FOUND}
_ANCHOR = re.compile(r'<a class="anchor" href="[^"]*" aria-label="[^"]*">#</a>')
_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$")


def crawler_files(site: Site, config: SiteConfig,
                  page_paths: Iterable[str]) -> tuple[dict[str, str], list[Diagnostic]]:
    """feed.xml, topics/<slug>/feed.xml, sitemap.xml and robots.txt; W061 without a base_url."""
    urls = Urls(config.base_path, config.base_url)
    feeds = Feeds(site, config, urls)
    files = {FEED: feeds.atom(FEED, config.title, "", site.episodes)}
    for topic in site.topics:
        path = topic_path(topic.slug) + FEED
        episodes = [site.by_number[n] for n in topic.episodes if n in site.by_number]
        # summaries only: whole episodes here would copy each one into every topic it names
        files[path] = feeds.atom(path, f"{config.title} · {topic.name}", topic_path(topic.slug),
                                 episodes, full=False)
    if config.base_url:  # a sitemap's <loc> must be absolute: without base_url there is none
        files["sitemap.xml"] = sitemap(site, urls, page_paths)
    files["robots.txt"] = robots(urls)
    files = {path: xmltext.clean(text) for path, text in files.items()}  # well-formed XML
    problems = [] if config.base_url else [diagnostic(
        "W061", "no base_url: feed links stay relative and sitemap.xml is not written",
        "talkgen.yaml", hint="set base_url: https://… in talkgen.yaml, or build with --base-url")]
    return files, problems


class Feeds:
    """Atom documents; links are absolute when the site has a base_url."""

    def __init__(self, site: Site, config: SiteConfig, urls: Urls) -> None:
        self.site, self.config, self.urls = site, config, urls
        self.topics = {identity(t.name): t.name for t in site.topics}  # one spelling per topic
        self.zone = zoneinfo.ZoneInfo(config.zone)
        self.t = Messages(config.language)

    def link(self, path: str) -> str:
        return self.urls.absolute(path) if self.config.base_url else self.urls.url(path)

    def atom(self, path: str, title: str, home: str, episodes: Sequence[Episode],
             full: bool = True) -> str:
        newest = list(episodes)[: self.config.feed_size]
        updated = max((self.when(e) for e in newest), default=timestamp(EPOCH))
        base = f" xml:base={quoteattr(self.link(''))}" if self.config.base_url else ""
        head = [
            '<?xml version="1.0" encoding="utf-8"?>',
            f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang={quoteattr(self.config.language)}'
            f"{base}>",
            f"  <title>{escape(title)}</title>",
        ]
        if self.config.description:
            head.append(f"  <subtitle>{escape(self.config.description)}</subtitle>")
        head += [
            f'  <link rel="self" type="application/atom+xml" href={quoteattr(self.link(path))}/>',
            f'  <link rel="alternate" type="text/html" href={quoteattr(self.link(home))}/>',
            f"  <id>{escape(self.link(path))}</id>",
            f"  <updated>{updated}</updated>",
            "  <generator>talkgen</generator>",
        ]
        return "\n".join([*head, *(self.entry(e, full) for e in newest), "</feed>", ""])

    def entry(self, e: Episode, full: bool = True) -> str:
        url = self.link(episode_path(e.number))
        lines = [
            "  <entry>",
            f"    <title>{escape(e.title)}</title>",
            f'    <link rel="alternate" type="text/html" href={quoteattr(url)}/>',
            f"    <id>{escape(url)}</id>",
            f"    <published>{self.when(e)}</published>",
            f"    <updated>{self.when(e)}</updated>",
            *(f"    <author><name>{escape(host)}</name></author>" for host in e.hosts),
            *(f"    <category term={quoteattr(self.topics.get(identity(t), t))}/>"
              for t in e.all_topics),
        ]
        if e.video:
            lines.append(f'    <link rel="related" type="text/html" href={quoteattr(e.video)} '
                         f"title={quoteattr(self.video_text(e.video))}/>")
        if e.summary:
            lines.append(f"    <summary>{escape(e.summary)}</summary>")
        if full and self.config.feed_full_content:
            # the entry's own URL as base, so "#anchor" links point into the episode
            base = f" xml:base={quoteattr(url)}" if self.config.base_url else ""
            lines.append(f'    <content type="html"{base}>{escape(self.content(e))}</content>')
        elif not e.summary:
            lines.append(f"    <summary>{escape(e.title)}</summary>")
        lines.append("  </entry>")
        return "\n".join(lines)

    def when(self, e: Episode) -> str:
        return timestamp(e.date, e.time, self.zone)

    def video_text(self, url: str) -> str:
        return self.t("watch_on", platform=platform_name(url))

    def content(self, e: Episode) -> str:
        """The entry's HTML: the recording link first, then the episode without "#" anchors."""
        html = _ANCHOR.sub("", content_html(e))
        if not e.video:
            return html
        return f"<p><a href={quoteattr(e.video)}>{escape(self.video_text(e.video))}</a></p>\n{html}"


def content_html(e: Episode) -> str:
    """The episode as one HTML fragment: intro, then each section under its heading."""
    parts = [e.intro_html] if e.intro_html else []
    for s in e.sections:
        parts.append(f"<h2>{escape(s.title)}</h2>\n{s.html}")
    return "\n".join(parts)


def timestamp(day: dt.date, clock: str = "", zone: dt.tzinfo = dt.UTC) -> str:
    """RFC 3339 in UTC of `day` at `clock` ("22:00"; midnight when empty or free text) in `zone`."""
    match = _CLOCK.match(clock.strip())
    hour, minute, second = (int(g or 0) for g in match.groups()) if match else (0, 0, 0)
    local = dt.datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=zone)
    return local.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def sitemap(site: Site, urls: Urls, page_paths: Iterable[str]) -> str:
    """Every page; an episode's lastmod is its date, an index's is its newest episode's."""
    newest = max((e.date for e in site.episodes), default=None)
    dates = {page_file(episode_path(e.number)): e.date for e in site.episodes}
    lines = ['<?xml version="1.0" encoding="utf-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for path in sorted(p for p in page_paths if p not in NOT_LISTED):
        where = path.removesuffix(INDEX)
        loc = urls.absolute(where)
        lines.append(f"  <url><loc>{escape(loc)}</loc>")
        lastmod = dates.get(path, newest)
        if lastmod:
            lines.append(f"    <lastmod>{lastmod.isoformat()}</lastmod>")
        lines.append("  </url>")
    return "\n".join([*lines, "</urlset>", ""])


def robots(urls: Urls) -> str:
    """Names the sitemap only when there is one (it needs an absolute URL, so a base_url)."""
    if not urls.base_url:
        return "User-agent: *\nAllow: /\n"
    return f"User-agent: *\nAllow: /\n\nSitemap: {urls.absolute('sitemap.xml')}\n"

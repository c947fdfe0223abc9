"""Every internal URL of a site, from one place, honouring the path part of base_url."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit


@dataclass(frozen=True)
class Urls:
    """Where the site is published, to turn output paths into links."""

    base_path: str = "/"  # "/" or "/sub/path/"
    base_url: str = ""  # absolute, for feeds and the sitemap; may be empty

    def url(self, path: str) -> str:
        """Site-relative output path ("topics/x/") → URL path, percent-encoded."""
        return self.base_path + _encoded(path.lstrip("/"), "/#:")

    def absolute(self, path: str) -> str:
        origin = self.base_url.rstrip("/")
        if origin.endswith(self.base_path.rstrip("/")):
            origin = origin[: len(origin) - len(self.base_path.rstrip("/"))]
        return origin + self.url(path)

    def home(self) -> str:
        return self.url("")

    def episode(self, number: int, fragment: str = "") -> str:
        return self.url(episode_path(number)) + (f"#{_encoded(fragment, '')}" if fragment else "")

    def topic(self, slug: str) -> str:
        return self.url(topic_path(slug))

    def contributor(self, slug: str) -> str:
        return self.url(contributor_path(slug))

    def static(self, name: str) -> str:
        return self.url(f"static/{name}")


@functools.lru_cache(maxsize=1024)
def _encoded(text: str, safe: str) -> str:
    """A path or fragment percent-encoded; the most used are kept, since a build links to each
    topic, person and section title hundreds of times and quote() encodes Chinese one byte at
    a time. (A larger cache, 8192, cost a render worker 10-20 MiB at 5000 episodes.)"""
    return quote(text, safe=safe)


# Output paths, relative to the output folder. A page "x/" is written as "x/index.html".
INDEX = "index.html"
TOPICS, CONTRIBUTORS, QUESTIONS, READING = "topics/", "contributors/", "questions/", "reading/"
NOT_FOUND = "404.html"
FEED = "feed.xml"


def episode_path(number: int) -> str:
    return f"episodes/{number:03d}/"


def topic_path(slug: str) -> str:
    return f"{TOPICS}{slug}/"


def contributor_path(slug: str) -> str:
    return f"{CONTRIBUTORS}{slug}/"


def page_file(path: str) -> str:
    """A page's folder ("topics/x/", or "" for the home page) → the file written for it."""
    return path + INDEX


LINK_SCHEMES = ("http", "https", "mailto")
# Dropped anywhere before the scheme is read: stricter than browsers, which drop controls and
# spaces at the ends and tab and newline anywhere, so no spelling they accept slips through.
_IGNORED_BY_BROWSERS = re.compile("[\x00-\x20\x7f]")


def is_safe_link(href: str) -> bool:
    """The one URL policy for every link a page shows: http(s), mailto, or relative.

    Browsers ignore leading whitespace/control characters and letter case in a scheme, so the
    check does the same before reading it; anything with another scheme is refused.
    """
    cleaned = _IGNORED_BY_BROWSERS.sub("", href)
    scheme = urlsplit(cleaned).scheme.lower()
    if not scheme:
        return True  # relative, or protocol-relative (the page's own http(s))
    return scheme in LINK_SCHEMES


def is_web_url(url: str) -> bool:
    """An absolute http(s) URL with a host: what `video:` must be."""
    parts = urlsplit(url.strip())
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)

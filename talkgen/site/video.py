"""Recordings: which platform a `video:` URL is on, and how to embed it only when asked.

Nothing here fetches anything: embed URLs are derived from the link, so the page makes no
request to the video site until the reader clicks the player.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

_BILIBILI_ID = re.compile(r"/video/(BV[0-9A-Za-z]{10}|av\d{1,12})(?:/|$)")
_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_YOUTUBE_PATH = re.compile(r"^/(?:embed|live|shorts|v)/([A-Za-z0-9_-]{11})(?:/|$)")


@dataclass(frozen=True)
class Recording:
    """An episode's recording: the link, its platform and the player to embed."""

    url: str  # the link as written
    platform: str  # "Bilibili", "YouTube", or the host name
    embed: str  # the player's URL, "" when the platform cannot be embedded

    def player_at(self, seconds: int) -> str:
        """The embedded player starting at `seconds`."""
        if not self.embed:
            return ""
        key = "start" if self.platform == "YouTube" else "t"
        return f"{self.embed}&{key}={seconds}"

    def link_at(self, seconds: int) -> str:
        """The platform's own page at `seconds`, for readers without JavaScript."""
        if self.platform in ("YouTube", "Bilibili"):
            joiner = "&" if "?" in self.url else "?"
            return f"{self.url.split('#')[0]}{joiner}t={seconds}"
        return self.url


def recording(url: str) -> Recording:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    if host == "bilibili.com" or host.endswith(".bilibili.com"):
        match = _BILIBILI_ID.search(parts.path)
        embed = ""
        if match:
            ident = match.group(1)
            key = f"bvid={ident}" if ident.startswith("BV") else f"aid={ident[2:]}"
            page = parse_qs(parts.query).get("p", ["1"])[0]
            page = page if page.isdigit() else "1"
            embed = f"https://player.bilibili.com/player.html?{key}&p={page}&autoplay=1"
        return Recording(url, "Bilibili", embed)
    if host in ("youtube.com", "youtube-nocookie.com", "youtu.be", "music.youtube.com"):
        ident = _youtube_id(host, parts.path, parts.query)
        embed = f"https://www.youtube-nocookie.com/embed/{ident}?autoplay=1" if ident else ""
        return Recording(url, "YouTube", embed)
    if host == "b23.tv":
        return Recording(url, "Bilibili", "")  # a short link: its target is unknown offline
    return Recording(url, host or url, "")


def _youtube_id(host: str, path: str, query: str) -> str:
    if host == "youtu.be":
        candidate = path.strip("/").split("/")[0]
    elif (match := _YOUTUBE_PATH.match(path)) is not None:
        candidate = match.group(1)
    else:
        candidate = parse_qs(query).get("v", [""])[0]
    return candidate if _YOUTUBE_ID.match(candidate) else ""


def platform_name(url: str) -> str:
    return recording(url).platform

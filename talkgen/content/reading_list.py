"""The reading list: every paper, repository, model and link the episodes mention, and where.

Found offline from the rendered sections (our own markdown-it output, so a small tokenizer
suffices): links, 《titles》 and bare arXiv ids/DOIs. One pass over each section, one merge,
so the cost is linear in the size of the site. A title in the same paragraph or list item as
one paper link names that paper.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from ..model import Episode, Reference, Section, identity

KINDS = ("paper", "repo", "model", "link", "title")  # also the filter's order

# the tags that matter: blocks (the unit a title pairs within) and links
_TAG = re.compile(r"<(/?)(p|li|td|th|dt|dd|h[1-6]|blockquote|a)(\s[^>]*)?>", re.I)
_OTHER_TAG = re.compile(r"<[^>]*>")
# never read: code (inline and blocks), math, and each heading's own "#" link
_UNREAD = re.compile(r"<pre[\s>].*?</pre>|<code[\s>].*?</code>|<math[\s>].*?</math>"
                     r'|<a class="anchor"[^>]*>#</a>', re.S)
_HREF = re.compile(r'\shref="([^"]*)"')
_ID = re.compile(r'\sid="([^"]*)"')
_TITLE = re.compile(r"《([^《》\n]{1,200})》")
_ARXIV_NEW = r"\d{4}\.\d{4,5}"
_ARXIV_OLD = r"[a-z\-]+(?:\.[A-Z]{2})?/\d{7}"
_ARXIV_PATH = re.compile(rf"^/(?:abs|pdf|html|format)/({_ARXIV_NEW}|{_ARXIV_OLD})(?:v\d+)?(?:\.pdf)?/?$")
_ARXIV_TEXT = re.compile(rf"(?<![\w./])(?:arxiv:\s*)?({_ARXIV_NEW})(?:v\d+)?(?![\w/])", re.I)
_DOI = re.compile(r"(?<![\w/])(10\.\d{4,9}/[^\s\"<>]+[^\s\"<>.,;:)\]。，；：）])")
_ANYTHING = re.compile(rf'href="https?:|《|{_ARXIV_NEW}|10\.\d{{4,9}}/')  # else: nothing to find
_IN_TEXT = re.compile(rf"《|{_ARXIV_NEW}|10\.\d{{4,9}}/")  # a block without links: else nothing
_GITHUB_RESERVED = {"orgs", "topics", "features", "marketplace", "sponsors", "settings", "login",
                    "about", "pricing", "search", "explore", "collections", "trending", "apps",
                    "enterprise", "issues", "pulls", "notifications", "site", "security"}
_HF_NOT_MODELS = {"papers", "docs", "blog", "learn", "tasks", "models", "datasets", "spaces",
                  "collections", "posts", "pricing", "join", "login", "settings", "organizations"}


Found = Reference  # one thing an episode mentions, as that episode alone names it


@dataclass(frozen=True)
class Mention:
    """Where a reading-list entry is mentioned: an episode and an anchor in it."""

    number: int
    anchor: str


@dataclass
class Entry:
    """One item of the reading list, with every place it is mentioned."""

    key: str
    kind: str
    title: str
    url: str
    site: str
    mentions: list[Mention] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)  # every key merged in (their anchors too)

    @property
    def anchor(self) -> str:
        return anchor(self.key)


def anchor(key: str) -> str:
    """A fragment for an entry that depends on its key only, so links to it stay valid."""
    kind, _, rest = key.partition(":")
    readable = re.sub(r"[^a-z0-9]+", "-", rest.lower()).strip("-")[:48]
    if kind == "arxiv":
        return f"arxiv-{readable}"
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:6]
    return f"{kind}-{readable}-{digest}" if readable else f"{kind}-{digest}"


# -- one episode ----------------------------------------------------------------


def found_in(sections: Iterable[Section]) -> list[Found]:
    """Everything the sections mention, in reading order; the same key under one heading once.

    The loader calls this once per episode (so it runs on every core and is cached with the
    episode); the list and the pages read Episode.references.
    """
    out: list[Found] = []
    seen: set[tuple[str, str]] = set()
    for section in sections:
        if not _ANYTHING.search(section.html):
            continue
        for item in _section_items(section.html, section.anchor):
            if (item.key, item.where) not in seen:
                seen.add((item.key, item.where))
                out.append(item)
    return out


def _section_items(fragment: str, section_anchor: str) -> Iterator[Found]:
    """Walk the blocks and links of a section; code, math and other inline tags are skipped."""
    fragment = _UNREAD.sub(" ", fragment)
    where = section_anchor
    stack: list[_Block] = []
    link: list[str] | None = None  # [href, text] of the <a> being read
    at = 0
    for match in _TAG.finditer(fragment):
        start, end = match.span()
        if start > at:
            text = fragment[at:start]
            text = html.unescape(_OTHER_TAG.sub("", text) if "<" in text else text)
            if link is not None:
                link[1] += text
            elif stack:
                stack[-1].text.append(text)
        at = end
        closing, tag, attrs = match.groups("")
        tag = tag.lower()
        if tag != "a" and not closing:
            if tag in ("h3", "h4") and (ident := _ID.search(attrs)):
                where = html.unescape(ident.group(1))
            stack.append(_Block(where))
        elif tag != "a":
            if stack:
                yield from stack.pop().items()
        elif not closing:
            href = _HREF.search(attrs)
            link = [html.unescape(href.group(1)) if href else "", ""]
        elif link is not None:
            if stack:
                stack[-1].links.append((link[0], link[1]))
            link = None
    while stack:
        yield from stack.pop().items()


@dataclass
class _Block:
    """A paragraph, list item or heading: the unit inside which a title names a link."""

    where: str
    text: list[str] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)

    def items(self) -> Iterator[Found]:
        text = "".join(self.text)
        if not self.links and not _IN_TEXT.search(text):
            return  # most blocks: the findall calls below would find nothing
        titles = [t.strip() for t in _TITLE.findall(text) if t.strip()]
        for _href, label in self.links:
            titles += [t.strip() for t in _TITLE.findall(label) if t.strip()]
        things = [thing for href, label in self.links if (thing := classify(href, label))]
        things += [_arxiv(m.group(1), "") for m in _ARXIV_TEXT.finditer(text)]
        things += [_doi(m.group(1), "") for m in _DOI.finditer(text)]
        papers = [i for i, t in enumerate(things) if t.kind == "paper"]
        if len(titles) == 1 and len({things[i].key for i in papers}) == 1:
            for i in papers:
                things[i] = _titled(things[i], titles[0])
            titles = []
        for title in titles:
            things.append(Found(f"title:{identity(title)}", "title", title, "", ""))
        for thing in things:
            yield Found(thing.key, thing.kind, thing.title, thing.url, self.where)


def _titled(thing: Found, title: str) -> Found:
    return Found(thing.key, thing.kind, title, thing.url, thing.where)


def classify(href: str, label: str) -> Found | None:
    """A link → what it points at; None for links inside the site and non-web links."""
    parts = urlsplit(href)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower().removeprefix("www.")
    path = unquote(parts.path)
    segments = [s for s in path.split("/") if s]
    named = label.strip() if label.strip() and not _looks_like_url(label) else ""
    if host in ("arxiv.org", "export.arxiv.org") and (m := _ARXIV_PATH.match(path)):
        return _arxiv(m.group(1), named)
    if host == "huggingface.co" and len(segments) >= 2 and segments[0] == "papers" \
            and re.fullmatch(_ARXIV_NEW, segments[1]):
        return _arxiv(segments[1], named)
    if host in ("doi.org", "dx.doi.org") and path.startswith("/10."):
        return _doi(path[1:], named)
    if host == "github.com" and len(segments) >= 2 and segments[0].lower() not in _GITHUB_RESERVED:
        repo = f"{segments[0]}/{segments[1].removesuffix('.git')}"
        return Found(f"github:{repo.lower()}", "repo", named or repo,
                     f"https://github.com/{repo}", "")
    if host == "huggingface.co" and segments and segments[0] not in _HF_NOT_MODELS | {"datasets", "spaces"} \
            and len(segments) >= 2:
        return _hugging_face("", segments[0], segments[1], named)
    if host == "huggingface.co" and len(segments) >= 3 and segments[0] in ("datasets", "spaces"):
        return _hugging_face(segments[0], segments[1], segments[2], named)
    clean = href.split("#")[0].rstrip("/")
    return Found(f"link:{clean.lower()}", "link", named or clean, href.split("#")[0], "")


def _looks_like_url(text: str) -> bool:
    return bool(re.match(r"\s*(https?://|www\.)", text))


def _arxiv(ident: str, title: str) -> Found:
    return Found(f"arxiv:{ident.lower()}", "paper", title or f"arXiv:{ident}",
                 f"https://arxiv.org/abs/{ident}", "")


def _doi(doi: str, title: str) -> Found:
    return Found(f"doi:{doi.lower()}", "paper", title or f"doi:{doi}", f"https://doi.org/{doi}", "")


def _hugging_face(area: str, owner: str, name: str, title: str) -> Found:
    ref = f"{owner}/{name}"
    path = f"{area}/{ref}" if area else ref
    return Found(f"hf:{path.lower()}", "model", title or ref, f"https://huggingface.co/{path}", "")


# -- the whole site ---------------------------------------------------------------


def reading_list(episodes: Iterable[Episode]) -> list[Entry]:
    """Every entry of the site: most mentioned first, then most recently mentioned."""
    entries: dict[str, Entry] = {}
    seen: set[tuple[str, int, str]] = set()
    for e in sorted(episodes, key=lambda e: e.number):  # oldest first: first titles win
        for item in e.references:
            entry = entries.get(item.key)
            if entry is None:
                entry = entries[item.key] = Entry(item.key, item.kind, item.title, item.url,
                                                  _site(item.url), keys=[item.key])
            elif entry.title.startswith(("arXiv:", "doi:")) and not item.title.startswith(("arXiv:", "doi:")):
                entry.title = item.title
            if (item.key, e.number, item.where) not in seen:
                seen.add((item.key, e.number, item.where))
                entry.mentions.append(Mention(e.number, item.where))
    _merge_titles(entries)
    return sorted(entries.values(), key=lambda x: (-len(x.mentions), -x.mentions[-1].number, x.key))


def _merge_titles(entries: dict[str, Entry]) -> None:
    """A bare 《title》 that also named a paper elsewhere is that paper, not a second entry."""
    named = {identity(e.title): e for e in entries.values() if e.kind == "paper"}
    for key in [k for k, e in entries.items() if e.kind == "title"]:
        paper = named.get(key.removeprefix("title:"))
        if paper is None:
            continue
        lone = entries.pop(key)
        paper.keys.append(key)
        paper.mentions = sorted({*paper.mentions, *lone.mentions}, key=lambda m: (m.number, m.anchor))


def _site(url: str) -> str:
    """The host of an http(s) URL without "www." (the grouping shown next to a link)."""
    host = url.partition("://")[2].partition("/")[0].rpartition("@")[2].partition(":")[0]
    return host.lower().removeprefix("www.")

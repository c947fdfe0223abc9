"""Site configuration: talkgen.yaml (every key optional) plus command-line overrides."""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import urlsplit

from ..diagnostics import Diagnostic, diagnostic
from ..model import identity
from ..urls import is_safe_link
from .fields import Field, FieldChecker
from .frontmatter import parse as parse_yaml
from .sections import SECTION_KINDS, SectionTable

CONFIG_FILE = "talkgen.yaml"

_SECTION_OVERRIDE = (
    Field("title", "str", doc="heading that marks this section"),
    Field("aliases", "names", doc="other headings accepted for it"),
)

_PERSON = Field("person", "mapping", doc="one person", children=(
    Field("aliases", "names", doc="other spellings of the name, counted as the same person"),
    Field("url", "str", doc="profile link shown on the person's page"),
))

CONFIG_FIELDS: tuple[Field, ...] = (
    Field("title", "str", doc="site title; default OpenLLM Talk"),
    Field("description", "str", doc="one line about the site, for search engines and the feed"),
    Field("base_url", "str", doc="where the site is published, e.g. https://x.github.io/talk/"),
    Field("language", "str", doc="language of the pages, e.g. zh-CN (default) or en"),
    Field("timezone", "str", doc="IANA time zone of episode times, e.g. Asia/Shanghai; default "
          "Asia/Shanghai for zh sites, UTC otherwise"),
    Field("output", "str",
          doc="output folder inside the site (elsewhere: --out /absolute/path); default _site"),
    Field("markdown", "mapping", doc="Markdown options",
          children=(Field("allow_html", "bool", doc="render raw HTML in episodes; default false"),)),
    Field("sections", "mapping", doc="section titles and aliases, keyed by kind",
          children=tuple(Field(k.key, "mapping", doc=k.title, children=_SECTION_OVERRIDE)
                         for k in SECTION_KINDS)),
    Field("feed", "mapping", doc="Atom feed options",
          children=(Field("size", "int", doc="number of episodes in feed.xml; default 20"),
                    Field("full_content", "bool",
                          doc="whole episodes in feed.xml; false: summaries only; default true"))),
    Field("search", "bool", doc="build the search index; default true"),
    Field("people", "mapping", doc="people registry: a name → its aliases and profile link",
          each=_PERSON),
)


@dataclass(frozen=True)
class Person:
    """An entry of the people registry: every alias is counted as `name`."""

    name: str
    aliases: tuple[str, ...] = ()
    url: str = ""


@dataclass(frozen=True)
class SiteConfig:
    """talkgen.yaml as read, with the command line's overrides applied."""

    root: Path
    title: str = "OpenLLM Talk"
    description: str = ""
    base_url: str = ""
    language: str = "zh-CN"
    output: Path = field(default=Path("_site"))
    allow_html: bool = False
    sections: SectionTable = field(default_factory=SectionTable)
    feed_size: int = 20
    feed_full_content: bool = True
    search: bool = True
    timezone: str = ""  # empty: chosen by language (see `zone`)
    people: tuple[Person, ...] = ()
    drafts: bool = False

    @property
    def episodes_dir(self) -> Path:
        return self.root / "episodes"

    @property
    def base_path(self) -> str:
        """The path part of base_url, always starting and ending with '/'."""
        path = urlsplit(self.base_url).path if self.base_url else "/"
        return "/" + path.strip("/") + "/" if path.strip("/") else "/"

    @property
    def zone(self) -> str:
        """The time zone of episode times: the configured one, else the community's usual one."""
        if self.timezone:
            return self.timezone
        return "Asia/Shanghai" if self.language.lower().startswith("zh") else "UTC"

    @property
    def aliases(self) -> dict[str, str]:
        """identity of every registered name and alias → the registered name."""
        return {identity(n): p.name for p in self.people for n in (p.name, *p.aliases)}

    def with_overrides(self, **changes: Any) -> SiteConfig:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def load_config(root: Path) -> tuple[SiteConfig, list[Diagnostic]]:
    """Read talkgen.yaml if present; a broken config yields diagnostics and the defaults."""
    root = root.resolve()
    path = root / CONFIG_FILE
    defaults = SiteConfig(root=root, output=root / "_site")
    if not path.is_file():
        return defaults, []
    try:
        text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    except (OSError, UnicodeDecodeError) as err:
        return defaults, [diagnostic("E040", f"cannot read {CONFIG_FILE}: {err}", CONFIG_FILE,
                                     hint="save talkgen.yaml as UTF-8 text")]
    lines = text.split("\n")
    doc, problems = parse_yaml(text, 1, CONFIG_FILE, lines)
    if doc is None:
        return defaults, [_about_config(d) for d in problems]
    checker = FieldChecker(doc, CONFIG_FILE, lines)
    values = checker.check(doc.data, CONFIG_FIELDS)
    _check_base_url(values, checker)
    _check_output(values, checker)
    _check_people(values, checker)
    _check_timezone(values, checker)
    config = _apply(defaults, values)
    return config, [_about_config(d) for d in checker.diagnostics]


def _about_config(d: Diagnostic) -> Diagnostic:
    """The YAML reader and key checker speak of front matter; here the file is talkgen.yaml."""
    return replace(d, message=d.message.replace("front matter", CONFIG_FILE),
                   hint=d.hint.replace("the front matter", CONFIG_FILE))


def is_base_url(url: str) -> bool:
    """An http(s) URL, a path starting with '/', or empty (the site is served from '/');
    always within the one URL policy, and without characters that would need escaping."""
    parts = urlsplit(url)
    plain = not any(ch <= " " or ch in '"<>\\`\x7f' for ch in url)
    return url == "" or (plain and is_safe_link(url) and (
        url.startswith("/") or (parts.scheme in ("http", "https") and bool(parts.netloc))))


def _check_base_url(values: dict[str, Any], checker: FieldChecker) -> None:
    url = values.get("base_url", "")
    if not is_base_url(url):
        checker.report("E040", f'"base_url" must be an http(s) URL or a path, not "{url}"',
                       ("base_url",), "write base_url: https://name.github.io/repo/ (or /repo/)")
        values.pop("base_url")


def _check_timezone(values: dict[str, Any], checker: FieldChecker) -> None:
    zone = values.get("timezone")
    if zone and not is_time_zone(zone):
        checker.report("E040", f'"timezone" must be an IANA time zone, not "{zone}"',
                       ("timezone",), "write timezone: Asia/Shanghai (or UTC, Europe/Berlin, …)")
        values.pop("timezone")


def is_time_zone(name: str) -> bool:
    """A name the IANA database knows; read from the system or the tzdata package, never a path."""
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+)*", name) or len(name) > 64:
        return False
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def _check_output(values: dict[str, Any], checker: FieldChecker) -> None:
    """talkgen.yaml arrives with the site, so it may only name a folder inside the site;
    an output elsewhere must be given by the maintainer: --out /absolute/path."""
    output = values.get("output")
    if output is None:
        return
    parts = PurePosixPath(output.replace("\\", "/")).parts
    if not parts or PurePosixPath(output).is_absolute() or PureWindowsPath(output).anchor \
            or ".." in parts or parts == (".",):
        checker.report("E040", f'"output" must be a folder inside the site, not "{output}"',
                       ("output",), "write output: _site (a folder outside the site must be "
                       "given on the command line: talkgen build --out /absolute/path)")
        values.pop("output")


def _check_people(values: dict[str, Any], checker: FieldChecker) -> None:
    """An alias names one person only; otherwise counting would depend on the order. A profile
    link obeys the one URL policy (urls.is_safe_link), or it is an error and never shown."""
    owner: dict[str, str] = {}
    for name, entry in values.get("people", {}).items():
        url = entry.get("url", "")
        if url and not is_safe_link(url):
            checker.report("E033", f'link target "{url[:60]}" is not allowed: only http(s), '
                           "mailto and relative links are", ("people", name, "url"),
                           "write the profile link as https://…")
            entry.pop("url")
        for index, alias in enumerate((name, *entry.get("aliases", ()))):
            key = identity(alias)
            if key in owner and owner[key] != name:
                path = ("people", name, "aliases", index - 1) if index else ("people", name)
                checker.report("E040", f'"{alias}" is listed for both "{owner[key]}" and "{name}"',
                               path, "give each alias to one person", key=not index)
            owner.setdefault(key, name)


def _apply(config: SiteConfig, v: dict[str, Any]) -> SiteConfig:
    out = Path(v["output"]) if "output" in v else None
    return config.with_overrides(
        title=v.get("title"),
        description=v.get("description"),
        base_url=v.get("base_url"),
        language=v.get("language"),
        output=(config.root / out) if out is not None else None,
        allow_html=v.get("markdown", {}).get("allow_html"),
        sections=SectionTable().with_overrides(v["sections"]) if "sections" in v else None,
        feed_size=v.get("feed", {}).get("size"),
        feed_full_content=v.get("feed", {}).get("full_content"),
        search=v.get("search"),
        timezone=v.get("timezone"),
        people=tuple(Person(name, p.get("aliases", ()), p.get("url", ""))
                     for name, p in v.get("people", {}).items()) or None,
    )

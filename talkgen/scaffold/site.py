"""`talkgen init`: a new community site in one command.

Writes talkgen.yaml (every key present, commented), a first episode from the scaffold,
.gitignore, the GitHub Pages workflow, requirements.txt pinning talkgen, and the JSON
Schemas for editors; with `with_theme`, a copy of the built-in theme to customise.
Never overwrites: if any of those files exists, nothing is written.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any

from ..content.config import CONFIG_FIELDS, CONFIG_FILE, SiteConfig
from ..content.fields import Field
from ..content.json_schema import FILES, SITE_SCHEMAS, schema_text
from ..content.sections import SECTION_KINDS, SectionTable
from ..content.skeleton import episode_text
from ..site.theme import theme_root
from .install_source import requirement

LANGUAGES = ("zh-CN", "en")
WORKFLOW = ".github/workflows/pages.yml"

_ENGLISH_GUIDANCE = {
    "news": "news from research, open source and industry",
    "recommendations": "one to three models, projects, papers or courses worth a look",
    "classics": "a classic NLP/LLM topic, explained",
    "practice": "hands-on experience someone shares",
    "free_talk": "one question per heading: ### Q1: the question --who asked; the answer below",
}
_EXAMPLE_PERSON = {"yuhan": {"aliases": ["Yuhan", "余涵"], "url": "https://github.com/yuhan"}}


@dataclass(frozen=True)
class Initialised:
    root: Path
    written: tuple[str, ...] = ()  # paths relative to root, in the order written
    existing: tuple[str, ...] = ()  # why nothing was written
    error: str = ""  # or another reason: DIR is a file, the disk is full…

    @property
    def ok(self) -> bool:
        return not self.existing and not self.error


def workflow_text() -> str:
    """The GitHub Pages workflow; this repository's own .github/workflows/pages.yml is a copy."""
    return (resources.files("talkgen") / "data" / "pages.yml").read_text(encoding="utf-8")


def init_site(root: Path, title: str | None = None, language: str = "zh-CN",
              with_theme: bool = False, today: dt.date | None = None) -> Initialised:
    """Write a new site into `root` (created if needed), or nothing if a file is in the way."""
    files = site_files(title or _title_from(root), language, today or dt.date.today())
    if with_theme:
        files |= theme_files()
    if root.exists() and not root.is_dir():
        return Initialised(root, error="it is a file, not a folder")
    existing = tuple(name for name in files if (root / name).exists() or (root / name).is_symlink())
    if existing:
        return Initialised(root, existing=existing)
    written: list[str] = []
    for name, content in files.items():
        path = root / name
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("xb") as f:  # exclusive: a file created meanwhile is never overwritten
                f.write(content.encode("utf-8") if isinstance(content, str) else content)
        except OSError as err:
            return Initialised(root, tuple(written), error=f"cannot write {name}: {err.strerror}")
        written.append(name)
    return Initialised(root, written=tuple(written))


def site_files(title: str, language: str, today: dt.date) -> dict[str, str | bytes]:
    """Relative path → content of every file of a new site (the theme excepted)."""
    sections = _section_titles(language)
    table = SectionTable().with_overrides(sections)
    if language == "en":
        table = SectionTable(tuple(replace(k, guidance=_ENGLISH_GUIDANCE.get(k.key, k.guidance))
                                   for k in table.kinds))
    return {
        CONFIG_FILE: config_text(title, language),
        "episodes/001.md": episode_text(1, today, "TBD", None, table),
        ".gitignore": "_site/\n",
        "requirements.txt": _requirements(),
        WORKFLOW: workflow_text(),
        **{f"{SITE_SCHEMAS}/{file}": schema_text(name) for name, file in FILES.items()},
    }


def theme_files() -> dict[str, str | bytes]:
    """The built-in templates/ and static/, to be overridden file by file."""
    base = theme_root()
    return {p.relative_to(base).as_posix(): p.read_bytes()
            for folder in ("templates", "static") for p in sorted((base / folder).rglob("*"))
            if p.is_file() and not p.name.startswith(".")}


def config_text(title: str, language: str, *, everything: bool = False) -> str:
    """talkgen.yaml with every key and its doc; unset keys commented out (all set if `everything`)."""
    values = _example_values(title, language)
    active = {"title", "language"} | ({"sections"} if language == "en" else set())
    lines = [
        f"# yaml-language-server: $schema={SITE_SCHEMAS}/{FILES['config']}",
        "# talkgen site configuration. Every key is optional: a commented key shows its default",
        "# or an example. The reference is docs/configuration.md in talkgen's repository.",
    ]
    for f in CONFIG_FIELDS:
        block = _field_lines(f, values[f.name], "")
        on = everything or f.name in active
        lines += ["", *(line if on or line.startswith("#") else "# " + line for line in block)]
    return "\n".join(lines) + "\n"


def _field_lines(f: Field, value: Any, indent: str) -> list[str]:
    """`key: value` lines; nested keys carry their doc as a trailing comment."""
    doc = f"  # {f.doc}" if f.doc and indent else ""
    lines = [f"# {f.doc}"] if f.doc and not indent else []
    if not isinstance(value, dict):
        return [*lines, f"{indent}{f.name}: {_yaml(value)}{doc}"]
    children = tuple(c for c in f.children if c.name in value) or tuple(
        replace(f.each, name=key) for key in value if f.each)
    if indent and all(not c.children and not c.each for c in children):  # a row: flow style
        row = ", ".join(f"{c.name}: {_yaml(value[c.name])}" for c in children)
        return [*lines, f"{indent}{f.name}: {{{row}}}{doc}"]
    lines.append(f"{indent}{f.name}:{doc}")
    for child in children:
        lines += _field_lines(child, value[child.name], indent + "  ")
    return lines


def _yaml(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)  # JSON scalars and lists are YAML too


def _example_values(title: str, language: str) -> dict[str, Any]:
    """Every key's value: the default SiteConfig has, or an example where it has none."""
    examples: dict[str, Any] = {
        "title": title,
        "base_url": "https://example.github.io/talk/",
        "language": language,
        "sections": _section_titles(language) if language == "en" else
        {k.key: {"title": k.title, "aliases": list(k.aliases)} for k in SECTION_KINDS},
        "people": _EXAMPLE_PERSON,
    }
    defaults = SiteConfig(root=Path("."))
    return {f.name: examples[f.name] if f.name in examples else _default(f, defaults, "")
            for f in CONFIG_FIELDS}


def _default(f: Field, defaults: SiteConfig, prefix: str) -> Any:
    """`feed.size` is SiteConfig.feed_size, `markdown.allow_html` is SiteConfig.allow_html."""
    if f.children:
        return {c.name: _default(c, defaults, f"{prefix}{f.name}_") for c in f.children}
    for attr in (prefix + f.name, f.name):
        if hasattr(defaults, attr):
            value = getattr(defaults, attr)
            return value.as_posix() if isinstance(value, Path) else value
    return _PLACEHOLDERS[f.kind]


_PLACEHOLDERS: dict[str, Any] = {"int": 0, "str": "", "bool": False, "names": [],
                                 "name_or_names": [], "mapping": {}, "time": "22:00",
                                 "date": "2023-06-24"}


def _section_titles(language: str) -> dict[str, dict[str, Any]]:
    """English headings for an English site (the built-in titles stay accepted as aliases)."""
    if language != "en":
        return {}
    english = {k.key: next((a for a in (k.title, *k.aliases) if a.isascii()), k.title)
               for k in SECTION_KINDS}
    return {key: {"title": title} for key, title in english.items()}


def _requirements() -> str:
    lines = ["# What the GitHub Pages workflow installs: the talkgen that builds this site.",
             *requirement()]
    return "\n".join(lines) + "\n"


def _title_from(root: Path) -> str:
    name = root.resolve().name.replace("-", " ").replace("_", " ").strip()
    return name.title() if name.isascii() else name or "Talk Notes"

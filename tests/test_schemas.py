"""The JSON Schemas for editors agree with `talkgen check`, and the shipped copies are current."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from talkgen.build.check import check
from talkgen.content import frontmatter
from talkgen.content.config import load_config
from talkgen.content.episode import decode
from talkgen.content.fields import EPISODE_FIELDS, FieldChecker
from talkgen.content.json_schema import FILES, schema_text, shipped_schema
from talkgen.scaffold.site import config_text

from .conftest import FIXTURES, REPO, run_talkgen

FRONT_MATTER_RULES = {"E014", "E015", "E016", "E017"}  # what a schema can express
UNREADABLE = {"E001", "E002", "E003", "E010", "E011", "E012", "E013", "E029", "E030", "E031",
              "W032"}  # W032: not an episode file, never checked


class _EditorLoader(yaml.SafeLoader):
    """YAML as editors read it (1.2 core schema): 2023-06-24 stays a string."""


_EditorLoader.yaml_implicit_resolvers = {
    first: [(tag, regex) for tag, regex in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def validator(name: str) -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(json.loads(shipped_schema(name)),
                                      format_checker=jsonschema.FormatChecker())


def front_matter(text: str) -> Any:
    lines = text.split("\n")
    split, _ = frontmatter.split(text, "x.md", lines)
    assert split is not None
    return yaml.load(split.yaml_text, Loader=_EditorLoader) or {}


@pytest.mark.parametrize("name", list(FILES))
def test_shipped_schema_is_generated_from_the_field_tables(name: str) -> None:
    assert shipped_schema(name) == schema_text(name), (
        f"regenerate: python -m talkgen schema {name} > talkgen/data/{FILES[name]}")
    jsonschema.Draft7Validator.check_schema(json.loads(shipped_schema(name)))


@pytest.mark.parametrize("name", list(FILES))
def test_schema_command_prints_it(name: str, tmp_path: Path) -> None:
    result = run_talkgen("schema", name, cwd=tmp_path)
    assert result.returncode == 0 and result.stdout == shipped_schema(name)


def test_schema_command_rejects_other_names(tmp_path: Path) -> None:
    assert run_talkgen("schema", "theme", cwd=tmp_path).returncode == 2


ROOTS = sorted({p.parent.parent for p in FIXTURES.glob("**/episodes/*.md")} | {REPO})
EPISODES = [path for root in ROOTS for path in sorted((root / "episodes").glob("*.md"))]


@functools.cache
def _codes(root: Path) -> dict[str, set[str]]:
    """The codes `talkgen check` reports for each episode of a site, by file; run when a test
    first asks (not while collecting, which every pytest worker does)."""
    config, _ = load_config(root)
    found: dict[str, set[str]] = {}
    for d in check(config).diagnostics:
        found.setdefault(d.location.file, set()).add(d.code)
    return found


def codes_of(path: Path) -> set[str]:
    return _codes(path.parent.parent).get(path.relative_to(path.parent.parent).as_posix(), set())


@pytest.mark.parametrize("path", EPISODES, ids=[p.relative_to(REPO).as_posix() for p in EPISODES])
def test_episode_schema_agrees_with_check_on_fixtures(path: Path) -> None:
    codes = codes_of(path)
    text, _ = decode(path.read_bytes(), path.relative_to(path.parent.parent).as_posix())
    if text is None or codes & UNREADABLE:
        pytest.skip("not YAML a schema can see")
    errors = list(validator("episode").iter_errors(front_matter(text)))
    rejected = bool(codes & FRONT_MATTER_RULES)
    assert bool(errors) == rejected, (codes, [e.message for e in errors])


def test_fixtures_cover_both_verdicts() -> None:
    verdicts = {bool(codes & FRONT_MATTER_RULES) for codes in map(codes_of, EPISODES)
                if not codes & UNREADABLE}
    assert verdicts == {True, False}


BASE = "number: 2\ndate: 2023-06-24\nhost: 羡鱼\n"
SNIPPETS = [
    BASE,
    BASE + "title: 2023\nsummary: 一句话\ntime: \"22:00\"\n",
    BASE + "time: 22:00\n",  # YAML 1.1 reads 1320, editors read "22:00": both fine
    BASE + "time: ''\n",
    BASE + "topics: [RLHF, 1]\ncontributors: null\ndraft: true\n",
    BASE + "topics: RLHF\n",
    BASE + "topics: [[RLHF]]\n",
    BASE + "contributors: ['  ']\n",
    BASE + "contributer: [yuhan]\n",
    BASE + "draft: 'true'\n",
    BASE + "sections: {news: {contributors: [yuhan], topics: [RLHF]}, free_talk: null}\n",
    BASE + "sections: {misc: {}}\n",
    BASE + "sections: {news: {topic: [RLHF]}}\n",
    BASE + "sections: [news]\n",
    "number: 2\ndate: 2023-06-24\nhost: [yuhan, 羡鱼]\n",
    "number: 2\ndate: 2023-06-24\nhost: []\n",
    "number: 2\ndate: 2023-06-24\nhost: ''\n",
    "number: -1\ndate: 2023-06-24\nhost: a\n",
    "number: '2'\ndate: 2023-06-24\nhost: a\n",
    "number: true\ndate: 2023-06-24\nhost: a\n",
    "number: 2\ndate: '2023-06-24'\nhost: a\n",
    "number: 2\ndate: 2023-13-01\nhost: a\n",
    "number: 2\ndate: 2023-06-24 22:00:00\nhost: a\n",
    "number: 2\ndate: June 24\nhost: a\n",
    "number: 2\nhost: a\n",
]


@pytest.mark.parametrize("snippet", SNIPPETS)
def test_episode_schema_agrees_with_the_checker(snippet: str) -> None:
    text = f"---\n{snippet}---\n"
    lines = text.split("\n")
    doc, problems = frontmatter.parse(snippet, 2, "x.md", lines)
    assert doc is not None and problems == []
    checker = FieldChecker(doc, "x.md", lines)
    checker.check(doc.data, EPISODE_FIELDS)
    errors = list(validator("episode").iter_errors(front_matter(text)))
    assert bool(errors) == bool(checker.diagnostics), (checker.diagnostics, errors)


def test_config_schema_accepts_every_setting() -> None:
    for text in (config_text("Demo", "en", everything=True), config_text("Demo", "zh-CN"),
                 (FIXTURES / "site" / "talkgen.yaml").read_text(encoding="utf-8"), ""):
        assert list(validator("config").iter_errors(yaml.load(text, Loader=_EditorLoader))) == []


@pytest.mark.parametrize("case", sorted(p for p in (FIXTURES / "config").iterdir()
                                        if p.name.startswith(("E014", "E016"))))
def test_config_schema_rejects_what_check_rejects(case: Path) -> None:
    data = yaml.load((case / "talkgen.yaml").read_text(encoding="utf-8"), Loader=_EditorLoader)
    assert list(validator("config").iter_errors(data)) != []

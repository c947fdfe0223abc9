"""The manual in docs/ stays complete: every command, option, template and link is real."""

from __future__ import annotations

import argparse
import re

import pytest

from talkgen.cli import make_parser

from .conftest import REPO

DOCS = REPO / "docs"
PAGES = ["getting-started.md", "episode-format.md", "commands.md", "configuration.md",
         "diagnostics.md", "theming.md", "deploying.md", "security.md"]


def read(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def subcommands() -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in make_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_the_readme_links_every_page() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert [p for p in PAGES if f"(docs/{p})" not in readme] == []


@pytest.mark.parametrize("page", PAGES)
def test_relative_links_point_at_files_that_exist(page: str) -> None:
    prose = re.sub(r"```.*?```|`[^`\n]*`", "", read(page), flags=re.DOTALL)  # examples aside
    for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", prose):
        assert (DOCS / target).exists(), f"{page} links to {target}"


def test_every_command_and_option_is_documented() -> None:
    doc = read("commands.md")
    missing = []
    for name, parser in subcommands().items():
        if f"## talkgen {name}\n" not in doc:
            missing.append(name)
        for action in parser._actions:
            missing += [f"{name} {o}" for o in action.option_strings
                        if o.startswith("--") and o not in ("--help", "--root") and o not in doc]
    assert missing == []


def test_every_template_is_described() -> None:
    doc = read("theming.md")
    templates = sorted(p.name for p in (REPO / "templates").glob("*.html"))
    assert [t for t in templates if f"`{t}`" not in doc] == []


def test_every_test_security_md_cites_exists() -> None:
    cited = re.findall(r"`(tests/[\w/.-]+?)(?:::(\w+))?`", read("security.md"))
    assert len(cited) >= 30
    missing = [f"{path}::{name}" if name else path for path, name in cited
               if not (REPO / path).exists()
               or name and f"def {name}(" not in (REPO / path).read_text(encoding="utf-8")]
    assert missing == []

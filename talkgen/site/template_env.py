"""The Jinja environment for site and theme templates, which arrive with the site.

Templates are sandboxed (SandboxedEnvironment: no access to Python internals such as
`cycler.__init__.__globals__.os`), and a template file whose real path leaves the site or
the theme (a committed symlink `templates/404.html → /etc/passwd`) is not loaded.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from jinja2.loaders import split_template_path
from jinja2.sandbox import SandboxedEnvironment

from .theme import template_dirs, theme_root


class ContainedLoader(jinja2.FileSystemLoader):
    """A FileSystemLoader that refuses a template file leading outside its boundaries."""

    def __init__(self, folders: list[Path], boundaries: list[Path]) -> None:
        super().__init__([str(d) for d in folders])
        self.boundaries = [b.resolve() for b in boundaries]

    def get_source(self, environment: jinja2.Environment,
                   template: str) -> tuple[str, str, Callable[[], bool]]:
        for folder in self.searchpath:
            candidate = Path(folder, *split_template_path(template))
            if candidate.is_file() or candidate.is_symlink():
                real = candidate.resolve()
                if not any(real.is_relative_to(b) for b in self.boundaries) or not real.is_file():
                    raise jinja2.TemplateError(
                        f"{template} links outside the site; copy the file into templates/")
                break
        return super().get_source(environment, template)


_DICT_ATTRIBUTES = frozenset(dir(dict))


class PageEnvironment(SandboxedEnvironment):
    """The sandbox, with `page.title` on a dict read as its key straight away.

    Pages are given dicts, and Jinja looks `title` up as an attribute first: on a dict that
    raises AttributeError before the key is read (274,000 times in a 300-episode build). Names
    that are not attributes of dict can only end as that key lookup, so they go to it first;
    the result is the same, and so are the sandbox's checks (a key is never checked).
    """

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


def environment(root: Path, **options: Any) -> jinja2.Environment:
    """A sandboxed environment loading the site's templates, then the theme's."""
    loader = ContainedLoader(template_dirs(root), [root, theme_root()])
    return PageEnvironment(loader=loader, **options)

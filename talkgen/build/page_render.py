"""Render one planned page, whole or written in pieces; the one module, for the build and the
preview alike, where a template error becomes a diagnostic."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

import jinja2

from ..diagnostics import Diagnostic, diagnostic
from ..site.render import Page, PlannedPage
from .render_folder import flat_name


def render_page(plan: dict[str, Callable[[], Page]], root: Path, path: str) -> Page | Diagnostic:
    """One page; a template error comes back as a diagnostic (it may cross a process boundary)."""
    try:
        return plan[path]()
    except jinja2.TemplateError as err:
        return template_diagnostic(err, root)


def render_into(plan: dict[str, Callable[[], Page]], root: Path, folder: Path,
                path: str) -> str | Diagnostic:
    """Render one page and write it into the flat `folder` (in a worker), in pieces as the
    template yields them; only its path travels back."""
    planned = plan[path]
    try:
        pieces = planned.pieces() if isinstance(planned, PlannedPage) else iter([planned().html])
        with open(folder / flat_name(path), "wb") as file:
            for piece in pieces:
                file.write(piece.encode("utf-8"))
    except jinja2.TemplateError as err:
        return template_diagnostic(err, root)
    return path


def template_diagnostic(err: jinja2.TemplateError, root: Path) -> Diagnostic:
    """A template mistake is reported like a content one: file, line, message."""
    name = getattr(err, "filename", None) or getattr(err, "name", None) or "templates"
    with contextlib.suppress(ValueError):  # a theme template stays an absolute path
        name = Path(name).resolve().relative_to(root).as_posix()
    line = getattr(err, "lineno", 0) or 0
    source = None
    path = Path(name) if Path(name).is_absolute() else root / name
    if line and path.is_file():
        source = path.read_text(encoding="utf-8", errors="replace").split("\n")
    return diagnostic("E042", f"template error: {err.message or err}", name, line, 1 if line else 0,
                      hint="fix the template; the site was not written", source=source)

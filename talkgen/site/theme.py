"""Where the built-in theme lives: packaged as talkgen/theme/, or the repository top level."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent  # talkgen/


def theme_root() -> Path:
    """The folder holding the built-in templates/ and static/."""
    packaged = _PACKAGE / "theme"
    if (packaged / "templates").is_dir():
        return packaged
    return _PACKAGE.parent  # a source checkout or an editable install


def template_dirs(site_root: Path) -> list[Path]:
    """Site templates first, then the theme's: a site overrides the theme file by file."""
    return [d for d in (site_root / "templates", theme_root() / "templates") if d.is_dir()]


def static_dirs(site_root: Path) -> list[Path]:
    """Theme static files first, then the site's, so later ones win when copied in order."""
    return [d for d in (theme_root() / "static", site_root / "static") if d.is_dir()]

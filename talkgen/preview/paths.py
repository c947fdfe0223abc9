"""What a changed path on disk means to the preview: the config, a template, a static file,
an episode, or nothing; and how an edit is named in the terminal."""

from __future__ import annotations

from pathlib import Path

from ..content.config import CONFIG_FILE, SiteConfig
from ..site.theme import static_dirs, template_dirs


def watched(config: SiteConfig) -> list[tuple[Path, bool]]:
    """Folders to watch, each with whether to watch it recursively."""
    root = config.root
    dirs = {config.episodes_dir, *template_dirs(root), *static_dirs(root)}
    return [(root, False), *((d, True) for d in sorted(dirs) if d.is_dir())]


def kind(config: SiteConfig, path: Path) -> str | None:
    """"config", "template", "static", "episode", or None for a file the site does not use."""
    root = config.root
    if path == root / CONFIG_FILE:
        return "config"
    if any(path.is_relative_to(d) for d in template_dirs(root)):
        return "template"
    if any(path.is_relative_to(d) for d in static_dirs(root)):
        return "static"
    episodes = config.episodes_dir
    if path == episodes or (path.parent == episodes and path.suffix.lower() == ".md"):
        return "episode"
    if path.is_relative_to(episodes) and path.suffix.lower() != ".md":
        return "static"  # a picture next to the episodes (static_list.py publishes it)
    return None


def label(root: Path, paths: set[Path]) -> str:
    """One file by its site-relative path, several by their count."""
    if len(paths) == 1:
        path = next(iter(paths))
        return path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
    return f"{len(paths)} files"

"""Documented limits that keep a site's output in proportion to its input (docs/security.md).

An episode's card (title, summary, hosts, topic links) is repeated on the page of each of its
topics and people, and each topic and person is a page of its own; so the number and the length
of these values are capped (a name's length is capped by schema.MAX_NAME), and the bound on the
output can be stated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..diagnostics import Diagnostic, diagnostic
from ..model import Episode, identity
from .frontmatter import KeyPath, YamlDoc

MAX_TOPICS = 30  # distinct topics per episode: front matter `topics` plus every section's
MAX_PEOPLE = 100  # distinct names per episode: hosts, editors, contributors, who asked questions
MAX_HOSTS = 10
MAX_TITLE = 300  # characters
MAX_SUMMARY = 1000  # characters
Where = tuple[int, int]


def check_episode(episode: Episode, meta: Mapping[str, Any], file: str, lines: Sequence[str],
                  doc: YamlDoc) -> list[Diagnostic]:
    """E091 for each limit the episode goes over, at the value that goes over it."""
    def placed(found: list[tuple[KeyPath, str]]) -> list[tuple[Where, str]]:
        return [(doc.where(path), name) for path, name in found]

    def report(where: Where, message: str, hint: str) -> None:
        out.append(diagnostic("E091", message, file, where[0], where[1], hint=hint, source=lines))

    out: list[Diagnostic] = []
    hosts = _listed(meta, "host")
    topics = _names(meta, "topics")
    people = [*hosts, *_listed(meta, "editors"), *_names(meta, "contributors")]
    askers = [((q.line, 1), q.asker) for q in episode.questions if q.asker]
    for what, found, extra, limit, hint in (
            ("topics", topics, [], MAX_TOPICS, "keep the main topics; name the others in the "
             "text"),
            ("names", people, askers, MAX_PEOPLE, "list the main contributors; thank the others "
             "in the text"),
            ("hosts", hosts, [], MAX_HOSTS, "name the main hosts; list the others as "
             "contributors")):
        if len(found) + len(extra) <= limit:
            continue  # the common case: no need to tell names apart or find them
        over = _over(placed(found) + extra, limit)
        if over is not None:
            report(over, f"more than {limit} {what} in one episode (the limit keeps the site's "
                   "size in proportion to its episodes)", hint)
    for key, limit in (("title", MAX_TITLE), ("summary", MAX_SUMMARY)):
        value = meta.get(key, "")
        if isinstance(value, str) and len(value) > limit:
            report(doc.where((key,)), f'"{key}" has {len(value)} characters; the limit is {limit}',
                   "shorten it; the episode's text can say the rest")
    return out


def _listed(meta: Mapping[str, Any], key: str) -> list[tuple[KeyPath, str]]:
    value = meta.get(key, ())
    if isinstance(value, str):
        return [((key,), value)]
    return [((key, i), v) for i, v in enumerate(value)]


def _names(meta: Mapping[str, Any], key: str) -> list[tuple[KeyPath, str]]:
    """Names under `key` in the front matter and in every section's metadata, with their paths."""
    found = _listed(meta, key)
    for kind, extra in meta.get("sections", {}).items():
        found += [(("sections", kind, key, i), v) for i, v in enumerate(extra.get(key, ()))]
    return found


def _over(found: list[tuple[Where, str]], limit: int) -> Where | None:
    """Position of the first distinct name beyond `limit`, or None."""
    seen: set[str] = set()
    for where, name in found:
        seen.add(identity(name))
        if len(seen) > limit:
            return where
    return None

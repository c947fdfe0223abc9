"""Random edit sequences: after every edit, the warm build (build cache, reused pages) and the
preview hold exactly what a cold build of the same input writes. A named stress test (marker
`slow`; test_incremental.py runs the fixed edit matrix in the fast set): 12 sequences by
default, TALKGEN_RANDOM_SEQUENCES=400 for a long run. A failure names its seed, to replay it."""

from __future__ import annotations

import os
import random
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from talkgen.build.gather import gather
from talkgen.build.publish import build
from talkgen.content.config import load_config
from talkgen.preview.builder import Preview

from .sitegen import PEOPLE, TOPICS, episode_text, write_site

pytestmark = [pytest.mark.timeout(900), pytest.mark.slow]

SEQUENCES = int(os.environ.get("TALKGEN_RANDOM_SEQUENCES", "12"))
EDITS = 3
EPISODES = 6
Edit = Callable[[random.Random, Path], list[Path]]


def _episodes(root: Path) -> list[Path]:
    return sorted((root / "episodes").glob("*.md"))


def _rewrite(path: Path, change: Callable[[str], str]) -> list[Path]:
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
    return [path]


def body_text(rng: random.Random, root: Path) -> list[Path]:
    words = rng.choice(["新的一段。", "另一句话。", "**加粗** 的内容。", "`code` 片段。"])
    return _rewrite(rng.choice(_episodes(root)), lambda t: t + f"\n{words}\n")


def add_topic(rng: random.Random, root: Path) -> list[Path]:
    topic = rng.choice([*TOPICS, "全新话题", "另一个话题"])
    return _rewrite(rng.choice(_episodes(root)),
                    lambda t: t.replace("topics: [", f"topics: [{topic}, ", 1)
                    if f"{topic}," not in t else t)


def drop_topics(rng: random.Random, root: Path) -> list[Path]:
    return _rewrite(rng.choice(_episodes(root)),
                    lambda t: re.sub(r"^topics: \[.*\]$", "topics: []", t, count=1, flags=re.M))


def retitle(rng: random.Random, root: Path) -> list[Path]:
    return _rewrite(rng.choice(_episodes(root)), lambda t: t.replace("title: ", "title: 新 ", 1))


def change_host(rng: random.Random, root: Path) -> list[Path]:
    person = rng.choice([*PEOPLE, "新来的人"])
    return _rewrite(rng.choice(_episodes(root)),
                    lambda t: re.sub(r"^host: .*$", f"host: {person}", t, count=1, flags=re.M))


def toggle_draft(rng: random.Random, root: Path) -> list[Path]:
    return _rewrite(rng.choice(_episodes(root)), lambda t: t.replace("draft: true\n", "")
                    if "draft: true\n" in t else t.replace("host:", "draft: true\nhost:", 1))


def answer_question(rng: random.Random, root: Path) -> list[Path]:
    return _rewrite(rng.choice(_episodes(root)), lambda t: t + "\n补充的回答。\n")


def add_episode(rng: random.Random, root: Path) -> list[Path]:
    number = int(_episodes(root)[-1].stem) + 1
    path = root / "episodes" / f"{number:03d}.md"
    path.write_text(episode_text(number), encoding="utf-8")
    return [path]


def delete_last_episode(rng: random.Random, root: Path) -> list[Path]:
    files = _episodes(root)
    if len(files) <= 2:
        return add_episode(rng, root)
    files[-1].unlink()  # the last one: no other episode links to it
    return [files[-1]]


def static_file(rng: random.Random, root: Path) -> list[Path]:
    path = root / "static" / rng.choice(["extra.css", "logo.txt"])
    path.parent.mkdir(exist_ok=True)
    path.write_text(f"/* {rng.random()} */\n", encoding="utf-8")
    return [path]


def site_title(rng: random.Random, root: Path) -> list[Path]:
    path = root / "talkgen.yaml"
    path.write_text(f"title: Talk {rng.randint(1, 9)}\nsearch: false\n", encoding="utf-8")
    return [path]


def template(rng: random.Random, root: Path) -> list[Path]:
    path = root / "templates" / "404.html"
    path.parent.mkdir(exist_ok=True)
    path.write_text(f"<p>没有这一页 {rng.randint(1, 99)}</p>\n", encoding="utf-8")
    return [path]


OPERATIONS: list[Edit] = [body_text, add_topic, drop_topics, retitle, change_host, toggle_draft,
                          answer_question, add_episode, delete_last_episode, static_file,
                          site_title, template]


def cold(root: Path) -> dict[str, bytes]:
    config, _ = load_config(root)
    _, output = gather(config.with_overrides(search=False))
    assert output is not None
    return output.files()


def warm(root: Path) -> dict[str, bytes]:
    config, _ = load_config(root)
    result = build(config.with_overrides(search=False))
    assert result.ok, result.diagnostics
    out = root / "_site"
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*")
            if p.is_file() and p.name != ".talkgen-output"}


@pytest.mark.parametrize("seed", range(SEQUENCES))
def test_random_edits_build_warm_exactly_as_cold(seed: int, tmp_path: Path) -> None:
    rng = random.Random(seed)
    root = write_site(tmp_path / "site", EPISODES)
    with (root / "talkgen.yaml").open("a", encoding="utf-8") as config:
        config.write("search: false\n")  # as warm() and cold(): no search box in the preview
    warm(root)
    preview = Preview(root)
    assert preview.start().ok
    done = []
    for _ in range(EDITS):
        operations = rng.sample(OPERATIONS, rng.choice([1, 1, 2]))
        changed = [path for operation in operations for path in operation(rng, root)]
        done.append("+".join(op.__name__ for op in operations))
        expected = cold(root)
        assert warm(root) == expected, f"seed {seed}, warm build after {done}"
        assert preview.update(changed).ok
        assert preview.files() == expected, f"seed {seed}, preview after {done}"

"""The template environment's two shortcuts keep the meaning of a template: a dict's keys are
read first (PageEnvironment.getattr) and `cached` gives back a macro's HTML for the same views."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import jinja2
import pytest
from jinja2.sandbox import SandboxedEnvironment

from talkgen.build.gather import gather
from talkgen.content.config import load_config
from talkgen.site.macro_cache import MacroCache
from talkgen.site.template_env import environment
from tests.sitegen import write_site


class Card:
    """A non-dict view: attribute reads take the sandbox's usual path."""

    title = "对象"
    _private = "hidden"


CONTEXT: dict[str, Any] = {
    "d": {"title": "标题", "items": "a key named like a method", "keys": 3, "url": "/e/1/"},
    "nested": {"card": {"hosts": [{"name": "羡鱼", "url": ""}]}},
    "empty": {},
    "obj": Card(),
}
EXPRESSIONS = [
    "{{ d.title }}", "{{ d['title'] }}", "{{ d.url }} {{ d.keys is callable }}",
    "{{ d.items() | list | length }}",  # the method, as plain Jinja reads it
    "{{ d.get('title') }}", "{{ d.values() | list | length }}",
    "{{ nested.card.hosts[0].name }}", "{{ nested.card.hosts | length }}",
    "{{ d.missing }}", "{{ empty.title }}",  # undefined: an error under StrictUndefined
    "{{ d.missing is defined }}", "{{ empty.title | default('默认') }}",
    "{{ d.__class__ }}", "{{ d.__len__() }}", "{{ d.pop('title') }}",
    "{{ obj.title }}", "{{ obj._private }}", "{{ obj.__class__.__mro__ }}",
]


def _outcome(env: jinja2.Environment, source: str) -> str:
    try:
        return "ok: " + env.from_string(source).render(copy.deepcopy(CONTEXT))
    except Exception as err:  # noqa: BLE001 - the kind of failure is what is compared
        return f"{type(err).__name__}: {err}"


@pytest.mark.parametrize("source", EXPRESSIONS)
def test_reading_dict_keys_first_changes_no_outcome(tmp_path: Path, source: str) -> None:
    """Each expression renders (or fails, or is refused by the sandbox) exactly as in Jinja's
    own sandbox with the theme's options."""
    options: dict[str, Any] = {"autoescape": True, "undefined": jinja2.StrictUndefined}
    plain = SandboxedEnvironment(**options)
    ours = environment(tmp_path, **options)
    assert type(ours) is not SandboxedEnvironment  # the shortcut is what is tested
    assert _outcome(ours, source) == _outcome(plain, source)


def test_cached_calls_a_macro_once_for_the_same_views() -> None:
    calls: list[tuple[Any, ...]] = []

    def macro(*args: Any) -> str:
        calls.append(args)
        return f"<li>{len(calls)}</li>"

    cached = MacroCache()
    card, level = {"title": "第 1 期"}, 3
    assert cached(macro, card, level) == cached(macro, card, level) == "<li>1</li>"
    assert len(calls) == 1
    twin = dict(card)  # equal but another view: made again, never mistaken for the first
    assert cached(macro, twin, level) == "<li>2</li>"
    assert cached(macro, card, 2) == "<li>3</li>"
    assert cached(macro, card, level) == "<li>1</li>"
    assert len(calls) == 3


def test_a_new_build_in_the_same_process_shows_the_edited_cards(tmp_path: Path) -> None:
    """The cards on the home page and among related episodes come from `cached`: a second
    build in one process (as the preview does after each save) shows the edited title."""
    root = write_site(tmp_path / "site", 6)
    config, _ = load_config(root)

    def pages() -> dict[str, str]:
        _, output = gather(config.with_overrides(search=False))
        assert output is not None
        return {page.path: page.html for page in output.pages}

    before = pages()
    assert before["index.html"].count("第 1 期：") == 1
    source = root / "episodes" / "001.md"
    source.write_text(source.read_text(encoding="utf-8").replace("title: 第 1 期：", "title: 改过的 1 期："),
                      encoding="utf-8")
    after = pages()
    assert "改过的 1 期：" in after["index.html"] and "第 1 期：" not in after["index.html"]
    shown = [path for path, html in after.items() if 'href="/episodes/001/"' in html
             and path.startswith("episodes/") and path != "episodes/001/index.html"]
    assert shown, "episode 1 is a related episode of another"
    assert all("第 1 期：" not in after[path] for path in shown)

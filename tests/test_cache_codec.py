"""The cache codec rebuilds exactly the types the code declares, and refuses anything else.

A cache file is signed, but a damaged or outdated one must still be a miss, never an object
holding a value of the wrong type (a number where the templates expect text, a list where they
expect a name). The decoder checks plain values in bulk, so this checks its output against the
declared types with a checker of its own, over cache values changed one leaf at a time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import types
import typing
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from talkgen.build.codec import DecodeError, dumps, loads
from talkgen.build.load import Loaded, load_all
from talkgen.content.config import load_config
from talkgen.content.episode import episode_files
from talkgen.model import Episode, Reference

from .conftest import FIXTURES

KIND = dict[str, Loaded]


def _cache() -> dict[str, Loaded]:
    """The fixture site as its episode cache holds it: every episode with its sections,
    headings, questions and references."""
    config, _ = load_config(FIXTURES / "site")
    files, _ = episode_files(config)
    return {one.key: one.loaded for one in load_all(config, files)}


CACHE = _cache()
RAW = json.loads(dumps(CACHE))


def conforms(value: Any, kind: Any) -> bool:
    """Whether `value` is exactly of the declared `kind`, all the way down."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (types.UnionType, typing.Union):
        return any(conforms(value, option) for option in args)
    if kind in (str, int, float, bool, type(None), dt.date):
        return type(value) is kind
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return type(value) is tuple and all(conforms(v, args[0]) for v in value)
    if origin is tuple:
        return type(value) is tuple and len(value) == len(args) \
            and all(conforms(v, a) for v, a in zip(value, args, strict=True))
    if origin is list:
        return type(value) is list and all(conforms(v, args[0]) for v in value)
    if origin is dict:
        return type(value) is dict and all(conforms(k, args[0]) and conforms(v, args[1])
                                           for k, v in value.items())
    assert dataclasses.is_dataclass(kind), kind
    hints = typing.get_type_hints(kind)
    return type(value) is kind and all(conforms(getattr(value, f.name), hints[f.name])
                                       for f in dataclasses.fields(kind) if f.init)


def _leaves(raw: Any, path: tuple[int, ...] = ()) -> list[tuple[int, ...]]:
    """The path of every value in the raw JSON: lists, and the scalars inside them."""
    found = [path]
    if isinstance(raw, list):
        for n, item in enumerate(raw):
            found += _leaves(item, (*path, n))
    return found


LEAVES = _leaves(RAW)[1:]  # not the whole file
OTHER_VALUES = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.floats(0, 1),
                         st.text(max_size=3), st.lists(st.text(max_size=2), max_size=2),
                         st.lists(st.integers(0, 2), min_size=1, max_size=2))


def _replaced(raw: Any, path: tuple[int, ...], value: Any) -> Any:
    if not path:
        return value
    copy = list(raw)
    copy[path[0]] = _replaced(raw[path[0]], path[1:], value)
    return copy


def test_the_fixture_cache_holds_every_kind_of_object() -> None:
    episodes = [loaded.episode for loaded in CACHE.values() if loaded.episode]
    assert episodes and any(s.questions for e in episodes for s in e.sections)
    assert any(e.references for e in episodes) and any(s.headings for e in episodes for s in e.sections)


def test_a_cache_decodes_to_what_was_stored() -> None:
    decoded = loads(dumps(CACHE), KIND)
    assert decoded == CACHE
    assert conforms(decoded, KIND)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(LEAVES), OTHER_VALUES)
def test_a_changed_value_is_refused_or_still_of_the_declared_type(
        path: tuple[int, ...], value: Any) -> None:
    data = json.dumps(_replaced(RAW, path, value)).encode()
    try:
        decoded = loads(data, KIND)
    except DecodeError:
        return
    assert conforms(decoded, KIND), f"{path}: {value!r} was taken"


@pytest.mark.parametrize("value", [7, None, ["x"], True])
def test_a_title_of_the_wrong_type_is_refused(value: Any) -> None:
    """A reference's title, a string in every cache, given as something else."""
    references = [f.name for f in dataclasses.fields(Episode)].index("references")
    title = [f.name for f in dataclasses.fields(Reference)].index("title")
    pair = next(n for n, (_, (episode, _)) in enumerate(RAW) if episode and episode[references])
    path = (pair, 1, 0, references, 0, title)  # [key, [episode, diagnostics]]
    assert type(RAW[pair][1][0][references][0][title]) is str
    with pytest.raises(DecodeError):
        loads(json.dumps(_replaced(RAW, path, value)).encode(), KIND)

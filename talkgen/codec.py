"""Frozen dataclasses ↔ plain JSON values, for the build cache.

The decoder builds every object itself from the field types declared in the code, never from
names found in the data, and checks each value's type: a forged or damaged cache can only be
rejected (DecodeError), never make talkgen run code or hold a value of the wrong type.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import types
import typing
from typing import Any, TypeVar

T = TypeVar("T")


class DecodeError(ValueError):
    """The data does not have the shape the code declares."""


def dumps(value: Any) -> bytes:
    return json.dumps(_plain(value), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def loads(data: bytes, kind: Any) -> Any:
    """JSON bytes → a value of type `kind` (a dataclass, dict[…], list[…] …), or DecodeError."""
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as err:
        raise DecodeError(f"not JSON: {err}") from None
    return _build(kind, raw)


def _plain(value: Any) -> Any:
    """A value → lists, dicts with string keys, str, int, float, bool and None only."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [_plain(getattr(value, f.name)) for f in _fields(type(value))]
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return [[_plain(k), _plain(v)] for k, v in value.items()]
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"cannot encode {type(value).__name__}")


@functools.cache
def _fields(cls: type) -> tuple[dataclasses.Field[Any], ...]:
    """The fields a dataclass is built from (init fields only), in declaration order."""
    return tuple(f for f in dataclasses.fields(cls) if f.init)


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _build(kind: Any, raw: Any) -> Any:
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (types.UnionType, typing.Union):
        for option in args:
            try:
                return _build(option, raw)
            except DecodeError:
                continue
        raise DecodeError(f"{raw!r:.40} is none of {kind}")
    if kind is type(None):
        return _expect(raw, type(None))
    if kind in (str, int, float):
        if isinstance(raw, bool) or not isinstance(raw, kind):
            raise DecodeError(f"expected {kind.__name__}, not {type(raw).__name__}")
        return raw
    if kind is bool:
        return _expect(raw, bool)
    if kind is dt.date:
        try:
            return dt.date.fromisoformat(_expect(raw, str))
        except ValueError:
            raise DecodeError(f"not a date: {raw!r:.40}") from None
    if origin is tuple:
        items = _expect(raw, list)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_build(args[0], item) for item in items)
        if len(items) != len(args):
            raise DecodeError(f"expected {len(args)} items, not {len(items)}")
        return tuple(_build(a, item) for a, item in zip(args, items, strict=True))
    if origin is list:
        return [_build(args[0], item) for item in _expect(raw, list)]
    if origin is dict:
        pairs = [_expect(pair, list) for pair in _expect(raw, list)]
        if any(len(pair) != 2 for pair in pairs):
            raise DecodeError("a mapping entry is not a pair")
        return {_build(args[0], k): _build(args[1], v) for k, v in pairs}
    if dataclasses.is_dataclass(kind) and isinstance(kind, type):
        return _instance(kind, _expect(raw, list))
    raise DecodeError(f"the cache cannot hold {kind}")  # a programming error, caught as a miss


def _instance(cls: type[T], values: list[Any]) -> T:
    fields, hints = _fields(cls), _hints(cls)  # type: ignore[arg-type]
    if len(values) != len(fields):
        raise DecodeError(f"{cls.__name__}: expected {len(fields)} fields, not {len(values)}")
    return cls(**{f.name: _build(hints[f.name], v) for f, v in zip(fields, values, strict=True)})


def _expect(raw: Any, kind: type[T]) -> T:
    if not isinstance(raw, kind):
        raise DecodeError(f"expected {kind.__name__}, not {type(raw).__name__}")
    return raw

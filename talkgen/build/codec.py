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
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import Any


class DecodeError(ValueError):
    """The data does not have the shape the code declares."""


def dumps(value: Any) -> bytes:
    return json.dumps(_plain(value), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def iterdumps(value: Any) -> Iterator[bytes]:
    """dumps(value) in pieces, one per item of a top-level dict, list or tuple: the cache of
    a large site is written without ever holding its plain form, or its text, whole."""
    if isinstance(value, dict):
        items: Iterable[Any] = ([k, v] for k, v in value.items())
    elif isinstance(value, (list, tuple)):
        items = value
    else:
        yield dumps(value)
        return
    yield b"["
    for n, item in enumerate(items):
        yield (b"," if n else b"") + dumps(item)
    yield b"]"


def loads(data: bytes, kind: Any) -> Any:
    """JSON bytes → a value of type `kind` (a dataclass, dict[…], list[…] …), or DecodeError."""
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as err:
        raise DecodeError(f"not JSON: {err}") from None
    try:
        return _decoder(kind)(raw)
    except (TypeError, ValueError) as err:  # a dataclass refusing its values
        raise DecodeError(str(err)) from None


def _plain(value: Any) -> Any:
    """A value → lists, dicts with string keys, str, int, float, bool and None only."""
    if value is None or isinstance(value, (str, int, float)):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return [[_plain(k), _plain(v)] for k, v in value.items()]
    if isinstance(value, dt.date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [_plain(getattr(value, name)) for name in _names(type(value))]
    raise TypeError(f"cannot encode {type(value).__name__}")


@functools.cache
def _names(cls: type) -> tuple[str, ...]:
    """The fields a dataclass is built from (init fields only), in declaration order."""
    return tuple(f.name for f in dataclasses.fields(cls) if f.init)


Decoder = Callable[[Any], Any]


@functools.cache
def _decoder(kind: Any) -> Decoder:
    """A function checking and rebuilding raw JSON as `kind`; made once per type."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (types.UnionType, typing.Union):
        return _union([_decoder(a) for a in args], kind)
    if kind in _PLAIN:
        return partial(_exact, kind)
    if kind is dt.date:
        return _date
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return _sequence_of(args[0], tuple)
    if origin is tuple:
        return partial(_fixed, tuple(_decoder(a) for a in args))
    if origin is list:
        return _sequence_of(args[0], list)
    if origin is dict:
        return partial(_mapping, _decoder(args[0]), _decoder(args[1]))
    if dataclasses.is_dataclass(kind) and isinstance(kind, type):
        return _instance(kind)
    raise DecodeError(f"the cache cannot hold {kind}")  # a programming error, caught as a miss


# JSON's own types: json.loads makes exactly these (never a subclass, and a bool is not an int
# here), so one `type(raw) is kind` checks a value, and a run of them is checked in C (map).
_PLAIN = (str, int, float, bool, type(None))


def _plain_types(kind: Any) -> frozenset[type] | None:
    """The JSON types a plain `kind` (str, `str | None` …) allows; None for any other kind."""
    options = typing.get_args(kind) if typing.get_origin(kind) in (types.UnionType, typing.Union) \
        else (kind,)
    return frozenset(options) if all(option in _PLAIN for option in options) else None


def _union(options: list[Decoder], kind: Any) -> Decoder:
    def decode(raw: Any) -> Any:
        for option in options:
            try:
                return option(raw)
            except DecodeError:
                continue
        raise DecodeError(f"{raw!r:.40} is none of {kind}")
    return decode


def _exact(kind: type, raw: Any) -> Any:
    if type(raw) is not kind:
        raise DecodeError(f"expected {kind.__name__}, not {type(raw).__name__}")
    return raw


def _date(raw: Any) -> dt.date:
    try:
        return dt.date.fromisoformat(_exact(str, raw))
    except ValueError:
        raise DecodeError(f"not a date: {raw!r:.40}") from None


def _sequence_of(item: Any, make: type) -> Decoder:
    allowed = _plain_types(item)
    if allowed is not None:  # most sequences: names, topics, anchors
        return partial(_plain_sequence, allowed, make)
    return partial(_sequence, _decoder(item), make)


def _sequence(item: Decoder, make: type, raw: Any) -> Any:
    if type(raw) is not list:
        raise DecodeError(f"expected a list, not {type(raw).__name__}")
    return make([item(v) for v in raw])


def _plain_sequence(allowed: frozenset[type], make: type, raw: Any) -> Any:
    if type(raw) is not list or not allowed.issuperset(map(type, raw)):
        raise DecodeError("expected a list of " + " or ".join(sorted(t.__name__ for t in allowed)))
    return make(raw)


def _fixed(items: tuple[Decoder, ...], raw: Any) -> tuple[Any, ...]:
    if type(raw) is not list or len(raw) != len(items):
        raise DecodeError(f"expected {len(items)} items")
    return tuple(decode(v) for decode, v in zip(items, raw, strict=True))


def _mapping(key: Decoder, value: Decoder, raw: Any) -> dict[Any, Any]:
    if type(raw) is not list:
        raise DecodeError(f"expected a list of pairs, not {type(raw).__name__}")
    out = {}
    for pair in raw:
        if type(pair) is not list or len(pair) != 2:
            raise DecodeError("a mapping entry is not a pair")
        out[key(pair[0])] = value(pair[1])
    return out


def _instance(cls: type) -> Decoder:
    names, hints = _names(cls), typing.get_type_hints(cls)
    count = len(names)
    plain = [_plain_types(hints[name]) for name in names]
    if all(allowed is not None and len(allowed) == 1 for allowed in plain):
        exact = tuple(kind for allowed in plain if allowed for kind in allowed)

        def decode_plain(raw: Any) -> Any:  # Reference, Heading: most objects in a cache
            if type(raw) is not list or tuple(map(type, raw)) != exact:
                raise DecodeError(f"{cls.__name__}: expected {count} fields of "
                                  + ", ".join(kind.__name__ for kind in exact))
            return cls(*raw)
        return decode_plain
    fields = [_decoder(hints[name]) for name in names]

    def decode(raw: Any) -> Any:
        if type(raw) is not list or len(raw) != count:
            raise DecodeError(f"{cls.__name__}: expected {count} fields")
        return cls(*[field(v) for field, v in zip(fields, raw, strict=True)])
    return decode

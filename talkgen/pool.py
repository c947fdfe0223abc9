"""Map a function over items on every core, results in input order.

Workers are forked, so they start at once and share what the parent already holds (the
parsed site, the Jinja environment) without pickling it; only items and results travel.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_ITEMS = 64  # below this, starting workers costs more than it saves

_task: Callable[[object], object] | None = None  # set in the parent just before forking


def _run(item: object) -> object:
    assert _task is not None
    return _task(item)


def workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def ordered_map(task: Callable[[T], R], items: Sequence[T], *, parallel: bool = True) -> list[R]:
    """[task(x) for x in items], on forked workers when that pays off; same results either way."""
    count = workers()
    if not parallel or count < 2 or len(items) < MIN_ITEMS \
            or "fork" not in multiprocessing.get_all_start_methods():
        return [task(item) for item in items]
    global _task
    _task = task  # type: ignore[assignment]
    try:
        with multiprocessing.get_context("fork").Pool(count) as pool:
            chunk = max(1, len(items) // (count * 8))
            return pool.map(_run, items, chunksize=chunk)  # type: ignore[arg-type]
    finally:
        _task = None

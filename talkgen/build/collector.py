"""Fewer garbage collections while a build runs.

A build allocates millions of short-lived objects (markdown-it tokens, Jinja pieces) that
reference counting frees at once; with Python's default thresholds the cyclic collector still
walks the young ones every 700 allocations and, as the loaded site grows, the old ones again
and again: a tenth of the CPU time of loading. Forked workers inherit the setting.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

THRESHOLDS = (50_000, 20, 100)  # measured: 300 episodes load ≈ 10 % faster than (700, 10, 10)


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Raise the collector's thresholds for the block, then put the caller's back."""
    before = gc.get_threshold()
    gc.set_threshold(*THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)

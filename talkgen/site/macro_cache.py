"""`cached(macro, *args)` in templates: a macro's HTML made once per build for the same views.

Like Hugo's `partialCached`. An episode card is shown on the home page, on its hosts' pages
and among the related episodes of other episodes, always from the same view (the renderer
makes each view once), so the theme's `cards` renders each card once instead of about seven
times. Arguments are matched by identity, which is safe because views are not changed after
they are made, and the arguments are kept with the result, so no identity is reused while
its result is kept. The cache lives as long as the renderer: a new build starts empty.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class MacroCache:
    """The `cached` template global of one renderer."""

    def __init__(self) -> None:
        self._made: dict[tuple[int, ...], tuple[tuple[Any, ...], Any]] = {}

    def __call__(self, macro: Callable[..., Any], *args: Any) -> Any:
        called = (macro, *args)
        key = tuple(map(id, called))
        hit = self._made.get(key)
        if hit is not None and all(a is b for a, b in zip(hit[0], called, strict=True)):
            return hit[1]
        result = macro(*args)
        self._made[key] = (called, result)
        return result

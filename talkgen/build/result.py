"""What a build reports back (BuildResult), and the clock that times its phases."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import Diagnostic
from ..model import Site
from .check import CheckResult


@dataclass
class BuildResult:
    """What a build did, for the CLI's summary and the benchmarks."""

    check: CheckResult
    out: Path
    site: Site | None = None
    written: int = 0
    pages: int = 0
    seconds: float = 0.0
    input_bytes: int = 0  # the episode files
    output_bytes: int = 0  # every file in the output folder (docs/security.md bounds it)
    phases: dict[str, float] = field(default_factory=dict)
    related: dict[int, tuple[int, ...]] = field(default_factory=dict)

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return self.check.diagnostics

    @property
    def ok(self) -> bool:
        return self.site is not None


class Clock:
    """Phase timings for the summary and the benchmark's profile."""

    def __init__(self) -> None:
        self.started = self.last = time.perf_counter()
        self.phases: dict[str, float] = {}

    def lap(self, result: BuildResult, name: str) -> None:
        now = time.perf_counter()
        self.phases[name] = now - self.last
        self.last = now
        result.phases = dict(self.phases)

    def total(self) -> float:
        return time.perf_counter() - self.started

"""A build raises the garbage collector's thresholds while it runs (loading is ~10 % faster)
and gives the process its own back afterwards, also when the build fails."""

from __future__ import annotations

import gc
import shutil
from pathlib import Path

import pytest

from talkgen.build import publish
from talkgen.build.collector import THRESHOLDS
from talkgen.content.config import load_config

FIXTURE = Path(__file__).parent / "fixtures" / "site"


@pytest.mark.parametrize("fails", [False, True])
def test_a_build_collects_less_often_and_puts_the_thresholds_back(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fails: bool) -> None:
    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site, ignore=shutil.ignore_patterns("_site", ".talkgen-cache"))
    config, _ = load_config(site)
    config = config.with_overrides(output=tmp_path / "out", search=False)
    seen: list[tuple[int, ...]] = []
    original = publish._build

    def watched(*args: object) -> publish.BuildResult:
        seen.append(gc.get_threshold())
        if fails:
            raise OSError(28, "No space left on device")
        return original(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(publish, "_build", watched)
    before = (1234, 11, 12)
    gc.set_threshold(*before)
    try:
        result = publish.build(config, cache=False)
        assert gc.get_threshold() == before
    finally:
        gc.set_threshold(700, 10, 10)
    assert seen == [THRESHOLDS]
    assert result.ok is not fails

"""Issue 11 (part B): each attack a pull request can make on links, feeds, output size, slugs
and the preview, reproduced as a user meets it: the CLI on a site folder, built files read back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import run_talkgen

UNSAFE_PROFILES = ["javascript:alert(document.domain)", "data:text/html,<script>alert(1)</script>",
                   "  JaVaScRiPt:alert(1)", "\x01javascript:alert(1)", "vbscript:msgbox(1)",
                   "file:///etc/passwd"]


@pytest.mark.parametrize("url", UNSAFE_PROFILES)
def test_a_people_registry_link_outside_the_policy_is_an_error_and_never_a_link(
        fixture_site: Path, url: str) -> None:
    (fixture_site / "talkgen.yaml").write_text(
        f"title: T\npeople:\n  Yuhan:\n    url: {json.dumps(url)}\n", encoding="utf-8")
    check = run_talkgen("check", "--format", "json", cwd=fixture_site)
    found = [(d["file"], d["line"], d["column"], d["code"]) for d in json.loads(check.stdout)]
    assert check.returncode == 1 and ("talkgen.yaml", 4, 10, "E033") in found, check.stdout
    build = run_talkgen("build", cwd=fixture_site)
    assert build.returncode == 1 and not (fixture_site / "_site").exists()

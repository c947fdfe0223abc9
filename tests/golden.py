"""The golden site: tests/fixtures/site built and compared, page by page, with the HTML checked
in under tests/fixtures/golden/. After an intended change to the output, regenerate it with

    python -m tests.golden

and review the diff (`git diff tests/fixtures/golden`) before committing it.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import sys
import tempfile
from pathlib import Path

from talkgen import cli

HERE = Path(__file__).parent
SITE = HERE / "fixtures" / "site"
EXPECTED = HERE / "fixtures" / "golden"
# A base URL with a path, so every link shows that it honours the base path.
ARGS = ["build", "--no-search", "--base-url", "https://talk.example.org/llm/"]


def normalise(text: str) -> str:
    """What may differ without a reader seeing it: line endings, trailing and blank lines."""
    lines = (line.rstrip() for line in text.replace("\r\n", "\n").split("\n"))
    return "\n".join(line for line in lines if line) + "\n"


def build_pages(out: Path) -> dict[str, str]:
    """Build a copy of the fixture site (its build cache stays out of the repository) into
    `out`; output path → normalised text, the static files (copies) aside."""
    site = out.parent / "golden-site"
    shutil.copytree(SITE, site)
    with contextlib.redirect_stderr(io.StringIO()) as err:
        code = cli.main([*ARGS, "--root", str(site), "--out", str(out)])
    assert code == 0, err.getvalue()
    return {p.relative_to(out).as_posix(): normalise(p.read_text(encoding="utf-8"))
            for p in sorted(out.rglob("*")) if p.is_file()
            and not p.relative_to(out).as_posix().startswith("static/")}


def expected_pages() -> dict[str, str]:
    return {p.relative_to(EXPECTED).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(EXPECTED.rglob("*")) if p.is_file()}


def regenerate() -> int:
    """Replace the expected pages with what the current code builds."""
    with tempfile.TemporaryDirectory() as tmp:
        pages = build_pages(Path(tmp) / "out")
    shutil.rmtree(EXPECTED, ignore_errors=True)
    for name, text in pages.items():
        target = EXPECTED / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    print(f"wrote {len(pages)} pages to {EXPECTED.relative_to(HERE.parent)}; review them with "
          f"`git diff {EXPECTED.relative_to(HERE.parent)}`", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(regenerate())

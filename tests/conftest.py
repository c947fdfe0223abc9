"""Shared helpers: run talkgen as a user does (a subprocess in a folder) and copy fixtures."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import shutil
import subprocess
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jinja2
import pytest
from jinja2.sandbox import SandboxedEnvironment

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).parent.parent
SHARED_SAMPLE = REPO.parent / "shared" / "samples" / "openllm-talk-001-legacy.md"
SAMPLE = FIXTURES / "samples" / SHARED_SAMPLE.name  # a copy, so the tests need nothing outside


# Settings read once, when an interpreter starts: a test that sets one needs its own process.
_STARTUP_ONLY = {"PYTHONHASHSEED", "TZ", "PYTHONIOENCODING", "LANG", "LC_ALL", "PATH"}


def run_talkgen(*args: str, cwd: Path, env: dict[str, str] | None = None,
                timeout: float = 120, process: bool = False) -> subprocess.CompletedProcess[str]:
    """`talkgen ARGS` in `cwd`, as a user runs it: same arguments, exit code, stdout and stderr.

    It runs in this process (cli.main, about 1 s faster per call) unless `process` is set or
    `env` holds a start-up setting; then through `python -m talkgen` of this interpreter.
    """
    if process or _STARTUP_ONLY & (env or {}).keys():
        full_env = {**os.environ, **(env or {})}
        return subprocess.run([sys.executable, "-m", "talkgen", *args], cwd=cwd, env=full_env,
                              capture_output=True, text=True, timeout=timeout)
    return _in_process(list(args), cwd, env or {})


def _in_process(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """cli.main in `cwd` with `env` added, its output captured; a crash is a traceback on
    stderr and exit 1, as `python -m talkgen` would show it."""
    from talkgen import cli

    out, err = io.StringIO(), io.StringIO()
    saved = {name: os.environ.get(name) for name in env}
    old_cwd = Path.cwd()
    os.environ.update(env)
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = cli.main(args)
            except SystemExit as stop:  # argparse: --version, --help, usage errors
                code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
                if isinstance(stop.code, str):
                    print(stop.code, file=sys.stderr)
            except Exception:  # noqa: BLE001 - reported as the interpreter would
                traceback.print_exc()
                code = 1
    finally:
        os.chdir(old_cwd)
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return subprocess.CompletedProcess(["talkgen", *args], code, out.getvalue(), err.getvalue())


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file under `folder` → its SHA-256: two builds compared byte for byte."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


class _CompiledTemplates(jinja2.BytecodeCache):
    """Templates compiled once per test process: each build makes a new Jinja environment, and
    compiling the theme again took about a quarter of a small build. Jinja checks each entry
    against the template's source, so an edited template is compiled again."""

    def __init__(self) -> None:
        self.code: dict[tuple[object, ...], bytes] = {}

    def _key(self, bucket: jinja2.bccache.Bucket) -> tuple[object, ...]:
        env = bucket.environment  # the same source compiles differently under other options
        return (type(env), env.trim_blocks, env.lstrip_blocks, env.keep_trailing_newline,
                env.autoescape, bucket.key)

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if (code := self.code.get(self._key(bucket))) is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.code[self._key(bucket)] = bucket.bytecode_to_string()


@pytest.fixture(autouse=True, scope="session")
def _templates_compiled_once() -> Iterator[None]:
    """Every in-process build of this test process shares compiled templates (see above)."""
    cache = _CompiledTemplates()

    class Environment(SandboxedEnvironment):
        def __init__(self, **options: Any) -> None:
            super().__init__(bytecode_cache=cache, **options)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("talkgen.site.template_env.SandboxedEnvironment", Environment)
        yield


@pytest.fixture(autouse=True, scope="session")
def _chromium_closed_at_the_end() -> Iterator[None]:
    """The browser tests share one chromium per test process (tests/browser.py)."""
    yield
    from .browser import stop

    stop()


@pytest.fixture
def fixture_site(tmp_path: Path) -> Path:
    """A copy of tests/fixtures/site: three episodes, Chinese topics, a draft, an open question."""
    target = tmp_path / "site"
    shutil.copytree(FIXTURES / "site", target)
    return target



def build_fixture(factory: pytest.TempPathFactory, name: str) -> Path:
    """Copy tests/fixtures/NAME, build it without search as a user would; the output folder."""
    site = factory.mktemp(name) / "site"
    shutil.copytree(FIXTURES / name, site)
    result = run_talkgen("build", "--no-search", cwd=site)
    assert result.returncode == 0, result.stderr
    return site / "_site"


@pytest.fixture(scope="session")
def reading_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/fixtures/reading built once per test process: recordings, chapters, labels, Q&A and
    papers mentioned several ways. Read it; never change it."""
    return build_fixture(tmp_path_factory, "reading")

"""Shared helpers: run talkgen as a user does (a subprocess in a folder) and copy fixtures."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).parent.parent
SHARED_SAMPLE = REPO.parent / "shared" / "samples" / "openllm-talk-001-legacy.md"
SAMPLE = FIXTURES / "samples" / SHARED_SAMPLE.name  # a copy, so the tests need nothing outside

_MEMORY = Path("/dev/shm")
_THIS_RUN: list[Path] = []  # the memory folder this process made for the run (the controller)


def _memory_backed_temp() -> None:
    """Give the run a folder in memory (/dev/shm, when it is a tmpfs with room) for every
    temporary file, unless the tester chose a place (TMPDIR; --basetemp comes first anyway).

    The tests make and delete tens of thousands of small files; on the 2-core machines CI runs
    on, a new folder with one file costs ≈ 0.55 ms on disk and 0.03 ms in memory, ≈ 4 s of the
    fast set. Workers and subprocesses (talkgen, pip, chromium) inherit the folder through
    TMPDIR. A run that passes removes it (pytest_sessionfinish); a failed run's stays for a
    look (at most three are kept).
    """
    if "TMPDIR" in os.environ:
        return
    with contextlib.suppress(OSError):
        with open("/proc/mounts", encoding="utf-8") as mounts:  # noexec: tests run fake tools
            tmpfs = any(fields[1:3] == [str(_MEMORY), "tmpfs"] and "noexec" not in fields[3]
                        for fields in map(str.split, mounts))
        room = os.statvfs(_MEMORY)
        if not tmpfs or room.f_bavail * room.f_frsize < 2 << 30 or not os.access(_MEMORY, os.W_OK):
            return
        prefix = f"talkgen-tests-{os.getuid()}-"
        for old in sorted(_MEMORY.glob(prefix + "*"), key=lambda p: p.stat().st_mtime)[:-3]:
            shutil.rmtree(old, ignore_errors=True)
        run = Path(tempfile.mkdtemp(prefix=prefix, dir=_MEMORY))
        _THIS_RUN.append(run)
        os.environ["TMPDIR"] = str(run)
        tempfile.tempdir = None  # gettempdir() reads TMPDIR again


_memory_backed_temp()
# Builds keep compiled templates in the user's cache folder; the tests keep theirs in one folder
# of their own, shared by every worker, so nothing is written to the tester's home.
os.environ["XDG_CACHE_HOME"] = os.path.join(tempfile.gettempdir(), f"talkgen-tests-{os.getuid()}")


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


def pytest_configure(config: pytest.Config) -> None:
    """pytest collects garbage five times when a process ends, to report exceptions raised in
    finalizers; the passes after the first only find garbage that finalizers made. In a worker
    that ran hundreds of builds they took 0.7 s of the 1.1 s (measured with -n 0), at the end
    of each worker. One pass, through pytest's own knob (a stash key, there for its tests)."""
    with contextlib.suppress(ImportError):
        from _pytest.unraisableexception import gc_collect_iterations_key

        config.stash[gc_collect_iterations_key] = 1


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):  # nothing to see
        for run in _THIS_RUN:
            shutil.rmtree(run, ignore_errors=True)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Modules with slow tests first: the workers take them while there is still other work to
    share, instead of one worker finishing a 30 s browser module while the other waits."""
    heavy = {getattr(item, "module", None) for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: getattr(item, "module", None) not in heavy)  # stable: the order within stays


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

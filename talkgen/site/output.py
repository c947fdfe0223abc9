"""The only writer: pages and static files go to a staging folder that replaces the output
folder in one step, so a failed or interrupted build leaves the published site whole."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: builds are not serialised
    fcntl = None  # type: ignore[assignment]

from .output_folder import MARKER, MARKER_TEXT
from .render import Page


def write_site(out: Path, pages: Iterable[Page], static: Mapping[str, Path],
               generated: Mapping[str, str | bytes], *, reused: Mapping[str, Path] | None = None,
               before_swap: Callable[[Path], None] | None = None) -> int:
    """Write everything into a fresh staging folder, then swap it in; returns files written.

    `reused` files (unchanged since the last build) are hard-linked from the old output, so
    a warm build writes only what changed; `before_swap` may add to the staging folder.
    """
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    recover(out)
    staging = out.parent / f".{out.name}.staging-{os.getpid()}"
    staging.mkdir()
    try:
        (staging / MARKER).write_bytes(MARKER_TEXT)
        count = 0
        for name, source in static.items():
            _copy(source, staging / name)
            count += 1
        for name, source in (reused or {}).items():
            _link(source, staging / name)
        for name, text in generated.items():
            _write(staging / name, text)
            count += 1
        for page in pages:
            _write(staging / page.path, page.html)
            count += 1
        if before_swap is not None:
            before_swap(staging)
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return count


def unchanged_output(out: Path, static: Mapping[str, Path], generated: Mapping[str, str | bytes],
                     reused: Mapping[str, Path]) -> dict[str, tuple[int, int]] | None:
    """The output's files as written_files() lists them, when `out` already holds exactly what
    write_site would publish (file for file, byte for byte, no symlink): then a build that
    changed nothing need not link, swap and delete a thousand files. None when anything
    differs. `reused` files are the output's own, found intact by size and time."""
    found = _regular_files(out)
    if found is None:
        return None
    files, folders = found
    expected = {MARKER, *static, *generated, *reused}
    if files.keys() != expected or not folders <= _folders_of(expected) \
            or any(source != out / name for name, source in reused.items()):
        return None
    wanted = {MARKER: MARKER_TEXT} | {name: _bytes(content) for name, content in generated.items()}
    try:
        same = all(files[name][0] == len(data) and (out / name).read_bytes() == data
                   for name, data in wanted.items()) \
            and all(files[name][0] == source.stat().st_size
                    and (out / name).read_bytes() == source.read_bytes()
                    for name, source in static.items())
    except OSError:  # a static file gone since it was listed: the build proper reports it
        return None
    return files if same else None


def _folders_of(paths: Iterable[str]) -> set[str]:
    """Every folder the paths are in: "a/b/c.html" is in "a" and "a/b"."""
    return {path.rsplit("/", depth)[0] for path in paths for depth in range(1, path.count("/") + 1)}


def _regular_files(out: Path) -> tuple[dict[str, tuple[int, int]], set[str]] | None:
    """Every file under `out` (path → size, mtime) and every folder; None if `out` is not a
    folder or holds anything but folders and regular files (a symlink is never followed)."""
    files: dict[str, tuple[int, int]] = {}
    folders: set[str] = set()
    todo = [(str(out), "")]
    try:
        if not out.is_dir() or out.is_symlink():
            return None
        while todo:
            folder, prefix = todo.pop()
            with os.scandir(folder) as entries:
                for entry in entries:
                    name = prefix + entry.name
                    if entry.is_dir(follow_symlinks=False):
                        folders.add(name)
                        todo.append((entry.path, name + "/"))
                    elif entry.is_file(follow_symlinks=False):
                        info = entry.stat(follow_symlinks=False)
                        files[name] = (info.st_size, info.st_mtime_ns)
                    else:
                        return None
    except OSError:
        return None
    return files, folders


def written_files(out: Path) -> dict[str, tuple[int, int]]:
    """Output path → (size, mtime_ns) of every file: how the next build knows a file is intact
    ({} when the folder holds anything but folders and files: then nothing of it is trusted)."""
    found = _regular_files(out)
    return found[0] if found else {}


def _link(source: Path, target: Path) -> None:
    """Hard-link a file of the last build (the link itself if it is a symlink, never its target)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:  # another file system, or links not supported
        shutil.copy2(source, target, follow_symlinks=False)


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def recover(out: Path) -> None:
    """Undo what an interrupted build (kill -9) left: put the old site back, drop staging."""
    leftovers = [p for p in sorted(out.parent.glob(f".{out.name}.*-*")) if not _running(p)]
    for link in [p for p in leftovers if p.is_symlink()]:  # not ours: never followed
        link.unlink()
        leftovers.remove(link)
    old = [p for p in leftovers if p.name.startswith(f".{out.name}.old-")]
    if old and not os.path.lexists(out):
        old[-1].rename(out)
    for path in leftovers:
        if path.exists():
            shutil.rmtree(path, ignore_errors=True)


@contextlib.contextmanager
def exclusive(out: Path) -> Iterator[None]:
    """Hold the lock on the output's parent folder: two builds into one folder take turns,
    so neither swaps away the files the other is linking or listing."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(out.parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _running(leftover: Path) -> bool:
    """Whether the build that named this folder (…-PID) is still alive."""
    pid = leftover.name.rsplit("-", 1)[-1]
    if not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _write(path: Path, content: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_bytes(content))


def _bytes(content: str | bytes) -> bytes:
    return content if isinstance(content, bytes) else content.encode("utf-8")


def _swap(staging: Path, out: Path) -> None:
    """Replace `out` by `staging`; the old folder is removed only once the new one is in place."""
    if not out.exists():
        staging.rename(out)
        return
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if old.exists():
        shutil.rmtree(old)
    out.rename(old)
    try:
        staging.rename(out)
    except BaseException:
        old.rename(out)
        raise
    shutil.rmtree(old, ignore_errors=True)

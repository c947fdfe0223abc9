"""Pagefind's `--service` protocol, spoken directly over its pipes.

The pagefind package's own client reads one reply per 0.1 s poll, so feeding 1000 pages one at
a time through it would take 100 s. Here requests are written as soon as a page exists and a
thread reads every reply the moment Pagefind prints it, so indexing runs alongside the build.
A request is base64 of a JSON object followed by a comma; so is each reply.
"""

from __future__ import annotations

import base64
import json
import queue
import subprocess
import threading
import time
from pathlib import Path
from typing import IO, Any


class PagefindError(RuntimeError):
    """Pagefind refused a request, stopped early, or did not answer in time."""


class PagefindService:
    """One Pagefind process holding one index; close() always leaves no process behind."""

    def __init__(self, binary: Path, config: dict[str, Any], deadline: float) -> None:
        self.deadline = deadline  # time.monotonic() after which waiting gives up
        self._replies: dict[int, dict[str, Any]] = {}
        self._ended = False
        self._changed = threading.Condition()
        self._sent = 0
        self._pending: list[int] = []  # pages sent whose reply has not been read yet
        self._files: int | None = None  # the GetFiles request, once sent
        self._answered: dict[int, int] = {}  # message id → place of its reply among the replies
        self._process = subprocess.Popen([str(binary), "--service"], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        assert self._process.stdout is not None
        self._reader = threading.Thread(target=self._read, args=(self._process.stdout,),
                                        name="pagefind-replies", daemon=True)
        self._reader.start()
        self._outbox: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._writer = threading.Thread(target=self._write, name="pagefind-requests",
                                        daemon=True)
        self._writer.start()  # a Pagefind that stops reading blocks this thread, not the build
        reply = self._wait(self._send({"type": "NewIndex", "config": config}))
        self._index = int(reply["index_id"])

    def add(self, url_path: str, html: str) -> int:
        """Queue one page (path relative to the site, e.g. episodes/001/index.html); no waiting."""
        message = self._send({"type": "AddFile", "index_id": self._index,
                              "file_path": url_path, "url": None, "file_contents": html})
        self._pending.append(message)
        return message

    def ask_files(self) -> None:
        """Ask for the index now, so Pagefind builds it while the caller does other work.

        Pagefind answers requests one after another, in the order sent (service/mod.rs), so the
        index holds every page added before; files() checks that it answered them first."""
        if self._files is None:
            self._files = self._send({"type": "GetFiles", "index_id": self._index})

    def files(self) -> dict[str, str]:
        """Wait for every page, then the index as path → base64 content, from Pagefind's reply
        (decoded one file at a time by the caller: the reply is tens of megabytes).

        Pagefind's WriteFiles answers before its files are on disk, and an exit cuts writes
        still under way (empty files in 1 of 12 builds); its GetFiles reply holds every byte."""
        self.ask_files()
        assert self._files is not None
        for message in self._pending:
            self._wait(message)
        reply = self._wait(self._files)
        if any(self._answered[message] > self._answered[self._files] for message in self._pending):
            raise PagefindError("Pagefind wrote its index before it had indexed every page")
        self._pending.clear()
        return {str(file.get("path", "")).lstrip("/"): str(file.get("content", ""))
                for file in reply.get("files") or ()}

    def exit(self) -> None:
        """Close Pagefind's input and wait for it to exit on its own."""
        self._outbox.put(None)
        try:
            code = self._process.wait(max(0.1, self.deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            raise TimeoutError("Pagefind did not exit") from None
        if code != 0:
            raise PagefindError(f"Pagefind exited with status {code}")

    def close(self) -> None:
        """End the process if it is still running (after a failure) and reap it."""
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        self._outbox.put(None)
        self._writer.join(1.0)
        for pipe in (self._process.stdin, self._process.stdout):
            if pipe is not None and not pipe.closed:
                pipe.close()
        self._reader.join(1.0)

    def _send(self, payload: dict[str, Any]) -> int:
        self._sent += 1
        body = json.dumps({"message_id": self._sent, "payload": payload}, ensure_ascii=False)
        self._outbox.put(base64.b64encode(body.encode("utf-8")) + b",")
        return self._sent

    def _write(self) -> None:
        """Hand the queued requests to Pagefind in order; None closes its input."""
        stdin = self._process.stdin
        assert stdin is not None
        try:
            while (request := self._outbox.get()) is not None:
                stdin.write(request)
                stdin.flush()
            stdin.close()
        except (OSError, ValueError):
            pass  # Pagefind ended; the replies it owes time out or report it

    def _wait(self, message: int) -> dict[str, Any]:
        with self._changed:
            while message not in self._replies:
                left = self.deadline - time.monotonic()
                if self._ended:
                    raise PagefindError("Pagefind ended without answering")
                if left <= 0:
                    raise TimeoutError("Pagefind did not answer in time")
                self._changed.wait(min(left, 1.0))
            reply = self._replies.pop(message)
        if reply.get("type") == "Error":
            raise PagefindError(str(reply.get("message", "error")))
        return reply

    def _read(self, stdout: IO[bytes]) -> None:
        """Collect replies by message id until Pagefind closes its output."""
        pending = bytearray()  # a GetFiles reply is megabytes: appended, never re-copied
        try:
            while chunk := stdout.read1(1 << 16):  # type: ignore[attr-defined]
                start = len(pending)
                pending += chunk
                end = pending.find(b",", start)
                while end >= 0:
                    with memoryview(pending) as view:
                        self._store(view[:end])
                    del pending[:end + 1]
                    end = pending.find(b",")
        except (OSError, ValueError):
            pass  # the pipe was closed by close()
        finally:
            with self._changed:
                self._ended = True
                self._changed.notify_all()

    def _store(self, message: memoryview) -> None:
        try:
            reply = json.loads(base64.b64decode(message))
        except ValueError:
            return  # not a protocol message (e.g. a log line); the request times out if it mattered
        if not isinstance(reply, dict):
            return
        number = reply.get("message_id")
        payload = reply.get("payload")
        if number is None and isinstance(payload, dict):  # a request Pagefind could not parse
            try:
                number = json.loads(payload.get("original_message") or "null")["message_id"]
            except (ValueError, TypeError, KeyError):
                number = None
        if isinstance(number, int) and isinstance(payload, dict):
            with self._changed:
                self._replies[number] = payload
                self._answered[number] = len(self._answered)
                self._changed.notify_all()

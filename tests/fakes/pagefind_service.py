"""A stand-in for `pagefind --service`: answers requests as Pagefind does, but hands over the
broken index chosen by FAKE_PAGEFIND, so the build's checks can be seen to catch it.

    empty-entry  pagefind-entry.json is empty (what a Pagefind stopped mid-write left behind)
    not-json     pagefind-entry.json is cut off in the middle
    crash        Pagefind dies when asked for its files
    stall        Pagefind stops reading its requests after the first
"""

from __future__ import annotations

import base64
import json
import os
import sys
import time

MODE = os.environ.get("FAKE_PAGEFIND", "empty-entry")
ENTRY = {"empty-entry": b"", "not-json": b'{"version":"1.4.0","languages":{'}


def reply(message: int, payload: dict[str, object]) -> None:
    body = json.dumps({"message_id": message, "payload": payload}).encode()
    sys.stdout.buffer.write(base64.b64encode(body) + b",")
    sys.stdout.buffer.flush()


def answer(message: int, request: dict[str, object]) -> None:
    kind = request["type"]
    if kind == "NewIndex":
        reply(message, {"type": "NewIndex", "index_id": 1})
        if MODE == "stall":
            time.sleep(120)
    elif kind == "AddFile":
        reply(message, {"type": "IndexedFile", "page_word_count": 1, "page_url": "/",
                        "page_meta": {}})
    elif kind == "GetFiles":
        if MODE == "crash":
            sys.exit(3)
        files = {"pagefind.js": b"export {};", "pagefind-entry.json": ENTRY[MODE],
                 "fragment/zh-cn_1.pf_fragment": b"x"}
        reply(message, {"type": "GetFiles", "files": [
            {"path": name, "content": base64.b64encode(data).decode()}
            for name, data in files.items()]})


def main() -> None:
    pending = b""
    while chunk := sys.stdin.buffer.read1(1 << 16):
        pending += chunk
        *messages, pending = pending.split(b",")
        for raw in messages:
            request = json.loads(base64.b64decode(raw))
            answer(request["message_id"], request["payload"])


if __name__ == "__main__":
    main()

"""What the preview adds to served HTML (never to a built site): reload, style swap, error overlay.

The script listens on a server-sent-events stream. `reload` reloads the page keeping its scroll
position, or swaps the stylesheets when only CSS changed; `errors` shows the diagnostics as an
overlay in the page's DOM (an open shadow root) over the last good page, and removes it when
the list is empty. EventSource reconnects by itself; a new server version means a reload.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from importlib import resources

from ..diagnostics import Diagnostic, format_text

EVENTS_PATH = "/__talkgen/events"


@cache
def _script() -> bytes:
    """The page script; it lives in data/livereload.js so that it can be read and linted as JS."""
    js = (resources.files("talkgen") / "data" / "livereload.js").read_text(encoding="utf-8")
    js = js.replace("__EVENTS__", EVENTS_PATH)
    return f"<script data-talkgen-preview>\n{js}</script>\n".encode()


def inject(html: bytes) -> bytes:
    """The page with the preview script before its closing </body> (or at the end)."""
    script = _script()
    end = html.lower().rfind(b"</body>")
    return html + script if end < 0 else html[:end] + script + html[end:]


def overlay_payload(errors: Sequence[Diagnostic]) -> list[dict[str, object]]:
    """Diagnostics as the overlay shows them: the fields, and the same text as the terminal."""
    return [d.as_dict() | {"text": format_text(d)} for d in errors]


def event(name: str, data: object) -> bytes:
    """One server-sent event; JSON never contains a raw newline, so one data line suffices."""
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode()

"""The preview's page script ships as a .js file in the package and reaches the served page whole."""

from __future__ import annotations

from importlib import resources

from talkgen.preview.livereload import EVENTS_PATH, inject


def test_the_script_file_is_injected_with_the_events_path_filled_in() -> None:
    source = (resources.files("talkgen") / "data" / "livereload.js").read_text(encoding="utf-8")
    page = inject(b"<html><body><p>hi</p></body></html>").decode("utf-8")
    script = page[page.index("<script data-talkgen-preview>"):page.index("</body>")]
    assert f'new EventSource("{EVENTS_PATH}")' in script and "__EVENTS__" not in script
    assert script.count("\n") >= source.count("\n") > 50  # the whole file, not a stub
    assert page.endswith("</script>\n</body></html>")

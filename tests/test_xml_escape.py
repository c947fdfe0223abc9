"""The feed's own escaping gives exactly what xml.sax.saxutils gave (feeds stay byte-identical),
and a one-episode build no longer imports the network modules saxutils drags in."""

from __future__ import annotations

import subprocess
import sys
from xml.sax import saxutils

from hypothesis import given
from hypothesis import strategies as st

from talkgen.site.xml_escape import escape, quoteattr

TRICKY = st.text(alphabet=st.sampled_from(list("&<>\"'\n\r\tab羡鱼 ;#")) | st.characters(),
                 max_size=40)


@given(TRICKY)
def test_escape_matches_the_standard_library(text: str) -> None:
    assert escape(text) == saxutils.escape(text)


@given(TRICKY)
def test_quoteattr_matches_the_standard_library(text: str) -> None:
    assert quoteattr(text) == saxutils.quoteattr(text)


def test_building_imports_no_network_module() -> None:
    code = ("import sys, talkgen.build.publish, talkgen.site.feeds; "
            "print(sorted(m for m in ('ssl', 'http.client', 'urllib.request') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"

"""The feed's own escaping gives exactly what xml.sax.saxutils gave (feeds stay byte-identical);
that a build imports none of the network modules saxutils drags in is checked, with the rest of
what a build must not import, in test_architecture."""

from __future__ import annotations

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


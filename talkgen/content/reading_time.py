"""Reading time that counts Chinese properly: CJK characters and Latin words read at different speeds."""

from __future__ import annotations

import math
import re

CJK_PER_MINUTE = 400  # characters of Chinese, Japanese or Korean text
WORDS_PER_MINUTE = 200  # words of space-separated text (English, code, numbers)

_READ_BY_CHARACTER = re.compile(r"[\u2e80-\u2fdf\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3400-\u4dbf"
                                r"\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f]")
# Words are counted once CJK characters are spaces: one large character class is compiled
# instead of two (each costs milliseconds at start-up), and the count is the same.
_WORD = re.compile(r"\w+")


def reading_minutes(text: str) -> int:
    """Whole minutes to read `text`, at least 1: a word in a CJK run is a character, not the run."""
    cjk, words = counted(text)
    return max(1, math.ceil(cjk / CJK_PER_MINUTE + words / WORDS_PER_MINUTE))


def counted(text: str) -> tuple[int, int]:
    """CJK characters and words of other scripts (runs of letters and digits) in `text`."""
    spaced, cjk = _READ_BY_CHARACTER.subn(" ", text)
    return cjk, len(_WORD.findall(spaced))

"""`$…$` and `$$…$$` become MathML when the site is built: no script, no request at read time.

latex2mathml (MIT) converts offline; what it cannot read stays visible as its source.
"""

from __future__ import annotations

import html
import re
from typing import Any

MAX_SOURCE = 4000  # a formula longer than this is shown as source, so the build stays bounded
_SAFE_TAG = re.compile(r"</?([a-zA-Z]+)[\s>/]")
_MATHML_TAGS = {"math", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "msup", "msub",
                "msubsup", "mfrac", "msqrt", "mroot", "mover", "munder", "munderover", "mtable",
                "mtr", "mtd", "mstyle", "mpadded", "mphantom", "menclose", "merror", "semantics",
                "annotation", "mmultiscripts", "mprescripts", "none", "mfenced", "maligngroup",
                "malignmark", "mlabeledtr"}


def to_mathml(source: str, options: dict[str, Any]) -> str:
    """One formula as a MathML element, or its escaped source in <code> when it cannot be read."""
    from latex2mathml.converter import convert  # here: its imports (ssl, http…) cost a
    # 1-episode build a tenth of its time, and most episodes have no formula

    display = "block" if options.get("display_mode") else "inline"
    if len(source) <= MAX_SOURCE:
        try:
            out = convert(source, display=display)
        except Exception:  # noqa: BLE001  any failure of the converter is the author's typo
            out = ""
        if out and all(tag.lower() in _MATHML_TAGS for tag in _SAFE_TAG.findall(out)):
            return _annotated(out, source)
    return f'<code class="math-source">{html.escape(source)}</code>'


def _annotated(mathml: str, source: str) -> str:
    """Keep the TeX the author wrote inside the MathML (as MathML's own annotation), so the
    page still holds it: nothing the author wrote is lost, and it can be copied."""
    head, sep, body = mathml.partition(">")
    if not sep or not body.endswith("</math>"):
        return mathml
    tex = f'<annotation encoding="application/x-tex">{html.escape(source)}</annotation>'
    return f"{head}><semantics>{body.removesuffix('</math>')}{tex}</semantics></math>"

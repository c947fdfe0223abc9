"""The hostile-input corpus: each case is an episode's bytes and the outcome it must have.

Large cases are generated here rather than committed; small ones read as they are.
`codes` lists diagnostic codes that must appear; `builds` says whether the build succeeds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

BODY = "## 本周新闻\n\n新闻。\n\n## 本周推荐\n\n推荐。\n\n## Free Talk\n\n讨论。\n"


def episode(front: str = "", body: str = BODY, number: str = "1", date: str = "2023-06-24",
            host: str = "羡鱼") -> str:
    return f"---\nnumber: {number}\ndate: {date}\nhost: {host}\n{front}---\n{body}"


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[], bytes]
    codes: frozenset[str] = frozenset()
    builds: bool = False


def _text(text: str) -> Callable[[], bytes]:
    return lambda: text.encode("utf-8")


_BOMB = "\n".join(["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"] +
                  [f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]"
                   for i in range(8)]) + "\n"

CASES: tuple[Case, ...] = (
    Case("yaml-python-object", _text(episode("evil: !!python/object/apply:os.system [id]\n")),
         frozenset({"E030"})),
    Case("yaml-binary", _text(episode("blob: !!binary aGVsbG8=\n")), frozenset({"E030"})),
    Case("yaml-alias-bomb", _text(episode(_BOMB)), frozenset({"E030"})),
    Case("front-matter-1mb", _text(episode("summary: '" + "长" * 350_000 + "'\n")),
         frozenset({"E031"})),
    Case("front-matter-10000-keys", _text(episode("".join(f"k{i}: {i}\n" for i in range(10_000)))),
         frozenset({"E031"})),
    Case("front-matter-2000-unknown-keys", _text(episode("".join(f"k{i}: 1\n" for i in range(2000)))),
         frozenset({"E014"})),
    Case("invalid-utf8", lambda: episode().encode() + b"\xff\xfe\xfa", frozenset({"E001"})),
    Case("utf16-with-bom", lambda: episode().encode("utf-16"), frozenset({"E001"})),
    Case("nul-byte", _text(episode(body=BODY + "\x00")), frozenset({"E002"})),
    Case("cr-only-line-endings", _text(episode().replace("\n", "\r")), builds=True),
    Case("episode-5mb", _text(episode(body=BODY + "这是一段很长的中文内容，有 **粗体**。\n\n" * 90_000)),
         builds=True),
    Case("nested-list-10000", _text(episode(body=BODY + "- " * 10_000 + "x\n")), builds=True),
    Case("nested-quote-10000", _text(episode(body=BODY + ">" * 10_000 + " x\n")), builds=True),
    Case("nested-indented-list", _text(episode(body=BODY + "".join(
        "  " * i + "- x\n" for i in range(2000)))), builds=True),
    Case("line-100000", _text(episode(body=BODY + "字" * 100_000 + "\n")), builds=True),
    Case("heading-50000", _text(episode(body=BODY + "### " + "题" * 50_000 + "\n")), builds=True),
    Case("heading-50000-level-2", _text(episode(body=BODY + "## " + "题" * 50_000 + "\n")),
         frozenset({"E020"})),
    Case("topic-empty", _text(episode("topics: ['']\n")), frozenset({"E016"})),
    Case("topic-whitespace", _text(episode("topics: ['   ']\n")), frozenset({"E016"})),
    Case("topic-dotdot", _text(episode("topics: ['..', '.', '/', '\\\\']\n")), builds=True),
    Case("topic-script", _text(episode("topics: ['<script>alert(1)</script>']\n")), builds=True),
    Case("topic-10000", _text(episode("topics: ['" + "t" * 10_000 + "']\n")), frozenset({"E016"})),
    Case("host-script", _text(episode(host="'<img src=x onerror=alert(1)>'")), builds=True),
    Case("number-10e30", _text(episode(number="1" + "0" * 30)), frozenset({"E016"})),
    Case("date-year-0", _text(episode(date="0000-01-01")), frozenset({"E017"})),
    Case("date-year-99999", _text(episode(date="99999-01-01")), frozenset({"E017"})),
    Case("duplicate-keys", _text(episode("host: yuhan\n")), frozenset({"E029"})),
    Case("many-placeholder-links", _text(episode(body=BODY + "[x](#) " * 20_000)), builds=True),
    Case("brackets-50000", _text(episode(body=BODY + "[" * 50_000 + "\n")), builds=True),
)

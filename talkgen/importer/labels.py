"""The `【label】：value` lines of legacy notes, read into front-matter values.

Each reader says whether it used the whole value: only then may the importer drop the
line from the text (nothing is lost); otherwise the line stays and the importer warns.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

LABEL_LINE = re.compile(r"^\s*【(?P<label>[^】\n]{1,20})】[ \t]*[:：]?[ \t]*(?P<value>.*?)\s*$")

# label (normalised) → what it feeds. "contributors" and "topics" go to the section the
# line is in, or to the episode when the line is in the preface.
LABEL_FIELDS: dict[str, str] = {
    **dict.fromkeys(("编号", "期数", "number"), "number"),
    **dict.fromkeys(("时间", "日期", "date", "time"), "date"),
    **dict.fromkeys(("主持人", "主持", "host"), "host"),
    **dict.fromkeys(("本期提要", "提要", "summary"), "summary"),
    **dict.fromkeys(("贡献者", "contributors"), "contributors"),
    **dict.fromkeys(("本期贡献者", "具体内容贡献者"), "episode_contributors"),
    **dict.fromkeys(("本期主题", "本周主题", "主题", "topic", "topics"), "topics"),
    **dict.fromkeys(("编辑", "editor", "editors"), "editors"),
    **dict.fromkeys(("talk视频", "视频", "录像", "回放", "video"), "video"),
}

_PLACEHOLDERS = {"xx", "xxx", "tbd", "待定", "无", "none", "n/a", "其他", "其它", "other",
                 "others", "misc"}
_COLLECTIVE = ("群友", "大家", "网友", "everyone")  # "OpenLLM 群友" is not a person
_PARENS = re.compile(r"[（(][^（）()]*[)）]")
_NAME_SEPARATORS = re.compile(r"[、,，;；/+&]|\s+and\s+")
_TOPIC_SEPARATORS = re.compile(r"[；;、,，]")
_NOT_IN_A_NAME = re.compile(r"[。！？!?：:“”\"《》【】\[\]]")
_MAX_CJK_IN_NAME = 8  # longer runs of Chinese are a sentence, not a name
_LINK = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\[[^\]]*\])?")  # [羡鱼](url) → 羡鱼
_MARKUP = re.compile(r"\*\*|__|`")
_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~])")  # `羡鱼\_` as pandoc writes it
_URL = re.compile(r"https?://[^\s<>\"'，。；、）】》“”]+")
_SPECIAL = re.compile(r"番外\s*(\d{1,3})")
_NUMBER = re.compile(r"(?<![\d.])\d{1,6}(?![\d.])")


@dataclass(frozen=True)
class Label:
    field: str | None  # None: a label that stays as text (【提名区】, 【建议区】, …)
    label: str
    value: str


@dataclass(frozen=True)
class Taken:
    values: tuple[str, ...]
    complete: bool  # every part of the value is represented by `values`


@dataclass(frozen=True)
class When:
    date: dt.date | None
    time: str | None
    complete: bool


def read_label(line: str) -> Label | None:
    """`【时间】：20230617 晚上十点` → Label("date", "时间", "20230617 晚上十点")."""
    m = LABEL_LINE.match(line)
    if not m:
        return None
    label = m.group("label").strip()
    key = unicodedata.normalize("NFKC", label).casefold().replace(" ", "")
    return Label(LABEL_FIELDS.get(key), label, m.group("value"))


def number_in(text: str) -> int | None:
    """The episode number in `OpenLLM Talk 001` or `OpenLLM Talk 000 (三位数是…)`: the last one."""
    if special(text):
        return None
    found = _NUMBER.findall(_PARENS.sub("", unicodedata.normalize("NFKC", text)))
    return int(found[-1]) if found else None


def unescape(text: str) -> str:
    """Drop Markdown backslash escapes: a name is never `羡鱼\\`."""
    return _ESCAPED.sub(r"\1", text)


def special(text: str) -> str | None:
    """`番外02` in a title or file name: a special episode, outside the numbered series."""
    m = _SPECIAL.search(unicodedata.normalize("NFKC", text))
    return f"番外{m.group(1)}" if m else None


def video(value: str) -> Taken:
    """The first web address in a 【talk 视频】 value; complete when nothing else is there."""
    m = _URL.search(value.replace("<", " ").replace(">", " "))
    if not m:
        return Taken((), False)
    url = m.group(0).rstrip(".,;:!?)")
    rest = value.replace(url, "").strip(" <>：:")
    return Taken((url,), not rest)


def names(value: str) -> Taken:
    """`yuhan、羡鱼` → both; `羡鱼（编辑）+OpenLLM 群友` → 羡鱼, incomplete; a sentence → none."""
    value = unescape(value)
    bare = _PARENS.sub("", _MARKUP.sub("", _LINK.sub(r"\1", value)))
    complete = bare == value
    taken: list[str] = []
    for item in (i.strip() for i in _NAME_SEPARATORS.split(bare)):
        if not item:
            continue
        folded = item.casefold()
        if folded in _PLACEHOLDERS or any(word in folded for word in _COLLECTIVE):
            complete = False
        elif _is_name(item):
            taken.append(item)
        else:
            return Taken((), False)
    return Taken(tuple(dict.fromkeys(taken)), complete)


def _is_name(item: str) -> bool:
    cjk = sum(1 for ch in item if unicodedata.east_asian_width(ch) == "W")
    return (len(item) <= 40 and cjk <= _MAX_CJK_IN_NAME and not item.startswith("-")
            and not _NOT_IN_A_NAME.search(item))


def topics(value: str) -> Taken:
    """Split on `；;、,，`; `其他/State of GPT` → State of GPT (incomplete: 其他 is dropped)."""
    taken: list[str] = []
    complete = True
    for item in (i.strip() for i in _TOPIC_SEPARATORS.split(unescape(value))):
        head, _, tail = item.partition("/")
        if tail and head.strip().casefold() in _PLACEHOLDERS:
            item, complete = tail.strip(), False
        if item.casefold() in _PLACEHOLDERS:
            complete = False
        elif item:
            taken.append(item)
    return Taken(tuple(dict.fromkeys(taken)), complete)


# -- dates and times ----------------------------------------------------------

_DATE_COMPACT = re.compile(r"(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)")
_DATE_SPLIT = re.compile(r"(?<!\d)(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*[日号]?")
_CLOCK = re.compile(r"(?<!\d)([01]?\d|2[0-3])\s*[:：]\s*([0-5]\d)(?!\d)")
_CN_DIGITS = "零〇一二两三四五六七八九十"
_CN_CLOCK = re.compile(rf"(早上|上午|中午|下午|傍晚|晚上|凌晨)?\s*([{_CN_DIGITS}\d]{{1,3}})\s*[点點时]"
                       rf"(?:(半)|([{_CN_DIGITS}\d]{{1,3}})\s*分?)?")
_AM_PM = re.compile(r"(?<!\d)(\d{1,2})(?:[:：]([0-5]\d))?\s*([ap])\.?m\.?", re.IGNORECASE)
_LEFT_OVER = re.compile(r"[\s,，.。;；:：()（）\-~～]|星期.|周.|(?:mon|tues|wednes|thurs|fri|satur|sun)day",
                        re.IGNORECASE)
_AFTERNOON = ("下午", "傍晚", "晚上")


def when(value: str) -> When:
    """`20230617 晚上十点`, `2023-06-17`, `2023.6.17`, `2023年6月17日 22:00` → date and time."""
    text = unicodedata.normalize("NFKC", value)
    date, rest = None, text
    for pattern in (_DATE_SPLIT, _DATE_COMPACT):
        m = pattern.search(text)
        if m:
            try:
                date = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                return When(None, None, False)
            rest = text[: m.start()] + " " + text[m.end():]
            break
    time, rest = _time(rest)
    return When(date, time, not _LEFT_OVER.sub("", rest))


def _time(text: str) -> tuple[str | None, str]:
    for pattern in (_AM_PM, _CLOCK, _CN_CLOCK):
        m = pattern.search(text)
        if m:
            rest = text[: m.start()] + " " + text[m.end():]
            if pattern is _AM_PM:
                hour = int(m.group(1)) % 12 + (12 if m.group(3).lower() == "p" else 0)
                minute = int(m.group(2) or 0)
            elif pattern is _CLOCK:
                hour, minute = int(m.group(1)), int(m.group(2))
            else:
                hour = _cn_number(m.group(2))
                minute = 30 if m.group(3) else _cn_number(m.group(4) or "0")
                if m.group(1) in _AFTERNOON and hour < 12 or m.group(1) == "中午" and hour < 6:
                    hour += 12
            if hour < 24 and minute < 60:
                return f"{hour:02d}:{minute:02d}", rest
    return None, text


def _cn_number(text: str) -> int:
    """`十` → 10, `二十一` → 21, `9` → 9 (hours and minutes only)."""
    if text.isdigit():
        return int(text)
    digits = {ch: i for i, ch in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
    tens, ten, ones = text.partition("十")
    if not ten:
        return digits.get(text[-1], 0)
    return (digits.get(tens, 0) if tens else 1) * 10 + (digits.get(ones, 0) if ones else 0)

"""A small deterministic site generator for preview tests: N episodes sharing topics and people."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

TOPICS = ["RLHF", "位置编码", "State of GPT", "LoRA", "长文本", "评测", "量化", "Agent"]
PEOPLE = ["羡鱼", "yuhan", "初七", "阿杰", "苏晨", "PLC"]


def episode_text(n: int, extra: str = "") -> str:
    topics = [TOPICS[n % 8], TOPICS[(n * 3 + 1) % 8]]
    host, helper, asker = PEOPLE[n % 6], PEOPLE[(n + 2) % 6], PEOPLE[(n + 4) % 6]
    date = dt.date(2023, 1, 7) + dt.timedelta(weeks=n)
    previous = f"参见[上期]({n - 1:03d}.md)。" if n > 1 else ""
    answer = "" if n % 5 == 0 else f"第 {n} 期的回答：可以，先试试 LoRA。\n"
    return f"""---
number: {n}
date: {date.isoformat()}
host: {host}
title: 第 {n} 期：{topics[0]} 与 {topics[1]}
summary: 本期讨论 {topics[0]}。
topics: [{topics[0]}]
contributors: [{host}, {helper}]
sections:
  news: {{contributors: [{helper}]}}
  classics: {{contributors: [{host}], topics: [{topics[1]}]}}
---
第 {n} 期开场。{previous}{extra}

## 本周新闻
- 新闻 {n}：一个新的开源模型发布了。

## 本周推荐
- 推荐 {n}：一篇关于 {topics[0]} 的文章。

## 本周经典
经典 {n}：{topics[1]} 的原理。

## Free Talk
### Q1：第 {n} 期的问题？ --{asker}
{answer}"""


def write_site(root: Path, count: int) -> Path:
    (root / "episodes").mkdir(parents=True, exist_ok=True)
    (root / "talkgen.yaml").write_text("title: OpenLLM Talk\n", encoding="utf-8")
    for n in range(1, count + 1):
        (root / "episodes" / f"{n:03d}.md").write_text(episode_text(n), encoding="utf-8")
    return root

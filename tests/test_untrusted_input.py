"""Issue 11 (part B): each attack a pull request can make on links, feeds, output size, slugs
and the preview, reproduced as a user meets it: the CLI on a site folder, built files read back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import run_talkgen

UNSAFE_PROFILES = ["javascript:alert(document.domain)", "data:text/html,<script>alert(1)</script>",
                   "  JaVaScRiPt:alert(1)", "\x01javascript:alert(1)", "vbscript:msgbox(1)",
                   "file:///etc/passwd"]


@pytest.mark.parametrize("url", UNSAFE_PROFILES)
def test_a_people_registry_link_outside_the_policy_is_an_error_and_never_a_link(
        fixture_site: Path, url: str) -> None:
    (fixture_site / "talkgen.yaml").write_text(
        f"title: T\npeople:\n  Yuhan:\n    url: {json.dumps(url)}\n", encoding="utf-8")
    check = run_talkgen("check", "--format", "json", cwd=fixture_site)
    found = [(d["file"], d["line"], d["column"], d["code"]) for d in json.loads(check.stdout)]
    assert check.returncode == 1 and ("talkgen.yaml", 4, 10, "E033") in found, check.stdout
    build = run_talkgen("build", cwd=fixture_site)
    assert build.returncode == 1 and not (fixture_site / "_site").exists()



@pytest.mark.parametrize("base_url", ["javascript:alert(1)//", "  JaVaScRiPt:alert(1)//",
                                      'https://x.org/"><script>alert(1)</script>'])
def test_a_base_url_outside_the_policy_is_an_error(fixture_site: Path, base_url: str) -> None:
    (fixture_site / "talkgen.yaml").write_text(f"title: T\nbase_url: {json.dumps(base_url)}\n",
                                               encoding="utf-8")
    check = run_talkgen("check", "--format", "json", cwd=fixture_site)
    found = [(d["file"], d["line"], d["column"], d["code"]) for d in json.loads(check.stdout)]
    assert check.returncode == 1 and ("talkgen.yaml", 2, 11, "E040") in found, found
    assert run_talkgen("build", cwd=fixture_site).returncode == 1


CONTROL_EPISODE = """---
number: 4
date: 2024-02-03
host: "羡鱼\\x0b"
summary: "提要\\f"
topics: [终端]
---
## 本周新闻

分页符\f之后。

## 本周推荐

```console
$ make
\x1b[31merror\x1b[0m: failed
```

## Free Talk

### Q1：颜色\x1b[1m？

答。
"""


def test_control_characters_are_warned_about_and_every_feed_stays_well_formed_xml(
        fixture_site: Path) -> None:
    import xml.etree.ElementTree as ET

    import feedparser  # type: ignore[import-untyped]

    (fixture_site / "talkgen.yaml").write_text("title: T\nbase_url: https://x.org/t/\n",
                                               encoding="utf-8")
    (fixture_site / "episodes" / "004.md").write_text(CONTROL_EPISODE, encoding="utf-8")
    check = run_talkgen("check", "--format", "json", cwd=fixture_site)
    found = [(d["line"], d["column"], d["code"]) for d in json.loads(check.stdout)
             if d["file"] == "episodes/004.md" and d["code"] == "W090"]
    assert check.returncode == 0
    assert found == [(4, 7, "W090"), (5, 10, "W090"), (10, 4, "W090"), (16, 1, "W090"),
                     (21, 10, "W090")], check.stdout
    build = run_talkgen("build", "--no-search", cwd=fixture_site)
    assert build.returncode == 0, build.stderr
    out = fixture_site / "_site"
    feeds = [out / "feed.xml", out / "sitemap.xml", *(out / "topics").glob("*/feed.xml")]
    assert len(feeds) > 3
    for path in feeds:
        ET.parse(path)  # raises on a character XML 1.0 forbids
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
    assert "终端" in (out / "feed.xml").read_text(encoding="utf-8")
    for page in out.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not [ch for ch in text if ch < " " and ch not in "\t\n\r"], page


def test_long_names_in_four_byte_characters_build_with_short_unique_slugs(
        fixture_site: Path) -> None:
    long_a = "\U00020000" * 99 + "\U00020001"  # CJK Extension B: 4 bytes each in UTF-8
    long_b = "\U00020000" * 99 + "\U00020002"  # the same for the first 396 bytes
    episode = fixture_site / "episodes" / "001.md"
    text = episode.read_text(encoding="utf-8")
    text = text.replace("topics: [位置编码, RLHF]", f"topics: [位置编码, RLHF, {long_a}, {long_b}]")
    text = text.replace("contributors: [羡鱼]\n", f"contributors: [羡鱼, {long_a}, {long_b}]\n", 1)
    episode.write_text(text, encoding="utf-8")
    build = run_talkgen("build", "--no-search", cwd=fixture_site)
    assert build.returncode == 0, build.stderr
    out = fixture_site / "_site"
    for folder in ("topics", "contributors"):
        long_ones = [p.name for p in (out / folder).iterdir() if p.name.startswith("\U00020000")]
        assert len(long_ones) == 2, long_ones
        assert all(len(name.encode("utf-8")) <= 130 for name in long_ones)
        assert all((out / folder / name / "index.html").is_file() for name in long_ones)
    first = sorted(p.relative_to(out) for p in out.rglob("*"))
    assert run_talkgen("build", "--no-search", cwd=fixture_site).returncode == 0
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == first  # stable


REBINDING_HOSTS = ["attacker.example", "attacker.example:{port}", "127.0.0.1.nip.io:{port}",
                   "localhost.attacker.example:{port}", "192.168.1.10:{port}", "[::2]:{port}", ""]
OWN_HOSTS = ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST.:{port}", "[::1]:{port}",
             "127.0.0.1"]


def _status(port: int, host: str, target: str = "/") -> int:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.putrequest("GET", target, skip_host=True, skip_accept_encoding=True)
    conn.putheader("Host", host.format(port=port))
    conn.endheaders()
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status


@pytest.mark.timeout(60)
def test_the_preview_answers_only_its_own_host_names(tmp_path: Path) -> None:
    from .serving import running_preview
    from .sitegen import write_site

    site = write_site(tmp_path / "site", 2)
    with running_preview(site) as server:
        port = int(server.httpd.server_address[1])
        refused = {host: _status(port, host) for host in REBINDING_HOSTS}
        assert refused == dict.fromkeys(REBINDING_HOSTS, 421)
        assert _status(port, "attacker.example", "/__talkgen/events") == 421
        assert _status(port, "attacker.example", "/episodes/001/") == 421
        answered = {host: _status(port, host) for host in OWN_HOSTS}
        assert answered == dict.fromkeys(OWN_HOSTS, 200)


def test_names_given_by_host_are_answered_and_a_wildcard_bind_answers_ip_literals() -> None:
    from talkgen.preview.hosts import HostCheck

    named = HostCheck("talk.lan", "192.168.1.5")
    assert named.allows("talk.lan:8000") and named.allows("192.168.1.5:8000")
    assert named.allows("localhost") and not named.allows("evil.example")
    assert not named.allows("192.168.1.6:8000")
    everywhere = HostCheck("0.0.0.0", "0.0.0.0")
    assert everywhere.allows("192.168.1.6:8000") and everywhere.allows("[fe80::1]:8000")
    assert not everywhere.allows("rebind.evil.example:8000")


def _big_episode(topics: int, kilobytes: int) -> str:
    paragraph = "这是一段很长的讨论内容，关于大模型与位置编码的各种细节。" * 10 + "\n\n"
    body = paragraph * (kilobytes * 1024 // len(paragraph.encode("utf-8")))
    names = ", ".join(f"话题{i}" for i in range(topics))
    return (f"---\nnumber: 9\ndate: 2023-09-02\nhost: 羡鱼\nsummary: 提要\ntopics: [{names}]\n---\n"
            f"## 本周新闻\n\n{body}## 本周推荐\n\n推荐。\n\n## Free Talk\n\n讨论。\n")


def _worst_episode(number: int) -> str:
    """As much card as the limits allow: 30 topics, 10 hosts and 90 more names, each as long
    as a name may be in 4-byte characters, the longest title and summary."""
    def name(prefix: str, i: int) -> str:
        return f"{prefix}{number}-{i:03d}" + "\U00020000" * 100

    def names(prefix: str, count: int) -> str:
        return ", ".join(name(prefix, i) for i in range(count))

    return (f"---\nnumber: {number}\ndate: 2023-06-24\nhost: [{names('h', 10)}]\n"
            f"title: {'题' * 300}\nsummary: {'要' * 1000}\ntopics: [{names('t', 30)}]\n"
            f"contributors: [{names('p', 90)}]\n---\n"
            "## 本周新闻\n\n新闻。\n\n## 本周推荐\n\n推荐。\n\n## Free Talk\n\n讨论。\n")


@pytest.mark.timeout(300)
def test_an_episode_with_400_topics_is_refused_and_output_stays_in_proportion(
        tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "episodes").mkdir(parents=True)
    (site / "talkgen.yaml").write_text("title: T\nsearch: false\n", encoding="utf-8")
    attack = site / "episodes" / "009.md"
    attack.write_text(_big_episode(400, 740), encoding="utf-8")
    assert attack.stat().st_size > 740_000
    check = run_talkgen("check", "--format", "json", cwd=site)
    found = [(d["line"], d["column"], d["code"]) for d in json.loads(check.stdout)]
    column = len("topics: [") + len(", ".join(f"话题{i}" for i in range(30))) + 3
    assert check.returncode == 1 and found == [(6, column, "E091")], found
    assert run_talkgen("build", cwd=site).returncode == 1
    assert not (site / "_site").exists()

    # the same large episode with as many topics as allowed, and three episodes with the largest
    # cards allowed: the output stays under the documented bound (docs/security.md)
    attack.write_text(_big_episode(30, 740), encoding="utf-8")
    for number in (1, 2, 3):
        (site / "episodes" / f"{number:03d}.md").write_text(_worst_episode(number),
                                                            encoding="utf-8")
    # what escaping and highlighting grow most: '<' and '&' (4 times on a page, 8 in a feed)
    # and dense code (a <span> per character when highlighted)
    dense = ("<&" * 200 + "\n\n") * 300 + ("```python\n" + ("a+b-c*d/e%f;" * 60 + "\n") * 80
                                             + "```\n\n") * 4
    (site / "episodes" / "004.md").write_text(
        _worst_episode(4).replace("新闻。", dense), encoding="utf-8")
    build = run_talkgen("build", cwd=site)
    assert build.returncode == 0, build.stderr
    out = site / "_site"
    written = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    given = sum(p.stat().st_size for p in (site / "episodes").iterdir())
    assert written <= 13 * given + 5 * 2**20 * 5, (written, given)
    assert f"({written / 2**20:.1f} MB from {given / 2**20:.1f} MB of episodes)" in build.stderr
    topic_feed = (out / "topics" / "话题0" / "feed.xml").read_text(encoding="utf-8")
    assert "<content" not in topic_feed and "<summary>提要</summary>" in topic_feed


@pytest.mark.parametrize("video", ["javascript:alert(1)", "  JaVaScRiPt:alert(1)",
                                   "data:text/html,<script>alert(1)</script>", "//evil.example/v"])
def test_a_video_link_outside_the_policy_is_an_error(fixture_site: Path, video: str) -> None:
    episode = fixture_site / "episodes" / "001.md"
    text = episode.read_text(encoding="utf-8")
    episode.write_text(text.replace("\nhost:", f"\nvideo: {json.dumps(video)}\nhost:", 1),
                       encoding="utf-8")
    check = run_talkgen("check", "--format", "json", cwd=fixture_site)
    found = [(d["file"], d["line"], d["column"], d["severity"]) for d in json.loads(check.stdout)]
    assert check.returncode == 1 and ("episodes/001.md", 4, 8, "error") in found, found
    assert run_talkgen("build", cwd=fixture_site).returncode == 1


def test_highlighting_stays_within_its_growth_limit_and_its_budget() -> None:
    from talkgen.content.config import SiteConfig
    from talkgen.content.episode import parse_episode
    from talkgen.content.markdown import parser
    from talkgen.urls import Urls

    dense = ("a+b-c*d/e%f;" * 60 + "\n") * 20  # a <span> per character when highlighted
    html = parser().render(f"```python\n{dense}```\n")
    assert len(html) <= 12 * len(dense) + 300 and "<span" not in html
    readable = "def f(x):\n    return x + 1\n" * 20
    assert '<span class="k">def</span>' in parser().render(f"```python\n{readable}```\n")

    block = "```python\n" + readable * 60 + "```\n\n"  # about 32 000 characters each
    text = ("---\nnumber: 1\ndate: 2023-06-24\nhost: x\n---\n## 本周新闻\n\n" + block * 5 +
            "## 本周推荐\n\n推荐。\n\n## Free Talk\n\n讨论。\n")
    loaded = parse_episode(text.encode("utf-8"), "episodes/001.md", "001.md",
                           SiteConfig(root=Path("/site")), Urls())
    assert loaded.episode is not None
    coloured = loaded.episode.sections[0].html.split("</pre>")
    assert ['<span class="k">' in part for part in coloured[:5]] == [True] * 3 + [False] * 2

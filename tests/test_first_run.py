"""A new user's first commands: an empty folder is an error that says where talkgen looked,
build output stays readable, and `init` writes a requirements.txt that CI can install."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from talkgen import cli
from talkgen.scaffold.install_source import requirement

from .conftest import FIXTURES

EPISODE = (FIXTURES / "mistakes" / "_previous.md").read_text(encoding="utf-8")


def test_an_empty_site_is_an_error_that_says_where_talkgen_looked(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["check", "--root", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "error[E071]: no episodes:" in err and str(tmp_path / "episodes") in err
    assert "--allow-empty" in err
    assert cli.main(["check", "--root", str(tmp_path), "--allow-empty"]) == 0


def test_building_an_empty_site_writes_nothing(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "episodes").mkdir()
    assert cli.main(["build", "--root", str(tmp_path), "--no-search",
                     "--out", str(tmp_path / "_site")]) == 1
    assert "E071" in capsys.readouterr().err
    assert not (tmp_path / "_site").exists()
    assert cli.main(["build", "--root", str(tmp_path), "--no-search", "--allow-empty",
                     "--out", str(tmp_path / "_site")]) == 0
    assert (tmp_path / "_site" / "index.html").is_file()


def test_build_summarises_many_warnings_of_one_code_and_check_lists_them_all(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "episodes").mkdir()
    links = "\n".join(f"- [论文 {n}](#)" for n in range(10))
    (tmp_path / "episodes" / "001.md").write_text(
        EPISODE.replace("- 推荐。", links), encoding="utf-8")
    assert cli.main(["build", "--root", str(tmp_path), "--no-search",
                     "--out", str(tmp_path / "_site")]) == 0
    err = capsys.readouterr().err
    assert err.count("warning[W026]") == 3
    assert "episodes/001.md: 7 more W026 (placeholder or empty link) not shown, 10 in all; " \
        "run talkgen check for all" in err
    assert cli.main(["check", "--root", str(tmp_path), "--format", "json"]) == 0
    assert [d["code"] for d in json.loads(capsys.readouterr().out)].count("W026") == 10


class FakeDistribution:
    """What importlib.metadata reports for an installed talkgen, with a chosen direct_url.json."""

    version = "0.1.0"

    def __init__(self, direct_url: dict[str, object] | None) -> None:
        self.direct_url = direct_url

    def read_text(self, name: str) -> str | None:
        assert name == "direct_url.json"
        return None if self.direct_url is None else json.dumps(self.direct_url)


@pytest.mark.parametrize(("direct_url", "line"), [
    (None, "talkgen==0.1.0"),  # from an index
    ({"url": "https://github.com/openllm/talkgen.git",
      "vcs_info": {"vcs": "git", "commit_id": "4f1c2ab", "requested_revision": "main"}},
     "talkgen @ git+https://github.com/openllm/talkgen.git@4f1c2ab"),
    ({"url": "https://github.com/o/mono.git", "subdirectory": "tools/talkgen",
      "vcs_info": {"vcs": "git", "commit_id": "99aa"}},
     "talkgen @ git+https://github.com/o/mono.git@99aa#subdirectory=tools/talkgen"),
    ({"url": "https://example.org/talkgen-0.1.0-py3-none-any.whl", "archive_info": {}},
     "talkgen @ https://example.org/talkgen-0.1.0-py3-none-any.whl"),
])
def test_requirements_name_the_talkgen_that_was_installed(direct_url: dict[str, object] | None,
                                                          line: str) -> None:
    lines = requirement(FakeDistribution(direct_url))  # type: ignore[arg-type]
    assert lines[-1] == line
    assert all(other.startswith("#") for other in lines[:-1])


@pytest.mark.parametrize("direct_url", [
    {"url": "file:///home/me/talkgen", "dir_info": {"editable": True}},
    {"url": "file:///tmp/talkgen-0.1.0.tar.gz", "archive_info": {}},
])
def test_requirements_say_so_when_ci_cannot_reach_the_source(direct_url: dict[str, object]) -> None:
    lines = requirement(FakeDistribution(direct_url))  # type: ignore[arg-type]
    comment = " ".join(lines[:-1])
    assert "GitHub Actions cannot" in comment and "git+https://github.com/OWNER/talkgen" in comment
    assert "/home/me" not in comment and "/tmp" not in comment  # no machine paths in the site


def test_init_writes_the_requirement_of_this_installation(tmp_path: Path) -> None:
    assert cli.main(["init", str(tmp_path / "talk")]) == 0
    text = (tmp_path / "talk" / "requirements.txt").read_text(encoding="utf-8")
    assert text.splitlines()[1:] == requirement()

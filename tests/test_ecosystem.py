"""GitHub Pages, pull-request annotations and pre-commit: the files and the output they rely on."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from talkgen.scaffold.site import workflow_text

from .conftest import FIXTURES, REPO, run_talkgen

# ::error file=F,line=L,col=C,title=T::message — properties and data escaped as GitHub documents
WORKFLOW_COMMAND = re.compile(
    r"^::(?P<level>error|warning) file=(?P<file>[^,:\n]+)(?:,line=[1-9]\d*,col=[1-9]\d*)?"
    r",title=(?P<code>[EW]\d{3})::(?P<message>[^\r\n]+)$")


def workflow() -> dict[Any, Any]:
    data = yaml.safe_load(workflow_text())
    assert isinstance(data, dict)
    return data


def steps(job: str) -> list[dict[str, Any]]:
    return list(workflow()["jobs"][job]["steps"])


def step_using(job: str, action: str) -> dict[str, Any]:
    found = [s for s in steps(job) if str(s.get("uses", "")).startswith(action + "@")]
    assert len(found) == 1, f"{job} should use {action} once"
    return found[0]


def step_running(job: str, command: str) -> dict[str, Any]:
    found = [s for s in steps(job) if command in str(s.get("run", ""))]
    assert len(found) == 1, f"{job} should run {command!r} once"
    return found[0]


def test_the_repository_workflow_is_the_one_init_writes() -> None:
    assert (REPO / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8") == \
        workflow_text()


def test_workflow_runs_on_pushes_pull_requests_and_by_hand() -> None:
    triggers = workflow()[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["push"]["branches"] == ["main"]
    assert "pull_request" in triggers and "workflow_dispatch" in triggers


def test_workflow_builds_in_order_check_then_build() -> None:
    order = [s.get("uses", s.get("run", "")).split("@")[0] for s in steps("build")]
    names = ["actions/checkout", "actions/setup-python", "python -m pip install",
             "talkgen check", "actions/configure-pages", "talkgen build",
             "actions/upload-pages-artifact"]
    positions = [next(i for i, o in enumerate(order) if o.startswith(n)) for n in names]
    assert positions == sorted(positions)


def test_workflow_checks_with_annotations_and_builds_for_the_pages_address() -> None:
    assert step_running("build", "talkgen check")["run"].strip() == "talkgen check --format github"
    assert "-r requirements.txt" in step_running("build", "pip install")["run"]
    pages = step_using("build", "actions/configure-pages")
    build = step_running("build", "talkgen build")["run"]
    assert f"--base-url \"${{{{ steps.{pages['id']}.outputs.base_url }}}}\"" in build
    out = re.search(r"--out (\S+)", build)
    assert out and step_using("build", "actions/upload-pages-artifact")["with"]["path"] == out[1]
    assert workflow()["jobs"]["build"]["permissions"] == {"contents": "read", "pages": "read"}


def test_workflow_never_cancels_a_publish() -> None:
    concurrency = workflow()["concurrency"]
    assert concurrency["cancel-in-progress"] == "${{ github.event_name == 'pull_request' }}"


def test_workflow_deploys_with_the_official_action_outside_pull_requests() -> None:
    deploy = workflow()["jobs"]["deploy"]
    assert deploy["needs"] == "build" and "pull_request" in deploy["if"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["environment"]["url"] == "${{ steps.deployment.outputs.page_url }}"
    assert step_using("deploy", "actions/deploy-pages")["id"] == "deployment"
    for action in ("actions/configure-pages", "actions/upload-pages-artifact"):
        assert "pull_request" in step_using("build", action)["if"]


def test_the_repository_installs_this_checkout_for_its_pages() -> None:
    lines = (REPO / "requirements.txt").read_text(encoding="utf-8").splitlines()
    assert [line for line in lines if line and not line.startswith("#")] == ["."]


def test_the_build_step_works_without_a_pages_address(fixture_site: Path) -> None:
    # On pull requests configure-pages is skipped and the address is empty.
    result = run_talkgen("build", "--no-search", "--out", "_site", "--base-url", "", cwd=fixture_site)
    assert result.returncode == 0 and (fixture_site / "_site" / "index.html").is_file()


def test_the_build_step_honours_a_project_pages_address(fixture_site: Path) -> None:
    result = run_talkgen("build", "--no-search", "--base-url", "https://owner.github.io/talk",
                         cwd=fixture_site)
    assert result.returncode == 0
    assert 'href="/talk/episodes/' in (fixture_site / "_site" / "index.html").read_text("utf-8")


CASES = sorted((FIXTURES / "diagnostics").iterdir())


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_github_format_is_workflow_commands_only(case: Path) -> None:
    result = run_talkgen("check", "--format", "github", cwd=case)
    lines = result.stdout.splitlines()
    assert lines, "every diagnostics fixture reports something"
    for line in lines:
        m = WORKFLOW_COMMAND.match(line)
        assert m, line
        assert (m["level"] == "error") == m["code"].startswith("E")
        assert not Path(m["file"]).is_absolute() and (case / m["file"]).exists()
    assert result.stderr.strip().splitlines()[-1].endswith(("episode", "episodes"))


# -- pre-commit ------------------------------------------------------------------------------

def hook() -> dict[str, Any]:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [h["id"] for h in hooks] == ["talkgen-check"]
    return dict(hooks[0])


def test_pre_commit_hook_checks_episodes_and_the_config() -> None:
    h = hook()
    assert h["entry"] == "talkgen check" and h["language"] == "python"
    assert h.get("pass_filenames", True)
    files = re.compile(h["files"])
    for path in ("episodes/002.md", "talkgen.yaml"):
        assert files.search(path)
    for path in ("README.md", "docs/episodes/x.md", "templates/base.html", "episodes/img/a.png"):
        assert not files.search(path)


def test_check_files_reports_only_those_files(fixture_site: Path) -> None:
    (fixture_site / "episodes" / "005.md").write_text("broken\n", encoding="utf-8")
    result = run_talkgen("check", "episodes/001.md", "episodes/002.md", cwd=fixture_site)
    assert result.returncode == 0 and result.stderr.strip().endswith("in 2 episodes")


def test_check_files_reports_a_duplicate_number_either_file_is_involved_in(
        fixture_site: Path) -> None:
    shutil.copy(fixture_site / "episodes" / "002.md", fixture_site / "episodes" / "0002.md")
    for name in ("episodes/002.md", "episodes/0002.md"):
        result = run_talkgen("check", "--format", "github", name, cwd=fixture_site)
        assert result.returncode == 1 and "title=E019" in result.stdout, name


def test_check_files_with_the_config_checks_every_episode(fixture_site: Path) -> None:
    (fixture_site / "episodes" / "005.md").write_text("broken\n", encoding="utf-8")
    result = run_talkgen("check", "talkgen.yaml", cwd=fixture_site)
    assert result.returncode == 1 and "episodes/005.md" in result.stderr


def test_check_a_missing_file_is_a_usage_error(fixture_site: Path) -> None:
    result = run_talkgen("check", "episodes/009.md", cwd=fixture_site)
    assert result.returncode == 2 and "no such file" in result.stderr


def test_a_base_url_that_is_not_a_url_is_a_usage_error(fixture_site: Path) -> None:
    result = run_talkgen("build", "--no-search", "--base-url", "owner.github.io/talk", cwd=fixture_site)
    assert result.returncode == 2 and "--base-url must be an http(s) URL" in result.stderr
    assert not (fixture_site / "_site").exists()

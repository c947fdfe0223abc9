"""Where the running talkgen was installed from, as a line of requirements.txt.

pip records a direct install (a Git URL, a local folder, an archive) in the distribution's
`direct_url.json` (PEP 610); without that file the package came from an index, by version.
The GitHub Pages workflow of a new site must install the same talkgen, so `init` writes
this line, and says so in a comment when a machine in CI could not reach the source.
"""

from __future__ import annotations

import json
from importlib import metadata

NAME = "talkgen"


def requirement(distribution: metadata.Distribution | None = None) -> list[str]:
    """requirements.txt lines (comments included) that install this talkgen elsewhere."""
    try:
        dist = distribution or metadata.distribution(NAME)
    except metadata.PackageNotFoundError:
        return ["# talkgen is running from a source tree that pip did not install, so its",
                "# origin is unknown. Replace the next line with where to get it, e.g.",
                "#   talkgen @ git+https://github.com/OWNER/talkgen@COMMIT",
                f"{NAME}"]
    raw = dist.read_text("direct_url.json")
    if raw is None:  # from an index (PyPI or a mirror): the version pins it
        return ["# the talkgen you installed, from the package index", f"{NAME}=={dist.version}"]
    try:
        data = json.loads(raw)
    except ValueError:
        data = {}
    return _direct(data if isinstance(data, dict) else {}, dist.version)


def _direct(data: dict[str, object], version: str) -> list[str]:
    url = str(data.get("url", ""))
    sub = data.get("subdirectory")
    fragment = f"#subdirectory={sub}" if isinstance(sub, str) and sub else ""
    vcs = data.get("vcs_info")
    if isinstance(vcs, dict) and url and not url.startswith("file:"):
        commit = vcs.get("commit_id") or vcs.get("requested_revision")
        at = f"@{commit}" if commit else ""
        return ["# the talkgen you installed, from the same repository and commit",
                f"{NAME} @ {vcs.get('vcs', 'git')}+{url}{at}{fragment}"]
    if "archive_info" in data and url.startswith(("https://", "http://")):
        return ["# the talkgen you installed, from the same archive", f"{NAME} @ {url}{fragment}"]
    where = "a local folder" if "dir_info" in data else "a file on this machine"
    return [f"# talkgen {version} was installed from {where}, which GitHub Actions cannot",
            "# reach. Replace the next line with where to get it, e.g.",
            "#   talkgen @ git+https://github.com/OWNER/talkgen@COMMIT",
            "# (the line as it is works only once talkgen is on PyPI)",
            f"{NAME}=={version}"]

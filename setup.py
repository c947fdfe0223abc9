"""Package the top-level theme (templates/, static/) into the wheel as talkgen/theme/."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildPyWithTheme(build_py):
    """The theme lives at the repository top level, where site authors see it."""

    def run(self) -> None:
        super().run()
        theme = Path(self.build_lib) / "talkgen" / "theme"
        for name in ("templates", "static"):
            target = theme / name
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(Path(__file__).parent / name, target)


setup(cmdclass={"build_py": BuildPyWithTheme})

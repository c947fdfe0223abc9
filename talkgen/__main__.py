"""`python -m talkgen`.

For `-m`, Python puts the current folder first on sys.path, and talkgen runs in the site's
folder, which arrives by pull request: a `yaml.py` committed there would be imported in place
of PyYAML, and run. The folder is taken off the path before anything else is imported. (A
`talkgen/` folder there is found before this file runs; the `talkgen` command and
`python -P -m talkgen` never look in the current folder.)
"""

import os
import sys

if not sys.flags.safe_path and sys.path and sys.path[0] == os.getcwd():
    del sys.path[0]

from .cli import run  # noqa: E402 - only once the site's folder is off the path

sys.exit(run())

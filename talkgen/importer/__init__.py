"""`talkgen import`: notes written before talkgen (Markdown, Word, PDF) → episode files.

readers (md, docx, pdf) → Document (Markdown lines + origin) → convert/finish → episode
text → writer. Only the CLI imports this package, and only when `import` runs.
"""

from .batch import Converted, ImportResult, convert, import_notes
from .finish import Options

__all__ = ["Converted", "ImportResult", "Options", "convert", "import_notes"]

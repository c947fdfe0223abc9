"""One episode file → an Episode: front matter, fields, sections, Markdown, checks."""

"""The one Jinja environment factory that both renderers use.

``StrictUndefined`` makes a misspelt context key fail loudly instead of printing an empty
cell; autoescape keeps a unit named "Sở Văn hóa & Thể thao <mới>" intact in HTML and in the
WordprocessingML of a DOCX.
"""

from __future__ import annotations

from pathlib import Path

import jinja2


def make_environment(search_path: Path | None = None) -> jinja2.Environment:
    """Return a fresh strict, autoescaping environment, loading files from `search_path`."""
    loader = jinja2.FileSystemLoader(str(search_path)) if search_path else None
    return jinja2.Environment(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        keep_trailing_newline=True,
    )

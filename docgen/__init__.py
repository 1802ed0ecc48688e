"""docgen: the Chỉ số CCHC publication package (Quyết định, Báo cáo, Phụ lục) as DOCX and PDF.

The public API is what this module exports: load a dossier, render its documents to bytes
in memory, write them to a folder all or nothing. The stages underneath, from the bottom
up: ``model`` (input) → ``compute`` → ``context`` → ``render`` → ``pipeline`` →
``interfaces`` (CLI); see docs/architecture.md.
"""

from docgen.errors import DocgenError, InputError, RenderError, TemplateError
from docgen.model.loader import load_dossier
from docgen.pipeline import RenderedDocument, render_file, render_package, write_files

__all__ = [
    "DocgenError",
    "InputError",
    "RenderError",
    "RenderedDocument",
    "TemplateError",
    "load_dossier",
    "render_file",
    "render_package",
    "write_files",
]

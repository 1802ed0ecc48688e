"""Render stage: a template context -> document bytes (DOCX via docxtpl, PDF via WeasyPrint).

One DOCX template per document is the single source: the PDF renderer fills it and
typesets the resulting DOCX (see :mod:`docgen.render.docx_html`).

Each third-party renderer sits behind one module (`docx.py`, `pdf.py`) with the same
signature ``render(template, context, meta) -> bytes``; :data:`FORMATS` registers them,
and the CLI's choices come from it. Renderer modules are imported on first use, because
importing WeasyPrint costs a noticeable fraction of a second.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from docgen.render.meta import DocumentMeta
from docgen.render.templates import DOCUMENTS, template_path

#: Output format -> (module implementing it, template file extension).
FORMATS: dict[str, tuple[str, str]] = {
    "docx": ("docgen.render.docx", "docx"),
    "pdf": ("docgen.render.pdf", "docx"),  # typeset from the rendered DOCX
}


def render_document(kind: str, fmt: str, context: Mapping[str, Any], meta: DocumentMeta,
                    template_root: Path | None = None) -> bytes:
    """Return the bytes of document `kind` ("quyet_dinh", …) in format `fmt`."""
    module_name, extension = FORMATS[fmt]
    module = importlib.import_module(module_name)
    return module.render(template_path(kind, extension, template_root), context, meta)


__all__ = ["DOCUMENTS", "FORMATS", "DocumentMeta", "render_document"]

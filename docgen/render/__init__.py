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
import threading
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
    """Return the bytes of document `kind` ("quyet_dinh", …) in format `fmt`.

    The PDF is typeset from the DOCX: when the DOCX of the same document, context and
    meta was just rendered on this thread (the pipeline renders DOCX then PDF), that
    DOCX is reused instead of being filled a second time.
    """
    module_name, extension = FORMATS[fmt]
    template = template_path(kind, extension, template_root)
    key = (kind, id(context), meta, template)
    if fmt == "docx":
        from docgen.render import docx

        drawn: dict[str, Any] = {}
        data = docx.render(template, context, meta, charts=drawn)
        _LAST.value = (key, context, data, drawn)
        return data
    if fmt == "pdf":
        from docgen.render import pdf

        last = getattr(_LAST, "value", None)
        _LAST.value = None
        if last is not None and last[0] == key and last[1] is context:
            pdf.check_glyphs(context)
            return pdf.from_docx(last[2], last[3], meta, template.name)
    module = importlib.import_module(module_name)
    return module.render(template, context, meta)


#: The DOCX this thread rendered last, for the PDF of the same document.
_LAST = threading.local()


__all__ = ["DOCUMENTS", "FORMATS", "DocumentMeta", "render_document"]

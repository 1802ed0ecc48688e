"""Where the shipped templates live, from a checkout or from an installed package."""

from __future__ import annotations

from pathlib import Path

from docgen.resources import templates_dir

#: Document kind -> template path relative to the templates folder (without extension).
DOCUMENTS: dict[str, str] = {
    "quyet_dinh": "quyet_dinh/quyet_dinh",
    "bao_cao": "bao_cao/bao_cao",
    "phu_luc": "bao_cao/phu_luc",
}


def template_root() -> Path:
    """Return the templates folder (see :func:`docgen.resources.templates_dir`)."""
    return templates_dir()


def template_path(kind: str, extension: str, root: Path | None = None) -> Path:
    """Return the template file of document `kind` with `extension` ("docx" or "html")."""
    return (root or template_root()) / f"{DOCUMENTS[kind]}.{extension}"

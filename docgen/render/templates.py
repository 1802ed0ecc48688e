"""Where the templates live: the shipped set, or an agency's set that may hold only some
documents (the shipped template is used for each one it lacks)."""

from __future__ import annotations

from pathlib import Path

from docgen.resources import shipped_templates_dir, templates_dir

#: Document kind -> template path relative to the templates folder (without extension).
DOCUMENTS: dict[str, str] = {
    "quyet_dinh": "quyet_dinh/quyet_dinh",
    "bao_cao": "bao_cao/bao_cao",
    "phu_luc": "bao_cao/phu_luc",
}

#: The templates that ship with docgen.
SHIPPED = shipped_templates_dir()


def template_root() -> Path:
    """Return the templates folder (see :func:`docgen.resources.templates_dir`)."""
    return templates_dir()


def agency_template(kind: str, root: Path, extension: str = "docx") -> Path | None:
    """Return the template of `kind` that the set `root` itself holds, or None.

    An agency's set may keep the shipped layout (``quyet_dinh/quyet_dinh.docx``) or put
    the files side by side (``quyet_dinh.docx``).
    """
    relative = f"{DOCUMENTS[kind]}.{extension}"
    for candidate in (root / relative, root / Path(relative).name):
        if candidate.is_file():
            return candidate
    return None


def template_path(kind: str, extension: str, root: Path | None = None) -> Path:
    """Return the template file of document `kind` with `extension` ("docx").

    With a `root` that lacks the document, the shipped template is used for it.
    """
    root = root or template_root()
    found = agency_template(kind, root, extension)
    if found is not None:
        return found
    shipped = SHIPPED / f"{DOCUMENTS[kind]}.{extension}"
    return shipped if shipped.is_file() else root / f"{DOCUMENTS[kind]}.{extension}"

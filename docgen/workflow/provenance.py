"""What each stored version records besides its bytes: ND30 Phụ lục VI metadata, the
hashes of the templates used, the docgen version and the computed summary.
"""

from __future__ import annotations

import io
from datetime import date
from importlib import metadata as package_metadata
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from docgen.archive.blobs import sha256_hex
from docgen.compute.results import RoundResult
from docgen.formatting import format_count
from docgen.model.dossier import Dossier
from docgen.pipeline import DOCUMENT_TITLES
from docgen.render.templates import SHIPPED, template_path, template_root

#: The register a decision is numbered in: Quyết định (ND30 Phụ lục III: QĐ).
REGISTER_TYPE = "QĐ"

def docgen_version() -> str:
    """Return the installed docgen version (``unknown`` when run from a bare checkout)."""
    try:
        return package_metadata.version("docgen")
    except package_metadata.PackageNotFoundError:  # pragma: no cover - always installed here
        return "unknown"


def template_hashes(kind: str, formats: list[str] | tuple[str, ...],
                    root: Path | None = None) -> dict[str, str]:
    """Return the SHA-256 of every template file that went into `kind` in `formats`
    (from the set `root`, default the configured templates folder)."""
    root = root or template_root()
    files: list[Path] = []
    if "docx" in formats or "pdf" in formats:  # the PDF is typeset from the DOCX
        files.append(template_path(kind, "docx", root))
    return {_template_name(path, root): sha256_hex(path.read_bytes())
            for path in files if path.exists()}


def _template_name(path: Path, root: Path) -> str:
    """The template's name in its set (a shipped one when the set lacks it)."""
    for base in (root, SHIPPED):
        if path.is_relative_to(base):
            return str(path.relative_to(base))
    return path.name


def summary(result: RoundResult) -> dict[str, Any]:
    """Return the computed figures worth finding without opening the documents."""
    blocks = []
    for block in result.blocks:
        blocks.append({
            "name": block.block.name,
            "units": block.size,
            "average": str(block.average),
            "highest": [{"name": u.name, "total": str(u.total)} for u in block.highest],
            "lowest": [{"name": u.name, "total": str(u.total)} for u in block.lowest],
            "bands": {band.band.label: len(band.units) for band in block.bands},
        })
    return {"blocks": blocks}


def page_count(pdf: bytes) -> int | None:
    """Return the number of pages of a PDF, or None if it cannot be read."""
    try:
        return len(PdfReader(io.BytesIO(pdf)).pages)
    except (PdfReadError, ValueError, OSError):
        return None


def nd30_metadata(dossier: Dossier, kind: str, *, number: int | None,
                  issue_date: date | None, pages: int | None) -> dict[str, Any]:
    """Return the ND30 Phụ lục VI fields of one outgoing document (văn bản đi).

    The Báo cáo and the Phụ lục are attachments of the Quyết định: they carry its number,
    symbol and date. The number is written as printed ("02"). Lengths are cut to the
    standard's maxima.
    """
    decision = dossier.decision
    subjects = {
        "quyet_dinh": decision.subject_lines,
        "bao_cao": dossier.report.title_lines,
        "phu_luc": dossier.appendix_title,
    }
    return {
        "type_name": DOCUMENT_TITLES[kind],
        "code_number": format_count(number) if number is not None else None,
        "code_notation": f"{REGISTER_TYPE}-{dossier.issuer.abbreviation}"[:30],
        "issued_date": issue_date,
        "organ_name": " ".join(dossier.issuer.name)[:200],
        "subject": " ".join(subjects[kind])[:500],
        "signer_position": decision.signer.title[:100],
        "signer_name": decision.signer.name[:50],
        "recipients": list(decision.recipients),
        "page_amount": pages,
    }

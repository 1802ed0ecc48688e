"""The whole path in one place: dossier -> compute -> context -> render -> files.

The CLI and (later) the HTTP service and the archive call these functions; they return
documents as bytes in memory, and :func:`write_files` puts them on disk all or nothing.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from docgen.atomic import fsync_dir, stage
from docgen.compute.compare import RoundComparison, compare_rounds
from docgen.compute.results import RoundResult, compute_round
from docgen.context.builder import build_context, created_at, is_final
from docgen.model.dossier import Dossier
from docgen.model.loader import load_dossier
from docgen.model.sources import SheetClaims
from docgen.render import DOCUMENTS, FORMATS, DocumentMeta, render_document

LOG = logging.getLogger("docgen.pipeline")

#: Vietnamese names of the document kinds, for metadata titles and messages.
DOCUMENT_TITLES = {"quyet_dinh": "Quyết định", "bao_cao": "Báo cáo", "phu_luc": "Phụ lục"}


@dataclass(frozen=True)
class RenderedDocument:
    """One rendered file, in memory."""

    kind: str
    format: str
    data: bytes

    @property
    def filename(self) -> str:
        return f"{self.kind}.{self.format}"


def render_package(dossier: Dossier, *, formats: Sequence[str] = ("docx", "pdf"),
                   draft: bool = False, kinds: Iterable[str] = DOCUMENTS,
                   template_root: Path | None = None,
                   result: RoundResult | None = None,
                   previous: Dossier | None = None,
                   progress: Callable[[str], None] | None = None) -> list[RenderedDocument]:
    """Return every document of `dossier` in every format, rendered in memory.

    The package is a draft when `draft` is asked for or when the decision still lacks
    its number or its full date; a draft shows the DỰ THẢO mark and blanks. The
    year-over-year lines compare with `previous` when given (e.g. an archived round),
    else with the previous round the loader read from the dossier's ``kỳ trước``.
    `progress` is told each step as it starts, in Vietnamese (the CLI prints them).
    """
    report = progress or (lambda _step: None)
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown format {unknown[0]!r}; available: {', '.join(FORMATS)}")
    LOG.info("Step 1 - computing %d blocks", len(dossier.blocks))
    report(f"tính kết quả {len(dossier.blocks)} khối")
    result = result or compute_round(dossier)
    draft = draft or not is_final(dossier)
    LOG.info("Step 2 - building the context (draft=%s)", draft)
    report("dựng nội dung văn bản" + (" (dự thảo)" if draft else ""))
    context = build_context(dossier, result, draft=draft,
                            comparison=compare_with_previous(dossier, result, previous))
    author = " ".join(dossier.issuer.name)
    documents = []
    for kind in kinds:
        meta = DocumentMeta(title=f"{DOCUMENT_TITLES[kind]} - Chỉ số CCHC năm {dossier.year}",
                            author=author, created=created_at(dossier))
        for fmt in formats:
            LOG.info("Step 3 - rendering %s.%s", kind, fmt)
            report(f"xuất {DOCUMENT_TITLES.get(kind, kind)} ({kind}.{fmt})")
            documents.append(RenderedDocument(kind, fmt, render_document(
                kind, fmt, context, meta, template_root)))
    return documents


def compare_with_previous(dossier: Dossier, result: RoundResult,
                          previous: Dossier | None = None) -> RoundComparison | None:
    """Return the comparison of `dossier` with its previous round, if it has one."""
    previous = previous if previous is not None else dossier.previous_round
    if previous is None:
        return None
    mapping = dossier.previous.mapping if dossier.previous is not None else {}
    return compare_rounds(result, compute_round(previous), previous.year, mapping)


def warnings_of(dossier: Dossier, result: RoundResult | None = None, *,
                previous: Dossier | None = None, sheets: Sequence[SheetClaims] = (),
                source: str = "hồ sơ") -> list[str]:
    """Return every warning about `dossier` (each once, without "Cảnh báo: "): its sheets'
    figures against the computed ones, probable renames against the previous round, the
    numbers typed in its narrative."""
    from docgen.claims.warnings import round_warnings

    result = result or compute_round(dossier)
    comparison = compare_with_previous(dossier, result, previous)
    return round_warnings(dossier, result, sheets, comparison, source)


def render_file(path: Path | str, **options: object) -> list[RenderedDocument]:
    """Load the dossier at `path` and return its rendered documents."""
    return render_package(load_dossier(path), **options)  # type: ignore[arg-type]


def write_files(documents: Sequence[RenderedDocument], out_dir: Path) -> list[Path]:
    """Write `documents` into `out_dir`, all or nothing.

    Every file is first written and flushed to a temporary name in the same folder; only
    when all are on disk are they renamed into place, so a failure leaves no partial or
    half-written file under a final name.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    temporary: list[tuple[Path, Path]] = []
    try:
        for doc in documents:
            final = out_dir / doc.filename
            temporary.append((stage(final, doc.data), final))
    except BaseException:
        for tmp, _ in temporary:
            tmp.unlink(missing_ok=True)
        raise
    for tmp, final in temporary:
        os.replace(tmp, final)
    fsync_dir(out_dir)
    return [final for _, final in temporary]


# --- Excel export (results as a workbook) -------------------------------------------------


def export_workbook(dossier: Dossier, result: RoundResult | None = None) -> bytes:
    """Return the computed results of `dossier` as .xlsx bytes (one sheet per block)."""
    from docgen.render.xlsx import render_workbook  # openpyxl is loaded only when exporting

    return render_workbook(dossier, result or compute_round(dossier), created_at(dossier))

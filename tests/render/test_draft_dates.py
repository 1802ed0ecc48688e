"""A draft dated with a month only ("2025-12") gets no invented day in its files'
metadata: the DOCX, PDF and XLSX carry no creation or modification date at all; a
decision with its full date is the files' date."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import datetime
from pathlib import Path

from pypdf import PdfReader

from docgen.compute.results import compute_round
from docgen.context.builder import created_at
from docgen.model.loader import load_dossier
from docgen.render import docx, pdf
from docgen.render.meta import DocumentMeta
from docgen.render.templates import template_path
from docgen.render.xlsx import render_workbook

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "tests" / "data" / "context_example.json"
HTML = "<html><head></head><body><p>Dự thảo</p></body></html>"


def _core(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return package.read("docProps/core.xml").decode("utf-8")


def test_a_month_only_draft_has_no_creation_date() -> None:
    draft = load_dossier(ROOT / "fixtures" / "son-la-2025.yaml")
    assert draft.decision.date == "2025-12"
    assert created_at(draft) is None


def test_the_docx_of_an_undated_draft_has_no_dates_and_keeps_the_rest() -> None:
    context = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    meta = DocumentMeta("Quyết định", "UBND tỉnh Sơn La", None)
    first = docx.render(template_path("quyet_dinh", "docx"), context, meta)
    core = _core(first)
    assert "dcterms:created" not in core and "dcterms:modified" not in core, core
    assert "<dc:title>Quyết định</dc:title>" in core
    assert first == docx.render(template_path("quyet_dinh", "docx"), context, meta)
    dated = _core(docx.render(template_path("quyet_dinh", "docx"), context,
                              DocumentMeta("Quyết định", "UBND", datetime(2023, 1, 16))))
    assert re.search(r"<dcterms:created [^>]*>2023-01-16T00:00:00Z</dcterms:created>", dated)


def test_the_pdf_of_an_undated_draft_has_no_dates() -> None:
    data = pdf.typeset(HTML, {}, DocumentMeta("Quyết định", "UBND tỉnh Sơn La", None))
    reader = PdfReader(io.BytesIO(data))
    assert "/CreationDate" not in reader.metadata and "/ModDate" not in reader.metadata
    assert reader.metadata["/Title"] == "Quyết định"
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert "CreateDate" not in xmp and "ModifyDate" not in xmp, xmp
    dated = PdfReader(io.BytesIO(pdf.typeset(
        HTML, {}, DocumentMeta("Quyết định", "UBND", datetime(2023, 1, 16)))))
    assert dated.metadata["/CreationDate"].startswith("D:20230116")


def test_the_workbook_of_an_undated_draft_has_no_dates() -> None:
    draft = load_dossier(ROOT / "fixtures" / "son-la-2025.yaml")
    core = _core(render_workbook(draft, compute_round(draft), created_at(draft)))
    assert "dcterms:created" not in core and "dcterms:modified" not in core, core
    assert "Kết quả Chỉ số CCHC năm 2025</dc:title>" in core

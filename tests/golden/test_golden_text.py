"""Golden files: the text of every rendered document, reviewed like code.

The expected text of each fixture's documents lives in tests/golden/expected/<fixture>/.
Any change of wording, figures or order shows up as a diff of those files; after a
deliberate change, rewrite them with ``pytest tests/golden --update-golden`` and review
the diff.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from extract import (PHU_YEN, SON_LA, SON_LA_2023, chart_texts, docx_first_page_header,
                     docx_text, pdf_pages, squash, without_charts)

from docgen.model.loader import load_dossier
from docgen.pipeline import render_package

pytestmark = pytest.mark.golden

EXPECTED = Path(__file__).parent / "expected"
CASES = {"son-la-2025": SON_LA, "phu-yen-2022": PHU_YEN, "son-la-2023": SON_LA_2023,
         "thanh-hoa-2024": SON_LA.parent / "thanh-hoa-2024.yaml",  # units read from a workbook
         "ha-tinh-2024": SON_LA.parent / "ha-tinh-2024.yaml"}  # one criteria set per block


@pytest.fixture(scope="module", params=sorted(CASES))
def rendered(request: pytest.FixtureRequest) -> tuple[str, dict[str, bytes]]:
    documents = render_package(load_dossier(CASES[request.param]))
    return request.param, {d.filename: d.data for d in documents}


def test_text_matches_the_golden_files(rendered, update_golden: bool) -> None:
    case, files = rendered
    for kind in ("quyet_dinh", "bao_cao", "phu_luc"):
        data = files[f"{kind}.docx"]
        text = docx_first_page_header(data).strip() + "\n---\n" + docx_text(data) + "\n"
        path = EXPECTED / case / f"{kind}.txt"
        if update_golden:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        assert path.read_text(encoding="utf-8") == text, f"{path} differs; see its diff"


def test_pdf_text_matches_the_golden_files_too(rendered) -> None:
    """The golden files hold the DOCX text, where charts are pictures; the PDF has the
    charts' labels as text too, taken out here chart by chart."""
    case, files = rendered
    for kind in ("quyet_dinh", "bao_cao"):
        golden = (EXPECTED / case / f"{kind}.txt").read_text(encoding="utf-8")
        body = golden.split("\n---\n", 1)[1]
        pdf = "".join(pdf_pages(files[f"{kind}.pdf"], skip_top_mm=20))
        labels = chart_texts(load_dossier(CASES[case])) if kind == "bao_cao" else []
        assert without_charts(pdf, labels) == squash(body)


def test_every_pdf_is_the_docx_text_and_page_count(rendered) -> None:
    """The PDF is typeset from the DOCX: all three documents, word for word (charts'
    labels aside), page headers included."""
    case, files = rendered
    labels = chart_texts(load_dossier(CASES[case]))
    for kind in ("quyet_dinh", "bao_cao", "phu_luc"):
        docx = files[f"{kind}.docx"]
        body = squash(docx_text(docx))
        pdf = without_charts("".join(pdf_pages(files[f"{kind}.pdf"], skip_top_mm=20)),
                             labels if kind == "bao_cao" else [])
        for header in _repeated_headers(docx):  # the PDF repeats them on each page
            assert pdf.count(header) >= body.count(header)
            pdf, body = pdf.replace(header, ""), body.replace(header, "")
        assert pdf == body, f"{case}/{kind}"


def _repeated_headers(data: bytes) -> list[str]:
    """The squashed text of the header rows (``w:tblHeader``) of each table, longest
    first."""
    found = set()
    for table in Document(io.BytesIO(data)).tables:
        rows = [row._tr for row in table.rows if row._tr.trPr is not None
                and row._tr.trPr.find(qn("w:tblHeader")) is not None]
        if rows:
            found.add(squash("".join(t.text or "" for tr in rows for t in tr.iter(qn("w:t")))))
    return sorted(found, key=len, reverse=True)

"""Findings of the văn thư's review of the fixtures, each measured."""

from __future__ import annotations

import io
import re
import sys
import zipfile
from pathlib import Path

import pytest
from docx import Document

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
from extract import PHU_YEN, SON_LA, pdf_pages  # noqa: E402

from docgen.compute.results import compute_round  # noqa: E402
from docgen.context.builder import build_context  # noqa: E402
from docgen.model.loader import load_dossier  # noqa: E402
from docgen.pipeline import render_package  # noqa: E402
from docgen.render.templates import DOCUMENTS, SHIPPED  # noqa: E402

NBSP = "\u00a0"


@pytest.fixture(scope="module")
def son_la() -> dict[str, bytes]:
    documents = render_package(load_dossier(SON_LA), kinds=["quyet_dinh", "phu_luc"])
    return {d.filename: d.data for d in documents}


def test_no_line_break_inside_set_phrases(son_la: dict[str, bytes]) -> None:
    """"Ủy / ban nhân dân", "Sơn / La", "THÀNH / PHỐ" never end a line in the PDF."""
    for name in ("quyet_dinh.pdf", "phu_luc.pdf"):
        lines = [line.strip() for page in pdf_pages(son_la[name]) for line in page.splitlines()]
        broken = [line for line in lines if re.search(r"\b(Ủy|nhân|Sơn|THÀNH|Chủ)$", line)]
        assert not broken, (name, broken)
    attachment = next(p.text for p in Document(io.BytesIO(son_la["phu_luc.docx"])).paragraphs
                      if p.text.startswith("(Kèm theo"))
    assert f"Ủy{NBSP}ban{NBSP}nhân{NBSP}dân" in attachment
    recipients = [p.text for table in Document(io.BytesIO(son_la["quyet_dinh.docx"])).tables
                  for row in table.rows for cell in row.cells for p in cell.paragraphs
                  if p.text.startswith("- ")]
    assert any(f"truyền hình Sơn{NBSP}La" in r for r in recipients), recipients


def test_the_decision_names_every_attached_document() -> None:
    dossier = load_dossier(PHU_YEN)  # its dossier says only "kèm theo: báo cáo"
    context = build_context(dossier, compute_round(dossier), draft=False)
    assert "Phụ lục" in context["decision"]["attachments_phrase"]


@pytest.mark.parametrize("kind", sorted(DOCUMENTS))
def test_tables_start_at_the_margin_in_word(kind: str) -> None:
    """Compatibility mode 15: a table without indent starts at the margin (mode 14 moved
    Nơi nhận and the Phụ lục tables 1,9 mm)."""
    with zipfile.ZipFile(SHIPPED / f"{DOCUMENTS[kind]}.docx") as package:
        settings = package.read("word/settings.xml").decode()
        body = package.read("word/document.xml").decode()
    assert re.search(r'compatibilityMode"[^>]*w:val="15"', settings)
    indents = [int(v) for v in re.findall(r'<w:tblInd w:w="(-?\d+)"', body)]
    assert all(v < 0 for v in indents)  # only the header table reaches into the margin


def test_the_last_article_keeps_with_the_signature(son_la: dict[str, bytes]) -> None:
    document = Document(io.BytesIO(son_la["quyet_dinh.docx"]))
    last = next(p for p in document.paragraphs if p.text.startswith("Điều 3."))
    assert last.paragraph_format.keep_with_next
    page = next(text for text in pdf_pages(son_la["quyet_dinh.pdf"]) if "Nơi nhận" in text)
    assert "Điều 3." in page


def test_metadata_carries_number_date_and_trich_yeu() -> None:
    from pypdf import PdfReader

    documents = render_package(load_dossier(PHU_YEN), kinds=["quyet_dinh"])
    files = {d.filename: d.data for d in documents}
    info = PdfReader(io.BytesIO(files["quyet_dinh.pdf"])).metadata
    assert info["/Title"].startswith("Quyết định số 15/QĐ-UBND - Về việc công bố Chỉ số")
    assert "ngày 16 tháng 01 năm 2023" in info["/Subject"]
    props = Document(io.BytesIO(files["quyet_dinh.docx"])).core_properties
    assert props.title == info["/Title"] and props.subject == info["/Subject"]


def test_headings_have_outline_levels_and_become_pdf_bookmarks() -> None:
    from pypdf import PdfReader

    documents = render_package(load_dossier(SON_LA), kinds=["bao_cao"])
    files = {d.filename: d.data for d in documents}
    styles = Document(io.BytesIO(files["bao_cao.docx"])).styles
    levels = {name: styles[name].element.pPr.find(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}outlineLvl")
        for name in ("Heading muc", "Heading khoan")}
    assert all(level is not None for level in levels.values())
    outline = PdfReader(io.BytesIO(files["bao_cao.pdf"])).outline
    titles = [item.title for item in outline if not isinstance(item, list)]
    assert any(t.startswith("I. TỔNG QUAN") for t in titles), titles


def test_phu_luc_titles_keep_thi_xa_together() -> None:
    """"THỊ / XÃ" (a kind of unit, like "thành phố") never ends a line of the title."""
    dossier = load_dossier(SON_LA.parent / "thanh-hoa-2024.yaml")
    (pdf,) = render_package(dossier, kinds=["phu_luc"], formats=["pdf"])
    lines = [line.strip().replace(NBSP, " ") for line in pdf_pages(pdf.data)[0].splitlines()]
    assert "THỊ XÃ, THÀNH PHỐ" in lines, lines[:8]
    assert not [line for line in lines if re.search(r"\b(THỊ|thị)$", line)]


def test_wrapped_recipients_hang_under_the_recipient(son_la: dict[str, bytes]) -> None:
    """A Nơi nhận entry that wraps continues under its text, not under the dash."""
    import pdfplumber

    with pdfplumber.open(io.BytesIO(son_la["quyet_dinh.pdf"])) as pdf:
        page = next(p for p in pdf.pages if "Nơi nhận" in (p.extract_text() or ""))
        words = [w for w in page.extract_words() if w["x0"] < page.width / 2]
    label = next(w for w in words if w["text"].startswith("Nơi"))
    dashes = [w for w in words if w["text"] == "-" and w["top"] > label["top"]]
    assert len(dashes) >= 8
    dash_x = min(d["x0"] for d in dashes)
    text_x = min(w["x0"] for w in words
                 if any(abs(w["top"] - d["top"]) < 1 and w["x0"] > d["x1"] for d in dashes))
    block = [w for w in words if dashes[0]["top"] - 1 <= w["top"] <= dashes[-1]["top"] + 1]
    lines = {round(w["top"]): min(v["x0"] for v in block if abs(v["top"] - w["top"]) < 1)
             for w in block}
    wrapped = [x for x in lines.values() if x > dash_x + 1]
    assert wrapped, "the fixture has recipients that wrap"
    assert all(abs(x - text_x) < 1 for x in wrapped), (dash_x, text_x, wrapped)

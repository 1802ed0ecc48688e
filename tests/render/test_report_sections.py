"""The Báo cáo has no empty section, and its "a)" headings are upright (ND30: "a) …"
regular), measured in the DOCX (styles and runs) and in the PDF (the font of each line)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from docgen.model.loader import load_dossier
from docgen.pipeline import render_package
from docgen.render.templates import template_path

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
NOTE = ("[Nội dung phần này chưa có trong hồ sơ: bổ sung mục “tình hình triển khai” của báo "
        "cáo (hoặc “điều tra xã hội học”) trong hồ sơ trước khi trình ký.]")
FINAL = ["I. TỔNG QUAN VỀ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {y}", "II. KẾT QUẢ CHỈ SỐ CCHC NĂM {y}",
         "III. NHẬN XÉT, ĐÁNH GIÁ", "IV. PHƯƠNG HƯỚNG THỜI GIAN TỚI"]
DRAFT = ["I. TỔNG QUAN VỀ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {y}",
         "II. TÌNH HÌNH TRIỂN KHAI XÁC ĐỊNH CHỈ SỐ CCHC NĂM {y}",
         "III. KẾT QUẢ CHỈ SỐ CCHC NĂM {y}", "IV. NHẬN XÉT, ĐÁNH GIÁ",
         "V. PHƯƠNG HƯỚNG THỜI GIAN TỚI"]


def _report(name: str, draft: bool, formats=("docx",)) -> dict[str, bytes]:
    documents = render_package(load_dossier(FIXTURES / f"{name}.yaml"), formats=formats,
                               draft=draft, kinds=["bao_cao"])
    return {d.format: d.data for d in documents}


def _paragraphs(data: bytes):
    return list(Document(io.BytesIO(data)).paragraphs)


@pytest.mark.parametrize("name", ["son-la-2022", "son-la-2023"])
@pytest.mark.parametrize("draft", [False, True])
def test_an_empty_section_is_left_out_or_flagged_in_a_draft(name: str, draft: bool) -> None:
    """Sơn La 2022 and 2023 have no implementation text and no survey: the issued report
    goes from I to II (the results); a draft keeps II with the note to fill it in."""
    paragraphs = _paragraphs(_report(name, draft)["docx"])
    headings = [p.text for p in paragraphs if p.style.name == "Heading muc"]
    year = name[-4:]
    assert headings == [h.format(y=year) for h in (DRAFT if draft else FINAL)]
    notes = [p for p in paragraphs if p.text.startswith("[Nội dung phần này")]
    if not draft:
        assert notes == []
        return
    assert [p.text for p in notes] == [NOTE]
    after = paragraphs[paragraphs.index(notes[0]) - 1]
    assert after.text == headings[1]  # right under the empty section's heading
    assert notes[0].style.name == "Nhac bo sung" and notes[0].style.font.italic is True
    assert not any(run.italic is False for run in notes[0].runs)


def test_a_filled_section_keeps_its_place_and_gets_no_note() -> None:
    paragraphs = _paragraphs(_report("phu-yen-2022", True)["docx"])
    headings = [p.text for p in paragraphs if p.style.name == "Heading muc"]
    assert [h.split(".")[0] for h in headings] == ["I", "II", "III", "IV", "V"]
    assert headings[1] == "II. TÌNH HÌNH TRIỂN KHAI XÁC ĐỊNH CHỈ SỐ CCHC NĂM 2022"
    assert not any(p.text.startswith("[Nội dung phần này") for p in paragraphs)


@pytest.mark.parametrize("kind", ["bao_cao", "quyet_dinh", "phu_luc"])
def test_the_point_heading_style_is_upright_and_regular(kind: str) -> None:
    style = Document(str(template_path(kind, "docx"))).styles["Heading diem"]
    assert style.font.italic is None and style.font.bold is None
    assert style.base_style.name == "Body"  # which is neither italic nor bold
    assert style.base_style.font.italic is None and style.base_style.font.bold is None


def test_point_headings_are_set_in_the_regular_face_in_the_pdf() -> None:
    """The font of the "a)" lines of the PDF: the regular face, the note the italic one."""
    data = _report("son-la-2022", True, formats=("docx", "pdf"))
    docx_points = [p for p in _paragraphs(data["docx"]) if p.style.name == "Heading diem"]
    assert len(docx_points) >= 4
    assert not any(run.italic or run.bold for p in docx_points for run in p.runs)
    fonts: dict[str, set[str]] = {}

    def visit(text, _cm, _tm, font, _size):
        line = text.strip()
        if line and font:
            fonts.setdefault(line, set()).add(str(font.get("/BaseFont")).split("+")[-1])

    for page in PdfReader(io.BytesIO(data["pdf"])).pages:
        page.extract_text(visitor_text=visit)
    for line in ("a) Thang điểm xác định Chỉ số CCHC", "a) Kết quả chung",
                 "b) Kết quả theo lĩnh vực"):
        assert fonts[line] == {"LiberationSerif-Docgen"}, line
    note = next(line for line in fonts if line.startswith("[Nội dung phần này"))
    assert fonts[note] == {"LiberationSerif-Docgen-Italic"}

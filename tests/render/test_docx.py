"""DOCX renderer and the three shipped docxtpl templates, checked on the rendered files."""

from __future__ import annotations

import copy
import hashlib
import importlib.util
import io
import json
import re
import subprocess
import sys
import zipfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

from docgen.errors import TemplateError
from docgen.render.docx import render
from docgen.render.meta import DocumentMeta
from docgen.render.templates import template_path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "tests" / "data" / "context_example.json"
META = DocumentMeta(title="Quyết định - Chỉ số CCHC năm 2025", author="Sở Nội vụ tỉnh Sơn La",
                    created=datetime(2025, 12, 16, 8, 30))
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
KINDS = ("quyet_dinh", "bao_cao", "phu_luc")
ODD_NAME = "Sở Văn hóa & Thể thao <mới>"


def example(**changes) -> dict:
    """Return the example context with top-level keys replaced.

    ``report.criteria`` carries counts (docs/context.md); an example file still holding the
    finished sentence is turned into the counts of that sentence.
    """
    context = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    for item in context["report"]["criteria"]:
        if "text" in item:
            counts = re.findall(r"\d+", item.pop("text"))
            item.update(zip(("fields", "criteria", "sub_criteria"), counts, strict=True))
    context.update(changes)
    return context


def rendered(kind: str, context: dict | None = None) -> bytes:
    return render(template_path(kind, "docx"), context or example(), META)


def open_docx(data: bytes):
    return docx.Document(io.BytesIO(data))


@pytest.fixture(scope="module")
def outputs() -> dict[str, bytes]:
    return {kind: rendered(kind) for kind in KINDS}


def effective(paragraph, attr: str, run=None):
    """Return a run property as Word would resolve it: run, character style, paragraph
    style chain."""
    if run is not None:
        value = getattr(run.font, attr)
        if value is not None:
            return value
        value = _from_styles(run.style, attr)
        if value is not None:
            return value
    return _from_styles(paragraph.style, attr)


def _from_styles(style, attr: str):
    """Return the first value of `attr` set on `style` or the styles it is based on."""
    while style is not None:
        value = getattr(style.font, attr)
        if value is not None:
            return value
        style = style.base_style
    return None


def looks(paragraph) -> tuple:
    """(size in pt, bold, italic) of a paragraph whose runs share one format."""
    run = paragraph.runs[0] if paragraph.runs else None
    size = effective(paragraph, "size", run)
    return (size.pt if size else None, bool(effective(paragraph, "bold", run)),
            bool(effective(paragraph, "italic", run)))


def all_paragraphs(document):
    yield from document.paragraphs
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs


def find(document, text: str):
    matches = [p for p in all_paragraphs(document) if p.text == text]
    assert matches, f"no paragraph {text!r}"
    return matches[0]


def body_texts(document) -> list[str]:
    return [p.text for p in document.paragraphs]


# ---------------------------------------------------------------------------------------
# Page and styles
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_page_is_a4_with_nd30_margins(outputs, kind):
    section = open_docx(outputs[kind]).sections[0]
    assert abs(section.page_width.mm - 210) <= 0.5
    assert abs(section.page_height.mm - 297) <= 0.5
    assert round(section.top_margin.mm, 1) == 20.0
    assert round(section.bottom_margin.mm, 1) == 20.0
    assert round(section.left_margin.mm, 1) == 30.0
    assert round(section.right_margin.mm, 1) == 15.0
    assert 10 <= round(section.header_distance.mm, 1) <= 12.5


@pytest.mark.parametrize("kind", KINDS)
def test_times_new_roman_14_everywhere(outputs, kind):
    document = open_docx(outputs[kind])
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    assert normal.font.size == Pt(14)
    for rfonts in (normal.element.find(f"{W}rPr/{W}rFonts"),
                   document.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")):
        assert {rfonts.get(f"{W}{slot}") for slot in ("ascii", "hAnsi", "cs", "eastAsia")} == {
            "Times New Roman"}
    # No style of the template names another font.
    fonts = {node.get(f"{W}ascii") for node in document.styles.element.iter(f"{W}rFonts")}
    assert fonts == {"Times New Roman"}


def test_body_style_is_justified_indented_single_spaced(outputs):
    body = open_docx(outputs["bao_cao"]).styles["Body"].paragraph_format
    assert body.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert body.first_line_indent.twips == 567  # 1 cm, as in the ND30 templates
    assert body.space_before == Pt(6)
    assert body.space_after == Pt(0)
    assert body.line_spacing == 1.0


# ---------------------------------------------------------------------------------------
# Quyết định
# ---------------------------------------------------------------------------------------


def test_decision_header_block(outputs):
    document = open_docx(outputs["quyet_dinh"])
    header = document.tables[0]
    widths = [round(col.width.mm, 1) for col in header.columns]
    assert widths == [67.5, 100.0]
    agency, national = header.rows[0].cells
    assert [p.text for p in agency.paragraphs if p.text] == ["ỦY BAN NHÂN DÂN", "TỈNH SƠN LA"]
    assert all(looks(p) == (13, True, False) for p in agency.paragraphs if p.text)
    assert looks(find(document, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")) == (13, True, False)
    assert looks(find(document, "Độc lập - Tự do - Hạnh phúc")) == (14, True, False)
    number, date = header.rows[1].cells
    assert number.paragraphs[0].text == example()["decision"]["number_line"]
    assert looks(number.paragraphs[0]) == (13, False, False)
    assert date.paragraphs[0].text == example()["decision"]["place_date"]
    assert looks(date.paragraphs[0]) == (14, False, True)


def test_decision_parent_agency_lines_are_regular(tmp_path):
    context = example()
    context["issuer"]["parent_lines"] = ["UBND TỈNH SƠN LA"]
    context["issuer"]["name_lines"] = ["SỞ NỘI VỤ"]
    document = open_docx(rendered("quyet_dinh", context))
    agency = document.tables[0].rows[0].cells[0]
    texts = [(p.text, looks(p)) for p in agency.paragraphs if p.text]
    assert texts == [("UBND TỈNH SƠN LA", (13, False, False)), ("SỞ NỘI VỤ", (13, True, False))]


def test_decision_rules_have_nd30_lengths(outputs):
    document = open_docx(outputs["quyet_dinh"])
    national = document.tables[0].rows[0].cells[1]
    rule = national.paragraphs[-1]
    assert rule.text == ""
    assert rule._p.find(f"{W}pPr/{W}pBdr/{W}top") is not None or \
        rule.style.element.find(f"{W}pPr/{W}pBdr/{W}top") is not None
    text_mm = 100 - 2 * 1.0
    length = text_mm - rule.paragraph_format.left_indent.mm - rule.paragraph_format.right_indent.mm
    assert 58 <= length <= 62  # "Độc lập - Tự do - Hạnh phúc" is 60.5 mm at 14 pt bold


def test_decision_title_bases_and_default_articles(outputs):
    document = open_docx(outputs["quyet_dinh"])
    texts = body_texts(document)
    context = example()
    start = texts.index("QUYẾT ĐỊNH")
    assert texts[start + 1: start + 3] == context["decision"]["title_lines"]
    assert looks(find(document, "QUYẾT ĐỊNH")) == (14, True, False)
    assert looks(find(document, context["decision"]["title_lines"][0])) == (14, True, False)
    assert looks(find(document, "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH")) == (14, True, False)
    for basis in context["decision"]["bases"] + [context["decision"]["proposal"]]:
        assert looks(find(document, basis)) == (14, False, True)
    assert looks(find(document, "QUYẾT ĐỊNH:")) == (14, True, False)
    subject = context["subject"]
    article_1 = find(document, "Điều 1. Công bố Chỉ số cải cách hành chính năm 2025 của "
                               f"{subject} (có Báo cáo, Phụ lục kết quả kèm theo).")
    label, rest = article_1.runs[0], article_1.runs[1]
    assert label.text == "Điều 1." and effective(article_1, "bold", label)
    assert not effective(article_1, "bold", rest)
    assert any(t.startswith("Điều 2. Căn cứ Chỉ số cải cách hành chính năm 2025, ") for t in texts)
    assert texts.count(f"Điều 3. {context['decision']['executors']} chịu trách nhiệm thi hành "
                       "Quyết định này./.") == 1


def test_decision_custom_articles_replace_the_default_wording():
    context = example()
    context["decision"]["articles"] = [
        {"label": "Điều 1.", "text": "Công bố kết quả."},
        {"label": "Điều 2.", "text": "Quyết định có hiệu lực từ ngày ký./."},
    ]
    context["decision"]["proposal"] = ""
    texts = body_texts(open_docx(rendered("quyet_dinh", context)))
    articles = [t for t in texts if t.startswith("Điều ")]
    assert articles == ["Điều 1. Công bố kết quả.", "Điều 2. Quyết định có hiệu lực từ ngày ký./."]
    assert not any(t.startswith("Theo đề nghị") for t in texts)


def test_signature_block_and_recipients(outputs):
    document = open_docx(outputs["quyet_dinh"])
    table = document.tables[-1]
    assert [round(col.width.mm, 1) for col in table.columns] == [63.5, 100.0]
    left, right = table.rows[0].cells
    label = left.paragraphs[0]
    assert label.text == "Nơi nhận:"
    assert looks(label) == (12, True, True)
    recipients = left.paragraphs[1:]
    assert [p.text for p in recipients] == example()["decision"]["recipients"]
    for p in recipients:
        assert looks(p) == (11, False, False)
        # the dash at the margin, a wrapped line under the recipient's text (hanging indent)
        assert not p.paragraph_format.left_indent
        hanging = p.style.paragraph_format
        assert hanging.left_indent.mm == pytest.approx(2.3, abs=0.01)
        assert hanging.first_line_indent == -hanging.left_indent
        assert p.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.LEFT
    signer = [p.text for p in right.paragraphs]
    assert signer == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Thành Công"]
    assert all(looks(p) == (14, True, False) for p in right.paragraphs)
    # "Nơi nhận:" is level with the first signature line: same top, smaller text lower.
    first_line = right.paragraphs[0]
    gap = label.style.paragraph_format.space_before - first_line.style.paragraph_format.space_before
    assert Pt(1.5) <= gap <= Pt(2.0)


@pytest.mark.parametrize("kind", KINDS)
def test_page_number_from_page_two(outputs, kind):
    section = open_docx(outputs[kind]).sections[0]
    assert section.different_first_page_header_footer
    default_xml = section.header._element.xml
    first_xml = section.first_page_header._element.xml
    assert "PAGE" in default_xml and "fldChar" in default_xml
    assert "PAGE" not in first_xml
    number = section.header.paragraphs[0]
    assert number.alignment == WD_ALIGN_PARAGRAPH.CENTER or \
        number.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert effective(number, "size") == Pt(14)


@pytest.mark.parametrize("kind", KINDS)
def test_draft_mark_only_in_draft(kind):
    draft = open_docx(rendered(kind, example(draft=True)))
    mark = [p for p in draft.sections[0].first_page_header.paragraphs if p.text == "DỰ THẢO"]
    assert len(mark) == 1
    assert effective(mark[0], "bold")
    assert mark[0].style.element.find(f"{W}pPr/{W}pBdr/{W}left") is not None
    final = rendered(kind, example(draft=False))
    with zipfile.ZipFile(io.BytesIO(final)) as archive:
        for name in archive.namelist():
            assert "DỰ THẢO".encode() not in archive.read(name), name


# ---------------------------------------------------------------------------------------
# Báo cáo
# ---------------------------------------------------------------------------------------


def test_report_wording_and_order(outputs):
    texts = [t for t in body_texts(open_docx(outputs["bao_cao"])) if t]
    expected = [
        "BÁO CÁO",
        "Tóm tắt kết quả xác định Chỉ số cải cách hành chính năm 2025",
        "của các sở, ban, ngành, Ủy ban nhân dân các xã, phường",
        example()["report"]["attachment_line"],
        "I. TỔNG QUAN VỀ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2025",
        "1. Đối tượng đánh giá",
        "- Các sở, ban, ngành (gồm 03 đơn vị gọi tắt là sở).",
        "2. Phương pháp xác định Chỉ số cải cách hành chính (CCHC)",
        "- Tự đánh giá: các cơ quan, đơn vị tự theo dõi, đánh giá và cho điểm.",
        "- Tổ chức thẩm định: căn cứ điểm tự đánh giá.",
        "a) Thang điểm xác định Chỉ số CCHC",
        "Tổng điểm là 100 điểm, trong đó:",
        "- Điểm tự đánh giá, thẩm định: 70/100 điểm.",
        "- Điểm điều tra xã hội học: 30/100 điểm.",
        "b) Bộ tiêu chí xác định Chỉ số CCHC (Quyết định số 2712/QĐ-UBND)",
        "Bộ tiêu chí xác định Chỉ số CCHC của khối sở gồm 08 lĩnh vực, 43 tiêu chí và 79 tiêu "
        "chí thành phần.",
        "II. TÌNH HÌNH TRIỂN KHAI XÁC ĐỊNH CHỈ SỐ CCHC NĂM 2025",
        "1. Công tác tự đánh giá, chấm điểm của các cơ quan, đơn vị",
        "Các cơ quan, đơn vị đã tổ chức tự đánh giá chấm điểm.",
        "3. Tổ chức điều tra xã hội học và kết quả điều tra",
        "a) Đối tượng điều tra xã hội học",
        "- Đối với khối sở: lãnh đạo cấp sở.",
        "b) Kết quả điều tra xã hội học",
        "- Tổng số phiếu thu về là 1.000/1.043 phiếu, đạt 95,88% số phiếu phát ra.",
        "- Số phiếu hợp lệ là 1.000/1.000 phiếu (đạt 100%).",
        "- Kết quả điều tra:",
        "+ Đối với khối sở: Điểm trung bình 28,16/30 điểm, có 01/03 đơn vị có điểm đạt được "
        "thấp hơn điểm trung bình.",
        "III. KẾT QUẢ CHỈ SỐ CCHC NĂM 2025",
        "Căn cứ Quyết định số 2712/QĐ-UBND ngày 31/10/2025 của UBND tỉnh.",
        "Kết quả Chỉ số CCHC của các sở, ban, ngành, Ủy ban nhân dân các xã, phường năm 2025 "
        "được xếp hạng, xếp loại như sau:",
        "1. Đối với khối sở",
        "Tổng điểm trung bình của các sở đạt: 92,14/100 điểm, cụ thể như sau (Biểu số 1, "
        "Biểu đồ 1):",
        "- Mức XUẤT SẮC tương ứng với kết quả Chỉ số CCHC đạt từ 90% trở lên: có 02/03 đơn vị "
        "chiếm tỷ lệ 66,67% (Sở Xây dựng, Sở Nội vụ).",
        f"- Mức TỐT tương ứng với kết quả Chỉ số CCHC đạt từ 80% - dưới 90%: có 01/03 đơn vị "
        f"chiếm tỷ lệ 33,33% ({ODD_NAME}).",
        "- Mức TRUNG BÌNH tương ứng với kết quả Chỉ số CCHC đạt từ 70% - dưới 80%: không có "
        "đơn vị nào.",
        f"- Đơn vị đạt điểm cao nhất: Sở Xây dựng (96,12/100 điểm); đơn vị đạt điểm thấp nhất: "
        f"{ODD_NAME} (85/100 điểm); khoảng cách giữa điểm cao nhất và thấp nhất là 11,12 "
        f"điểm; có 01/03 đơn vị đạt điểm thấp hơn điểm trung bình.",
        "Biểu đồ 1. Chỉ số CCHC năm 2025 của khối sở, từ cao xuống thấp, màu theo xếp loại; "
        "đường nét đứt là ngưỡng xếp loại",
        "IV. NHẬN XÉT, ĐÁNH GIÁ",
        "1. Những kết quả đạt được",
        "Năm 2025, công tác cải cách hành chính tiếp tục chuyển biến.",
        "2. Một số tồn tại, hạn chế và nguyên nhân",
        "a) Tồn tại, hạn chế",
        "- Một số đơn vị nộp hồ sơ chậm.",
        "V. PHƯƠNG HƯỚNG THỜI GIAN TỚI",
        "1. Các sở, ban, ngành",
        "- Rà soát, phân tích kết quả.",
        "+ Tổ chức tập huấn.",
    ]
    assert texts == expected


def test_report_entry_kinds_have_their_styles(outputs):
    document = open_docx(outputs["bao_cao"])
    assert looks(find(document, "I. TỔNG QUAN VỀ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2025")) == (
        14, True, False)
    assert looks(find(document, "1. Những kết quả đạt được")) == (14, True, False)
    assert looks(find(document, "a) Tồn tại, hạn chế")) == (14, False, False)
    assert looks(find(document, "- Một số đơn vị nộp hồ sơ chậm.")) == (14, False, False)
    assert looks(find(document, "b) Bộ tiêu chí xác định Chỉ số CCHC (Quyết định số "
                                "2712/QĐ-UBND)")) == (14, False, False)
    attachment = [p for p in document.paragraphs if p.text.startswith("(Kèm theo")][0]
    assert looks(attachment)[2] and attachment.style.paragraph_format.alignment == \
        WD_ALIGN_PARAGRAPH.CENTER


def test_report_without_survey_or_criteria_source():
    context = example(survey=None)
    context["report"]["criteria_source"] = ""
    texts = body_texts(open_docx(rendered("bao_cao", context)))
    assert "b) Bộ tiêu chí xác định Chỉ số CCHC" in texts
    assert not any("phiếu" in t or "Kết quả điều tra" in t for t in texts)
    assert "3. Tổ chức điều tra xã hội học và kết quả điều tra" not in texts


# ---------------------------------------------------------------------------------------
# Phụ lục
# ---------------------------------------------------------------------------------------


def results_table(document):
    return document.tables[0]


def test_appendix_title_block(outputs):
    document = open_docx(outputs["phu_luc"])
    assert looks(find(document, "Phụ lục")) == (14, True, False)
    for line in example()["appendix"]["title_lines"]:
        assert looks(find(document, line)) == (14, True, False)
    attachment = find(document, example()["appendix"]["attachment_line"])
    assert looks(attachment) == (13, False, True)
    assert looks(find(document, "Biểu số 1. Kết quả xếp hạng khối sở")) == (14, True, False)


def test_appendix_table_rows_and_escaping(outputs):
    table = results_table(open_docx(outputs["phu_luc"]))
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == ["STT", "Tên đơn vị", "Điểm tự đánh giá, thẩm định\n(tối đa 70 điểm)",
                       "Điểm điều tra XHH\n(tối đa 30 điểm)", "Tổng điểm", "Xếp hạng", "Xếp loại"]
    assert rows[1:] == [
        ["1", "Sở Xây dựng", "66,15", "29,97", "96,12", "1", "XUẤT SẮC"],
        ["2", "Sở Nội vụ", "65,80", "29,50", "95,30", "2", "XUẤT SẮC"],
        ["3", ODD_NAME, "60,00", "25,00", "85,00", "3", "TỐT"],
    ]
    cell = table.rows[3].cells[1].paragraphs[0]
    assert effective(cell, "size") == Pt(12)


def test_appendix_header_row_repeats_and_rows_do_not_split(outputs):
    table = results_table(open_docx(outputs["phu_luc"]))
    rows = table._tbl.tr_lst
    assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None
    assert all(row.find(f"{W}trPr/{W}tblHeader") is None for row in rows[1:])
    assert all(row.find(f"{W}trPr/{W}cantSplit") is not None for row in rows)


@pytest.mark.parametrize("count", [0, 1, 2, 4])
def test_appendix_columns_follow_components_and_keep_the_text_width(count):
    context = example()
    block = context["blocks"][0]
    block["component_names"] = [f"Thành phần {i + 1}" for i in range(count)]
    block["component_maxes"] = [str(10 * (i + 1)) for i in range(count)]
    for unit in block["units"]:
        unit["components"] = [f"{i},50" for i in range(count)]
    table = results_table(open_docx(rendered("phu_luc", context)))
    grid = [int(col.get(f"{W}w")) for col in table._tbl.tblGrid.findall(f"{W}gridCol")]
    assert len(grid) == 5 + count
    assert abs(sum(grid) - Mm(165).twips) <= 2
    for row in table._tbl.tr_lst:
        widths = [int(tc.find(f"{W}tcPr/{W}tcW").get(f"{W}w")) for tc in row.tc_lst]
        assert widths == grid
    header = [cell.text for cell in table.rows[0].cells]
    assert header[2:2 + count] == [f"Thành phần {i + 1}\n(tối đa {10 * (i + 1)} điểm)"
                                   for i in range(count)]
    assert [cell.text for cell in table.rows[1].cells][2:2 + count] == [
        f"{i},50" for i in range(count)]


def test_appendix_one_table_per_block():
    context = example()
    second = copy.deepcopy(context["blocks"][0])
    second.update(number="2", name="khối xã", table_number="2")
    second["units"] = second["units"][:1]
    context["blocks"].append(second)
    document = open_docx(rendered("phu_luc", context))
    assert len(document.tables) == 2
    assert [p.text for p in document.paragraphs if "Kết quả xếp hạng" in p.text] == [
        "Biểu số 1. Kết quả xếp hạng khối sở", "Biểu số 2. Kết quả xếp hạng khối xã"]
    assert len(document.tables[1].rows) == 2


# ---------------------------------------------------------------------------------------
# Escaping, control characters, determinism, metadata, errors
# ---------------------------------------------------------------------------------------


def test_odd_name_survives_in_every_document(outputs):
    for kind in ("bao_cao", "phu_luc"):
        document = open_docx(outputs[kind])
        assert any(ODD_NAME in p.text for p in all_paragraphs(document)), kind


def test_control_characters_do_not_break_the_xml():
    context = example()
    unit = context["blocks"][0]["units"][0]
    unit["name"] = "Sở\x00 Xây\x07 dựng\x0c\ud800 mới\r\n(cũ)\tA"
    document = open_docx(rendered("phu_luc", context))
    cell = results_table(document).rows[1].cells[1]
    assert cell.text == "Sở Xây dựng mới\n(cũ)\tA"


def test_same_input_gives_the_same_bytes(outputs):
    for kind in KINDS:
        assert rendered(kind) == outputs[kind]


def test_same_bytes_in_another_process(outputs, tmp_path):
    context_file = tmp_path / "context.json"
    context_file.write_text(json.dumps(example(), ensure_ascii=False), encoding="utf-8")
    script = (
        "import hashlib, json\n"
        "from datetime import datetime\n"
        "from pathlib import Path\n"
        "from docgen.render.docx import render\n"
        "from docgen.render.meta import DocumentMeta\n"
        "from docgen.render.templates import template_path\n"
        f"context = json.loads(Path({str(context_file)!r}).read_text(encoding='utf-8'))\n"
        f"meta = DocumentMeta({META.title!r}, {META.author!r}, datetime(2025, 12, 16, 8, 30))\n"
        f"for kind in {KINDS!r}:\n"
        "    data = render(template_path(kind, 'docx'), context, meta)\n"
        "    print(hashlib.sha256(data).hexdigest())\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                            text=True, check=True)
    expected = [hashlib.sha256(outputs[kind]).hexdigest() for kind in KINDS]
    assert result.stdout.split() == expected


def test_zip_members_have_fixed_dates_and_order(outputs):
    with zipfile.ZipFile(io.BytesIO(outputs["phu_luc"])) as archive:
        infos = archive.infolist()
    assert infos[0].filename == "[Content_Types].xml"
    assert infos[1].filename == "_rels/.rels"
    names = [info.filename for info in infos[2:]]
    assert names == sorted(names)
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {info.compress_type for info in infos} == {zipfile.ZIP_DEFLATED}
    assert {info.external_attr for info in infos} == {0o644 << 16}


def test_core_properties_come_from_meta(outputs):
    props = open_docx(outputs["quyet_dinh"]).core_properties
    assert props.title == META.title
    assert props.author == META.author
    assert props.last_modified_by == META.author
    assert props.created == datetime(2025, 12, 16, 8, 30, tzinfo=UTC)
    assert props.modified == datetime(2025, 12, 16, 8, 30, tzinfo=UTC)
    assert props.revision == 1
    assert props.language == "vi-VN"


def test_aware_creation_time_is_stored_in_utc():
    hanoi = timezone(timedelta(hours=7))
    meta = DocumentMeta("t", "a", datetime(2025, 12, 16, 15, 0, tzinfo=hanoi))
    data = render(template_path("phu_luc", "docx"), example(), meta)
    assert open_docx(data).core_properties.created == datetime(2025, 12, 16, 8, 0, tzinfo=UTC)


def test_no_template_tags_left_in_the_output(outputs):
    for kind, data in outputs.items():
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in archive.namelist():
                if name.endswith(".xml"):
                    text = archive.read(name).decode("utf-8")
                    assert "{{" not in text and "{%" not in text, (kind, name)


def tiny_template(path: Path, *lines: str) -> Path:
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    document.save(path)
    return path


def test_unknown_key_raises_template_error_naming_the_place(tmp_path):
    template = tiny_template(tmp_path / "thu.docx", "Năm {{ year }}", "Cơ quan {{ issuer.nam }}")
    with pytest.raises(TemplateError) as caught:
        render(template, example(), META)
    error = caught.value
    message = str(error)
    assert "thu.docx" in message
    assert "nam" in message
    assert "đoạn «Cơ quan {{ issuer.nam }}»" in message  # the paragraph, not an XML line
    assert "word/document.xml" not in message and "dòng" not in message
    assert "không có khóa «nam»" in message
    assert "Cơ quan {{ issuer.nam }}" in (error.nearby or "")
    assert error.lineno is not None
    assert error.code == "template_error"


def test_bad_tag_raises_template_error(tmp_path):
    template = tiny_template(tmp_path / "the.docx", "{%p for x in blocks %}", "{{ x.name }}")
    with pytest.raises(TemplateError, match="the.docx"):
        render(template, example(), META)


def test_markup_forced_through_safe_is_reported_not_recovered(tmp_path):
    template = tiny_template(tmp_path / "xml.docx", "{{ '<w:oops' | safe }}")
    with pytest.raises(TemplateError, match="XML không hợp lệ"):
        render(template, example(), META)


def test_missing_or_broken_template(tmp_path):
    with pytest.raises(TemplateError, match="Không tìm thấy"):
        render(tmp_path / "khong_co.docx", example(), META)
    broken = tmp_path / "hong.docx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(TemplateError, match="hong.docx"):
        render(broken, example(), META)


def test_committed_templates_match_the_build_script(tmp_path):
    spec = importlib.util.spec_from_file_location(
        "make_docx_templates", ROOT / "tools" / "make_docx_templates.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for kind, build in (("quyet_dinh", module.build_quyet_dinh),
                        ("bao_cao", module.build_bao_cao), ("phu_luc", module.build_phu_luc)):
        target = tmp_path / f"{kind}.docx"
        module.save(build(), target)
        assert target.read_bytes() == template_path(kind, "docx").read_bytes(), kind

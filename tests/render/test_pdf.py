"""The PDF renderer: A4, the bundled font only, page numbers from page 2, same bytes."""

from __future__ import annotations

import copy
import io
import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from docgen.errors import RenderError, TemplateError
from docgen.render import pdf
from docgen.render.meta import DocumentMeta
from docgen.render.templates import template_path

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "context_example.json"
META = DocumentMeta(title="Quyết định", author="UBND tỉnh Sơn La", created=datetime(2025, 12, 16))
A4_POINTS = (595.28, 841.89)


@pytest.fixture(scope="module")
def context() -> dict:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


def _render(kind: str, context: dict) -> PdfReader:
    return PdfReader(io.BytesIO(pdf.render(template_path(kind, "docx"), context, META)))


def _fonts(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def _top_margin_text(reader: PdfReader, index: int) -> str:
    page = reader.pages[index]
    limit = float(page.mediabox.height) - 20 / 25.4 * 72
    found: list[str] = []
    page.extract_text(visitor_text=lambda t, cm, tm, f, s: found.append(t)
                      if tm[5] * cm[3] + cm[5] >= limit else None)
    return "".join(found).strip()


@pytest.mark.parametrize("kind", ["quyet_dinh", "bao_cao", "phu_luc"])
def test_pages_are_a4_and_set_in_liberation_serif_only(context: dict, kind: str) -> None:
    reader = _render(kind, context)
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width, 1), round(height, 1)) == pytest.approx(A4_POINTS, abs=0.5)
    fonts = _fonts(reader)
    assert fonts, "no font embedded"
    assert all("LiberationSerif" in name for name in fonts), fonts


def test_page_numbers_start_on_page_two(context: dict) -> None:
    long = copy.deepcopy(context)
    long["decision"]["bases"] = long["decision"]["bases"] * 30
    reader = _render("quyet_dinh", long)
    assert len(reader.pages) >= 3
    top = [_top_margin_text(reader, i) for i in range(len(reader.pages))]
    assert "1" not in top[0]
    assert top[1].endswith("2") and top[2].endswith("3")


def test_draft_mark_only_in_a_draft(context: dict) -> None:
    draft = _render("quyet_dinh", context).pages[0].extract_text()
    final_context = {**context, "draft": False}
    final = _render("quyet_dinh", final_context).pages[0].extract_text()
    assert "DỰ THẢO" in draft
    assert "DỰ THẢO" not in final


def test_markup_characters_in_names_come_out_intact(context: dict) -> None:
    text = "".join(p.extract_text() for p in _render("phu_luc", context).pages)
    assert "Sở Văn hóa & Thể thao <mới>" in text


def test_a_character_outside_the_font_is_refused(context: dict) -> None:
    broken = copy.deepcopy(context)
    broken["blocks"][0]["units"][0]["name"] = "Sở Xây dựng \U0001F600"
    with pytest.raises(RenderError, match="U\\+1F600"):
        pdf.render(template_path("phu_luc", "docx"), broken, META)


def test_metadata_comes_from_the_dossier_not_the_clock(context: dict) -> None:
    info = _render("quyet_dinh", context).metadata
    assert info["/Title"] == "Quyết định"
    assert info["/Author"] == "UBND tỉnh Sơn La"
    assert info["/CreationDate"].startswith("D:20251216")


def test_same_bytes_in_another_process(context: dict, tmp_path: Path) -> None:
    script = (
        "import json,sys; from datetime import datetime; from docgen.render import pdf;"
        "from docgen.render.meta import DocumentMeta; from docgen.render.templates import template_path;"
        f"c=json.load(open({str(EXAMPLE)!r}, encoding='utf-8'));"
        "m=DocumentMeta(title='Quyết định', author='UBND tỉnh Sơn La', created=datetime(2025,12,16));"
        "sys.stdout.buffer.write(pdf.render(template_path('phu_luc','docx'), c, m))"
    )
    other = subprocess.run([sys.executable, "-c", script], capture_output=True, check=True).stdout
    assert other == pdf.render(template_path("phu_luc", "docx"), context, META)


def _words(reader: PdfReader) -> str:
    """All text of the document with runs of whitespace (also no-break spaces) as one space."""
    return " ".join("".join(page.extract_text() for page in reader.pages).split())


def _lines_with_y(reader: PdfReader, index: int) -> list[tuple[float, str]]:
    found: list[tuple[float, str]] = []
    reader.pages[index].extract_text(
        visitor_text=lambda t, cm, tm, f, s: found.append((tm[5] * cm[3] + cm[5], t))
        if t.strip() else None)
    return found


@pytest.mark.parametrize(("kind", "expected"), [
    ("quyet_dinh", [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
        "ỦY BAN NHÂN DÂN TỈNH SƠN LA", "Số: /QĐ-UBND", "QUYẾT ĐỊNH Về việc công bố",
        "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH", "Căn cứ Luật Tổ chức chính quyền địa phương",
        "Theo đề nghị của Sở Nội vụ", "QUYẾT ĐỊNH:",
        "Điều 1. Công bố Chỉ số cải cách hành chính năm 2025 của các sở, ban, ngành, Ủy ban "
        "nhân dân các xã, phường (có Báo cáo, Phụ lục kết quả kèm theo).",
        "Điều 3. Chánh Văn phòng Ủy ban nhân dân tỉnh",
        "chịu trách nhiệm thi hành Quyết định này./.",
        "Nơi nhận:", "- Lưu: VT, NC.", "KT. CHỦ TỊCH PHÓ CHỦ TỊCH", "Nguyễn Thành Công"]),
    ("bao_cao", [
        "BÁO CÁO", "I. TỔNG QUAN VỀ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2025",
        "- Các sở, ban, ngành (gồm 03 đơn vị gọi tắt là sở).",
        "a) Thang điểm xác định Chỉ số CCHC Tổng điểm là 100 điểm, trong đó:",
        "- Điểm tự đánh giá, thẩm định: 70/100 điểm.",
        "b) Bộ tiêu chí xác định Chỉ số CCHC (Quyết định số 2712/QĐ-UBND)",
        "II. TÌNH HÌNH TRIỂN KHAI XÁC ĐỊNH CHỈ SỐ CCHC NĂM 2025",
        "- Tổng số phiếu thu về là 1.000/1.043 phiếu, đạt 95,88% số phiếu phát ra.",
        "+ Đối với khối sở: Điểm trung bình 28,16/30 điểm, có 01/03 đơn vị",
        "III. KẾT QUẢ CHỈ SỐ CCHC NĂM 2025", "1. Đối với khối sở",
        "Tổng điểm trung bình của các sở đạt: 92,14/100 điểm, cụ thể như sau (Biểu số 1, "
        "Biểu đồ 1):",
        "có 01/03 đơn vị chiếm tỷ lệ 33,33% (Sở Văn hóa & Thể thao <mới>).",
        "- Mức TRUNG BÌNH tương ứng với kết quả Chỉ số CCHC đạt từ 70% - dưới 80%: "
        "không có đơn vị nào.",
        "đơn vị đạt điểm thấp nhất: Sở Văn hóa & Thể thao <mới> (85/100 điểm)",
        "IV. NHẬN XÉT, ĐÁNH GIÁ", "V. PHƯƠNG HƯỚNG THỜI GIAN TỚI", "+ Tổ chức tập huấn."]),
    ("phu_luc", [
        "Phụ lục KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2025",
        "Biểu số 1. Kết quả xếp hạng khối sở", "STT Tên đơn vị", "(tối đa 70 điểm)",
        "Tổng điểm", "Xếp hạng", "Xếp loại", "1 Sở Xây dựng 66,15 29,97 96,12 1 XUẤT SẮC"]),
])
def test_documents_carry_their_wording(context: dict, kind: str, expected: list[str]) -> None:
    text = _words(_render(kind, context))
    missing = [snippet for snippet in expected if snippet not in text]
    assert not missing, missing


def test_custom_articles_replace_the_default_wording(context: dict) -> None:
    custom = copy.deepcopy(context)
    custom["decision"]["articles"] = [
        {"label": "Điều 1.", "text": "Công bố kết quả riêng."},
        {"label": "Điều 2.", "text": "Giám đốc Sở Nội vụ chịu trách nhiệm thi hành./."},
    ]
    text = _words(_render("quyet_dinh", custom))
    assert "Điều 1. Công bố kết quả riêng." in text
    assert "Điều 2. Giám đốc Sở Nội vụ chịu trách nhiệm thi hành./." in text
    assert "Điều 3." not in text


def test_number_and_place_date_share_one_baseline(context: dict) -> None:
    lines = _lines_with_y(_render("quyet_dinh", context), 0)
    number = [y for y, t in lines if t.startswith("Số:")]
    place = [y for y, t in lines if t.startswith("Sơn La, ngày")]
    assert len(number) == 1 and len(place) == 1
    assert number[0] == pytest.approx(place[0], abs=0.5)


def test_table_header_repeats_on_every_page(context: dict) -> None:
    long = copy.deepcopy(context)
    long["draft"] = False
    block = long["blocks"][0]
    block["units"] = [
        {**block["units"][0], "index": str(i), "rank": str(i), "name": f"Xã Số {i}"}
        for i in range(1, 121)
    ]
    reader = _render("phu_luc", long)
    assert len(reader.pages) >= 3
    for index, page in enumerate(reader.pages):
        text = page.extract_text()
        assert "Tên đơn vị" in text and "Xếp loại" in text, index
    assert _top_margin_text(reader, 0) == ""
    assert _top_margin_text(reader, 1).endswith("2")
    assert "Xã Số 120" in _words(reader)


@pytest.mark.parametrize("char", ["\u4e2d", "\U0001F600", "\u0e01"])
def test_any_string_of_the_context_is_checked_for_glyphs(context: dict, char: str) -> None:
    broken = copy.deepcopy(context)
    broken["decision"]["recipients"][0] = f"- Bộ Nội vụ {char};"
    with pytest.raises(RenderError, match=rf"U\+{ord(char):04X}.*decision\.recipients\[0\]"):
        pdf.render(template_path("quyet_dinh", "docx"), broken, META)


def test_template_mistakes_are_template_errors(context: dict) -> None:
    missing_key = copy.deepcopy(context)
    del missing_key["decision"]["executors"]
    with pytest.raises(TemplateError, match="executors"):
        pdf.render(template_path("quyet_dinh", "docx"), missing_key, META)
    with pytest.raises(TemplateError):
        pdf.render(template_path("quyet_dinh", "docx").with_name("nope.docx"), context, META)


def test_same_bytes_twice_in_one_process(context: dict) -> None:
    first = pdf.render(template_path("bao_cao", "docx"), context, META)
    assert first.startswith(b"%PDF-")
    assert first == pdf.render(template_path("bao_cao", "docx"), context, META)


def _all_fonts(reader: PdfReader) -> set[str]:
    """The fonts of the pages and of the form XObjects drawn on them (SVG pictures)."""
    names: set[str] = set()

    def visit(resources) -> None:
        resources = resources.get_object() if resources is not None else {}
        for font in (resources.get("/Font") or {}).values():
            names.add(str(font.get_object()["/BaseFont"]))
        for xobject in (resources.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form":
                visit(xobject.get("/Resources"))

    for page in reader.pages:
        visit(page.get("/Resources"))
    return names


def test_chart_labels_are_text_in_the_bundled_font_only(context: dict) -> None:
    reader = _render("bao_cao", context)
    fonts = _all_fonts(reader)
    assert fonts and all("LiberationSerif-Docgen" in name for name in fonts), fonts
    text = "".join(page.extract_text() for page in reader.pages).replace("\n", "")
    chart = context["blocks"][0]["charts"]["ranking"]
    for label in [*chart["labels"], *chart["band_names"][:1]]:
        assert label.replace(" ", "") in text.replace(" ", ""), label  # selectable text


def test_every_character_of_a_chart_is_checked_for_glyphs(context: dict, monkeypatch) -> None:
    """Tick values come from matplotlib, not from the context: the SVG's own text is
    checked too."""
    from docgen.render import charts

    drawn = charts.svg

    def with_a_foreign_tick(chart, family=charts.FAMILY):
        return drawn(chart, family).replace(">100</text>", ">100\u4e2d</text>", 1)

    monkeypatch.setattr(charts, "svg", with_a_foreign_tick)
    with pytest.raises(RenderError, match=r"U\+4E2D.*biểu đồ 1"):
        pdf.render(template_path("bao_cao", "docx"), context, META)


def test_chart_text_in_a_family_other_than_the_bundled_one_is_refused(
        context: dict, monkeypatch) -> None:
    """A chart whose text named any other family would be set in a system font: the
    check of the fonts used after layout covers the pictures too."""
    from docgen.render import charts

    drawn = charts.svg
    monkeypatch.setattr(charts, "svg", lambda chart, family=charts.FAMILY: drawn(chart, "serif"))
    with pytest.raises(RenderError, match="phông khác"):
        pdf.render(template_path("bao_cao", "docx"), context, META)

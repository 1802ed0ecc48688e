"""The two-round fixture through the real CLI: Sơn La 2023 with its 2022 round beside it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from extract import (SON_LA_2023, chart_texts, docx_and_pdf_text, docx_text, flat, pdf_pages,
                     render_with_cli, run_cli, squash, without_charts)
from PIL import Image

pytestmark = pytest.mark.e2e

FACTS = [
    # year over year, sở block
    "Tổng điểm trung bình của các sở đạt: 85,97/100 điểm, giảm 5,22 điểm so với năm 2022",
    "không có đơn vị nào (giảm 01 đơn vị so với năm 2022)",
    "trong đó đơn vị tăng nhiều bậc nhất là Sở Kế hoạch và Đầu tư (tăng 08 bậc)",
    "- Có 01 đơn vị tăng điểm so với năm 2022: Sở Lao động, Thương binh và Xã hội "
    "(tăng 0,15 điểm)",
    "Có 01 đơn vị lần đầu được đánh giá năm 2023, không so sánh với năm 2022: "
    "Ban Quản lý các khu công nghiệp tỉnh",
    # huyện block: a tie for the largest move down
    "trong đó các đơn vị giảm nhiều bậc nhất là UBND huyện Mai Sơn, UBND huyện Sốp Cộp "
    "(giảm 03 bậc)",
    # per field, with a tie for the best
    "các đơn vị đạt điểm cao nhất: Ban Dân tộc tỉnh, Ban Quản lý các khu công nghiệp tỉnh "
    "(10,5 điểm)",
    "(Biểu số 2, Biểu đồ 3)",
    "Biểu đồ 2. Chỉ số CCHC của từng đơn vị thuộc khối sở: năm 2023 (màu xanh) so với năm "
    "2022 (màu xám)",
]


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render_with_cli(SON_LA_2023, tmp_path_factory.mktemp("son-la-2023"))


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_section_three_states_the_comparison_and_the_fields(package: Path, fmt: str) -> None:
    data = (package / f"bao_cao.{fmt}").read_bytes()
    text = flat(docx_text(data) if fmt == "docx" else " ".join(pdf_pages(data)))
    missing = [fact for fact in FACTS if fact not in text]
    assert not missing


@pytest.mark.parametrize("kind", ["bao_cao", "phu_luc"])
def test_docx_and_pdf_say_the_same_thing(package: Path, kind: str) -> None:
    from docgen.model.loader import load_dossier

    labels = chart_texts(load_dossier(SON_LA_2023)) if kind == "bao_cao" else []
    docx, pdf = docx_and_pdf_text((package / f"{kind}.docx").read_bytes(),
                                  (package / f"{kind}.pdf").read_bytes(), labels)
    # header rows repeat on each PDF page, once per table in the DOCX; two kinds of table
    heads = set(re.findall(squash("STT Tên đơn vị") + ".*?" + squash("Xếp loại"), docx))
    assert len(heads) == (2 if kind == "phu_luc" else 0)
    for head in heads:
        docx, pdf = docx.replace(head, ""), pdf.replace(head, "")
    assert docx == pdf


def test_the_appendix_has_the_field_tables(package: Path) -> None:
    text = flat(docx_text((package / "phu_luc.docx").read_bytes()))
    for title in ("Biểu số 1. Kết quả xếp hạng khối sở",
                  "Biểu số 2. Điểm các lĩnh vực của khối sở",
                  "Biểu số 3. Kết quả xếp hạng khối huyện",
                  "Biểu số 4. Điểm các lĩnh vực của khối huyện",
                  "TĐG: điểm tự đánh giá; TĐ: điểm thẩm định.",
                  "LV8: Tác động của cải cách hành chính đến người dân, tổ chức "
                  "(tối đa 10,5 điểm)."):
        assert title in text
    # unit 1: its TĐG line with rank and band (cells merged over both lines), then its
    # TĐ line
    assert ("1 Sở Giao thông vận tải TĐG 11,18 10,25 14,00 12,42 11,74 11,06 16,87 10,50 "
            "98,02 1 A TĐ 10,74 9,91 13,55 12,09 11,55 10,95 16,73 9,92 95,44") in text
    assert ("Trung bình TĐG 8,20 9,83 12,17 11,97 11,25 10,71 14,04 10,00 88,16 "
            "TĐ 7,91 9,59 11,92 11,72 10,94 10,48 13,74 9,67 85,97") in text


def test_the_docx_carries_six_sharp_charts(package: Path) -> None:
    import io
    import zipfile

    with zipfile.ZipFile(package / "bao_cao.docx") as archive:
        images = [n for n in archive.namelist() if n.startswith("word/media/")]
        assert len(images) == 6
        for name in images:
            image = Image.open(io.BytesIO(archive.read(name)))
            assert image.width >= 1259 and round(image.info["dpi"][0]) >= 200


def test_the_same_dossier_gives_the_same_bytes(package: Path, tmp_path: Path) -> None:
    done = run_cli("render", SON_LA_2023, "-o", tmp_path)
    assert done.returncode == 0, done.stderr
    for path in tmp_path.iterdir():
        assert path.read_bytes() == (package / path.name).read_bytes(), path.name


def test_a_previous_round_given_by_the_caller_with_no_unit_in_common() -> None:
    """The archive may hand over a previous round: here one whose huyện block shares no
    unit name with this year's, and whose sở block shares some."""
    from docgen.model.loader import load_dossier
    from docgen.pipeline import render_package

    current = load_dossier(SON_LA_2023, with_previous=False)
    other = load_dossier(SON_LA_2023.parent / "son-la-2025.yaml")
    data = other.model_dump()
    data["year"], data["blocks"][1]["name"] = 2021, "Khối Huyện"
    previous = type(other).model_validate(data)
    documents = {d.filename: d.data for d in render_package(current, kinds=["bao_cao"],
                                                            previous=previous)}
    docx = docx_text(documents["bao_cao.docx"])
    pdf = "".join(pdf_pages(documents["bao_cao.pdf"], skip_top_mm=20))
    assert squash(docx) == without_charts(pdf, chart_texts(current, previous))
    huyen = flat(docx[docx.index("2. Đối với khối huyện"):])
    assert "So sánh được 00 đơn vị có kết quả cả hai năm. Có 12 đơn vị lần đầu" in huyen
    assert "- Không có đơn vị nào tăng điểm so với năm 2021." in huyen
    assert "- Không có đơn vị nào giữ bậc so với năm 2021." in huyen
    # charts: sở index, sở comparison, sở fields, huyện index, huyện fields; no empty chart
    assert "Biểu đồ 5. Điểm trung bình từng lĩnh vực của khối huyện" in flat(docx)
    assert "Biểu đồ 6" not in docx


def test_in_word_a_units_tdg_line_keeps_with_its_td_line(package: Path) -> None:
    from docx import Document
    from docx.oxml.ns import qn

    table = Document(str(package / "phu_luc.docx")).tables[1]  # Biểu số 2, khối sở
    kinds = {}
    for row in table.rows[1:]:
        kind = row.cells[2].text
        # the STT cell's own paragraph carries it (a row variant chosen by ``r.kind``: a
        # Jinja choice in the style attribute would not survive a LibreOffice save); on the
        # TĐ line that cell continues the TĐG line's (w:vMerge)
        stt = row._tr.tc_lst[0]
        merge = stt.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
        keep = {row.cells[0].paragraphs[0].style.paragraph_format.keep_with_next,
                None if merge is None else merge.get(qn("w:val"), "continue")}
        kinds.setdefault(kind, set()).update(keep)
    assert kinds == {"TĐG": {True, "restart"}, "TĐ": {True, "continue"}}

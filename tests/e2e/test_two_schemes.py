"""A two-scheme round read from a workbook (Hà Tĩnh 2024, synthetic): the khối sở and the
khối huyện have different lĩnh vực and maxima, and render as one package."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from extract import ROOT, docx_text, flat, pdf_pages, run_cli

from docgen.compute.results import compute_round
from docgen.model.loader import load_dossier
from docgen.model.sources import read_units
from docgen.pipeline import export_workbook

pytestmark = pytest.mark.e2e
HA_TINH = ROOT / "fixtures" / "ha-tinh-2024.yaml"
WORKBOOK = "fixtures/ha-tinh-2024-diem.xlsx"

#: Cải cách thủ tục hành chính, by hand from the sheet's TĐ columns:
#: sở 11,23 + 10,95 + 10,66 + 10,57 + 10,30 + 10,10 + 9,97 + 9,37 = 83,15; / 8 = 10,39375
#:   -> 10,39 of 12 points; 10,39 / 12 = 86,583 % -> 86,58 %
#: huyện 10,37 + 9,84 + 9,68 + 9,76 + 9,68 + 9,57 + 9,75 + 9,13 + 9,14 + 8,79 + 9,01 + 8,53
#:   + 8,44 = 121,69; / 13 = 9,3608 -> 9,36 of 11 points; 9,36 / 11 = 85,09 %
FACTS = [
    "Cải cách thủ tục hành chính: điểm trung bình đạt 10,39/12 điểm (86,58% điểm tối đa",
    "Cải cách thủ tục hành chính: điểm trung bình đạt 9,36/11 điểm (85,09% điểm tối đa",
    # only the huyện set has this field (11 points): see the test below
    "Tác động của CCHC đến người dân, tổ chức: điểm trung bình đạt 9,41/11 điểm",
    # the sở set gives 15 points to chính quyền số, the huyện set 12
    "Xây dựng, phát triển chính quyền điện tử, chính quyền số: điểm trung bình đạt 13,07/15",
    "Xây dựng, phát triển chính quyền điện tử, chính quyền số: điểm trung bình đạt 10,28/12",
]


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("ha-tinh")
    done = run_cli("render", "fixtures/ha-tinh-2024.yaml", "-o", out)
    assert done.returncode == 0, done.stderr
    return out, done.stderr


def test_each_block_has_its_own_lines_per_field(package: tuple[Path, str]) -> None:
    """Cải cách thủ tục hành chính is 12 points for a sở and 11 for a huyện."""
    out, _ = package
    for fmt in ("docx", "pdf"):
        data = (out / f"bao_cao.{fmt}").read_bytes()
        text = flat(docx_text(data) if fmt == "docx" else " ".join(pdf_pages(data)))
        missing = [fact for fact in FACTS if fact not in text]
        assert not missing, fmt


def test_the_huyen_only_field_average_by_hand() -> None:
    """Tác động của CCHC: 10,41 + 9,71 + 9,59 + 9,73 + 9,61 + 9,59 + 9,33 + 9,15 + 9,66 + 9,40
    + 9,40 + 8,63 + 8,16 = 122,37; / 13 = 9,4131 -> 9,41; the sở block has no such field."""
    dossier = load_dossier(HA_TINH)
    result = compute_round(dossier)
    so, huyen = result.blocks
    assert [f.key for f in so.fields] == ["chi_dao", "the_che", "tthc", "bo_may", "cong_vu",
                                          "tai_chinh", "cq_so"]
    assert [f.max for f in so.fields] == [Decimal(m) for m in (10, 7, 12, 8, 10, 8, 15)]
    assert [f.max for f in huyen.fields] == [Decimal(m) for m in (8, 5, 11, 7, 10, 6, 12, 11)]
    assert huyen.fields[-1].key == "tac_dong" and huyen.fields[-1].average == Decimal("9.41")
    assert so.average == Decimal("86.04")  # 688,34 / 8 = 86,0425
    assert huyen.average == Decimal("84.23")  # 1.095,01 / 13 = 84,2315


def test_the_phu_luc_tables_follow_each_blocks_scheme(package: tuple[Path, str]) -> None:
    """Each block's Biểu lists its own lĩnh vực with its own maxima, sở first."""
    out, _ = package
    text = docx_text((out / "phu_luc.docx").read_bytes())
    legends = [line for line in text.splitlines() if line.startswith("LV") and ":" in line]
    assert legends[2] == "LV3: Cải cách thủ tục hành chính (tối đa 12 điểm)."
    assert legends[7 + 2] == "LV3: Cải cách thủ tục hành chính (tối đa 11 điểm)."
    assert legends[-1] == "LV8: Tác động của CCHC đến người dân, tổ chức (tối đa 11 điểm)."
    assert len(legends) == 7 + 8


def test_the_export_has_each_blocks_columns_and_reads_back(tmp_path: Path) -> None:
    dossier = load_dossier(HA_TINH)
    path = tmp_path / "ket-qua.xlsx"
    path.write_bytes(export_workbook(dossier))
    for index, block in enumerate(dossier.blocks):
        units, claims = read_units(path, dossier.scheme_of(index), sheet=block.name)
        assert [u["name"] for u in units] == [u.name for u in sorted(
            block.units, key=lambda u: -sum(u.scores.values()))]
        assert {k for u in units for k in u["fields"]} == {
            f.key for f in dossier.scheme_of(index).fields}
        assert claims.summaries and claims.summaries[0].label == "Trung bình"


SHEET_WARNINGS = [
    f"Cảnh báo: {WORKBOOK}, trang tính 'Khối sở', ô C13 (dòng 'Trung bình', cột '1. Công tác "
    "chỉ đạo, điều hành CCHC (10 điểm)'): bảng ghi điểm trung bình 8,66; tính được 8,67",
    f"Cảnh báo: {WORKBOOK}, trang tính 'Khối huyện', ô N10 (Thị xã Kỳ Anh): bảng ghi xếp hạng "
    "5; tính được 6; 7 dòng sau cũng lệch theo dòng này (mỗi dòng ghi nhỏ hơn 1 bậc)",
    f"Cảnh báo: {WORKBOOK}, trang tính 'Khối huyện', ô M18 (dòng 'TB', cột 'Tổng điểm'): bảng "
    "ghi điểm trung bình 84,32; tính được 84,23",
]
RENAME = ("Cảnh báo: fixtures/ha-tinh-2024.yaml: khối huyện: 'Huyện Hương Khe' (năm 2024) và "
          "'Huyện Hương Khê' (năm 2023) có thể là một đơn vị (chỉ khác dấu); docgen không ghép "
          "theo phỏng đoán: nếu đúng là một đơn vị, thêm vào 'kỳ trước › ánh xạ' dòng "
          "\"Huyện Hương Khe\": \"Huyện Hương Khê\", nếu không thì sửa tên cho đúng")


def _warnings(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("Cảnh báo: ")]


def test_render_prints_each_warning_once(package: tuple[Path, str]) -> None:
    _, stderr = package
    assert _warnings(stderr) == [*SHEET_WARNINGS, RENAME]


def test_check_prints_the_warnings_and_the_year_over_year_summary() -> None:
    done = run_cli("check", "fixtures/ha-tinh-2024.yaml")
    assert done.returncode == 0, done.stderr
    assert _warnings(done.stderr) == [*SHEET_WARNINGS, RENAME]
    # khối huyện: 1.095,01 / 13 = 84,23 this year; 2023's 12 totals (Hương Khê included)
    # add to 1.082,33 (/ 13 = 83,2562 -> 83,26): up 0,97
    assert ("  So với năm 2023: điểm trung bình 83,26 → 84,23 (tăng 0,97); 12 đơn vị so sánh "
            "được: 09 tăng điểm, 03 giảm điểm; 04 tăng hạng, 04 giữ hạng, 04 giảm hạng"
            ) in done.stdout.splitlines()
    assert "  Chưa có kết quả năm 2023 (01): Huyện Hương Khe" in done.stdout.splitlines()


def test_import_of_one_sheet_gives_that_sheets_warnings_and_the_rename() -> None:
    done = run_cli("import", WORKBOOK, "--sheet", "Khối huyện", "-d", "fixtures/ha-tinh-2024.yaml")
    assert done.returncode == 0, done.stderr
    assert _warnings(done.stderr) == [*SHEET_WARNINGS[1:], RENAME]
    assert '{tên đơn vị: "Huyện Hương Khe", điểm thành phần: {tham_dinh: 58.4' in done.stdout

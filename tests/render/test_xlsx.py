"""The Excel export: numbers as numbers with a decimal format, print-ready, reproducible,
and read back by the importer to exactly the units it came from."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from docgen.compute.results import compute_round
from docgen.model.dossier import Unit
from docgen.model.loader import load_dossier
from docgen.model.sources import read_units
from docgen.pipeline import export_workbook

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ["son-la-2025.yaml", "phu-yen-2022.yaml", "thanh-hoa-2024.yaml"]


@pytest.fixture(scope="module")
def thanh_hoa() -> tuple[object, openpyxl.Workbook, bytes]:
    dossier = load_dossier(ROOT / "fixtures" / "thanh-hoa-2024.yaml")
    data = export_workbook(dossier)
    return dossier, openpyxl.load_workbook(io.BytesIO(data)), data


def test_one_sheet_per_block_with_a_two_row_header(thanh_hoa) -> None:
    _, workbook, _ = thanh_hoa
    assert workbook.sheetnames == ["khối sở", "khối huyện"]
    sheet = workbook["khối huyện"]
    assert sheet["A1"].value.startswith("KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2024")
    assert [sheet.cell(3, c).value for c in (1, 2, 3)] == ["STT", "Tên đơn vị",
                                                          "Công tác chỉ đạo, điều hành CCHC"]
    assert [sheet.cell(4, c).value for c in (3, 4)] == ["TĐG", "TĐ"]
    assert "C3:D3" in {str(r) for r in sheet.merged_cells.ranges}
    last = [sheet.cell(3, c).value for c in range(19, 25)]
    assert last == ["Điểm tự đánh giá", "Điểm tự đánh giá, thẩm định",
                    "Điểm đánh giá qua điều tra xã hội học", "Tổng điểm", "Xếp hạng", "Xếp loại"]


def test_rows_in_rank_order_with_numbers_stored_as_numbers(thanh_hoa) -> None:
    _, workbook, _ = thanh_hoa
    sheet = workbook["khối huyện"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=5, max_row=20)]
    assert [r[0] for r in rows] == list(range(1, 17))
    assert rows[12][1] == "Huyện Bá Thước" and rows[12][22] == 13
    assert rows[13][1] == "Huyện Lang Chánh" and rows[13][21] == pytest.approx(79.12)
    assert rows[13][23] == "TRUNG BÌNH"
    total = sheet.cell(18, 22)  # Lang Chánh's total
    assert total.data_type == "n" and total.number_format == "0.00"
    assert sheet.cell(18, 23).number_format == "0"


def test_the_average_row_shows_the_computed_averages(thanh_hoa) -> None:
    """Khối huyện: the 16 totals add up to 1.345,60 (by hand), so the average is 84,10."""
    dossier, workbook, _ = thanh_hoa
    sheet = workbook["khối huyện"]
    assert sheet.cell(21, 1).value == "Trung bình"
    assert Decimal(str(sheet.cell(21, 22).value)) == Decimal("84.10")
    xhh = compute_round(dossier).blocks[1].component("xhh").average
    assert Decimal(str(sheet.cell(21, 21).value)) == xhh
    assert sheet.cell(21, 3).value is None  # no average of the self-assessment


def test_print_setup_frozen_header_and_widths(thanh_hoa) -> None:
    _, workbook, _ = thanh_hoa
    sheet = workbook["khối huyện"]
    assert sheet.freeze_panes == "C5"
    assert sheet.print_title_rows == "$3:$4"
    assert sheet.page_setup.paperSize == 9  # A4 in the OOXML paper-size table
    assert sheet.page_setup.orientation == "landscape"
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.column_dimensions["B"].width == 38


def test_same_dossier_same_bytes_and_no_clock(thanh_hoa) -> None:
    dossier, _, data = thanh_hoa
    assert export_workbook(dossier) == data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        core = archive.read("docProps/core.xml").decode()
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    # the decision has only a month ("2024-12"): no date at all, neither today nor the 1st
    assert "dcterms:created" not in core and "dcterms:modified" not in core
    assert "2024-12-01" not in core


@pytest.mark.parametrize("fixture", FIXTURES)
def test_importing_the_export_gives_back_the_same_units(fixture: str, tmp_path: Path) -> None:
    dossier = load_dossier(ROOT / "fixtures" / fixture)
    path = tmp_path / "ket-qua.xlsx"
    path.write_bytes(export_workbook(dossier))
    for block in dossier.blocks:
        units, _ = read_units(path, dossier.scheme, sheet=block.name)
        got = {u["name"]: Unit.model_validate(u) for u in units}
        # a total given beside its parts is redundant: it comes back as the parts only
        expected = {u.name: u.model_copy(update={"total": None}) if u.scores or u.fields else u
                    for u in block.units}
        assert got == expected

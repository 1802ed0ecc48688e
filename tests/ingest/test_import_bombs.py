"""Spreadsheets that are small on disk but ask for unbounded work, inside the file limits:
a merged range to the last cell of Excel, a CSV with one very wide row, a million rows,
a field past the csv module's own limit. Each is read within the bounds of docgen.bounds
(rows, columns, field size, as for .xlsx) or refused as bad input at the row concerned."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from docgen.errors import InputError
from docgen.ingest.read import read_file
from docgen.interfaces.cli import app

HEADER = "STT,Tên đơn vị,Tổng điểm\n"

runner = CliRunner()


def merged_bomb(tmp_path: Path, ref: str = "C3:XFD1048576") -> Path:
    """A real little score sheet whose XML merges `ref` (openpyxl cannot write it itself:
    merging that range in openpyxl is the out-of-memory the file causes)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Bảng 1"
    sheet.append(["STT", "Tên đơn vị", "Tổng điểm"])
    sheet.append([1, "Sở Nội vụ", 90.5])
    sheet.append([2, "Sở Y tế", 80])
    notes = workbook.create_sheet("Ghi chú")  # filler: the size of the attack's file
    for row in range(1, 260):
        notes.append([f"Ghi chú {row * 7919 % 10007}: chấm lại {row * 104729 % 997} điểm"])
    plain = io.BytesIO()
    workbook.save(plain)
    source = zipfile.ZipFile(io.BytesIO(plain.getvalue()))
    path = tmp_path / "bom-o-gop.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                merge = f'<mergeCells count="1"><mergeCell ref="{ref}"/></mergeCells>'.encode()
                data = data.replace(b"</sheetData>", b"</sheetData>" + merge)
            target.writestr(info, data)
    return path


def refused(path: Path) -> str:
    with pytest.raises(InputError) as caught:
        read_file(path)
    assert len(caught.value.problems) == 1
    return caught.value.problems[0].message


def test_a_merged_range_to_the_last_cell_is_clipped_to_the_sheet(tmp_path: Path) -> None:
    path = merged_bomb(tmp_path)
    assert 8_000 <= path.stat().st_size <= 9_500  # the attack's 8,7 KB
    sheet = read_file(path, "Bảng 1")
    assert [[c.text for c in row] for row in sheet.rows] == [
        ["STT", "Tên đơn vị", "Tổng điểm"], ["1", "Sở Nội vụ", "90.5"], ["2", "Sở Y tế", "80"]]


def test_a_merged_range_inside_the_sheet_is_kept(tmp_path: Path) -> None:
    sheet = read_file(merged_bomb(tmp_path, "B2:C2"), "Bảng 1")
    assert [c.text for c in sheet.rows[1]] == ["1", "Sở Nội vụ", "Sở Nội vụ"]


def test_docgen_import_reads_the_merged_bomb_sheet(tmp_path: Path) -> None:
    done = runner.invoke(app, ["import", str(merged_bomb(tmp_path)), "--sheet", "Bảng 1"])
    assert done.exit_code == 0, done.output
    assert '  - {tên đơn vị: "Sở Nội vụ", tổng điểm: 90.5}' in done.output


def test_a_csv_with_one_very_wide_row_is_refused_at_that_row(tmp_path: Path) -> None:
    path = tmp_path / "rong.csv"
    path.write_text(HEADER + "1,Sở Nội vụ,90\n" + ",".join(["1"] * 500_000) + "\n",
                    encoding="utf-8")
    assert path.stat().st_size >= 1_000_000
    assert refused(path) == f"{path}: dòng 3: cần tối đa 200 cột; nhận được 500.000 cột"


def test_empty_cells_at_the_end_of_a_row_are_not_columns(tmp_path: Path) -> None:
    path = tmp_path / "thua-dau-phay.csv"
    path.write_text(HEADER + "1,Sở Nội vụ,90" + "," * 5000 + "\n", encoding="utf-8")
    assert [c.text for c in read_file(path).rows[1]] == ["1", "Sở Nội vụ", "90"]


def test_the_row_limit_applies_to_csv(tmp_path: Path) -> None:
    path = tmp_path / "trieu-dong.csv"
    path.write_bytes(HEADER.encode() + b"1,x,9\n" * 1_000_000)
    assert path.stat().st_size < 20 * 2**20  # within the file size limit
    assert refused(path) == f"{path}: tệp: cần tối đa 20.000 dòng; nhận được hơn 20.000 dòng"
    ok = tmp_path / "du-dong.csv"
    ok.write_text(HEADER + "".join(f"{i},Đơn vị {i},90\n" for i in range(19_999)),
                  encoding="utf-8")
    assert len(read_file(ok).rows) == 20_000


@pytest.mark.parametrize("length", [40_000, 131_073, 500_000])
def test_a_huge_csv_field_is_refused_not_a_traceback(tmp_path: Path, length: int) -> None:
    path = tmp_path / "o-dai.csv"
    path.write_text(HEADER + f'1,"Sở {"x" * (length - 3)}",90\n', encoding="utf-8")
    shown = "hơn 32.767" if length > 131_072 else f"{length:,}".replace(",", ".")
    assert refused(path) == (f"{path}: dòng 2: cần mỗi ô tối đa 32.767 ký tự; nhận được một ô "
                             f"{shown} ký tự")
    done = runner.invoke(app, ["import", str(path)])
    assert done.exit_code == 2 and "Traceback" not in done.output
    assert "cần mỗi ô tối đa 32.767 ký tự" in done.output

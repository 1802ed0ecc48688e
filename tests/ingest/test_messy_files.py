"""Files real offices produce are read to the same units: encodings, delimiters, stray text.

Each file of tests/ingest/messy/ holds the same three units (made by
tools/make_bad_inputs.py); whatever its encoding or delimiter, docgen must read exactly
these names, in NFC, and these totals.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest

from docgen.model.loader import load_dossier
from docgen.model.sources import read_units


def _scheme():
    return load_dossier(Path(__file__).parents[2] / "fixtures" / "thanh-hoa-2024.yaml").scheme

HERE = Path(__file__).parent
EXPECTED = [{"name": "Huyện Lang Chánh", "total": Decimal("79.12")},
            {"name": "Thị xã Nghi Sơn", "total": Decimal("88.65")},
            {"name": "Huyện Mường Lát", "total": Decimal("75.40")}]

CASES = [
    ("utf8-bom.csv", []),
    ("semicolon-decimal-comma.csv", ["dấu phân cách cột ';'"]),
    ("utf16-tab.csv", ["đọc theo bảng mã UTF-16", "dấu phân cách cột là tab"]),
    ("windows-1258.csv", ["đọc theo bảng mã Windows-1258"]),
    ("tcvn3.csv", ["chuyển bảng mã TCVN3 sang Unicode"]),
    ("tcvn3.xlsx", ["chuyển bảng mã TCVN3 sang Unicode"]),
    ("vni.csv", ["chuyển bảng mã VNI sang Unicode"]),
    ("vni.xlsx", ["chuyển bảng mã VNI sang Unicode"]),
    ("nfd-text.xlsx", []),
    ("control-characters.csv", []),
    ("text-numbers-nbsp.xlsx", []),
]


def test_every_messy_file_has_a_case() -> None:
    assert sorted(p.name for p in (HERE / "messy").iterdir()) == sorted(
        [n for n, _ in CASES] + ["formula-cached.xlsx"])


def test_a_formula_is_read_by_the_value_excel_cached() -> None:
    """C2 holds =60+5.4 with its cached 65.4; the other cells are plain numbers."""
    units, _ = read_units(HERE / "messy" / "formula-cached.xlsx", _scheme())
    assert units[0] == {"name": "Sở Nội vụ",
                        "scores": {"tham_dinh": Decimal("65.4"), "xhh": Decimal("27.72")}}
    assert [u["name"] for u in units] == ["Sở Nội vụ", "Sở Tư pháp", "Sở Y tế"]


@pytest.mark.parametrize(("name", "notes"), CASES, ids=[c[0] for c in CASES])
def test_messy_file_reads_to_the_same_units(name: str, notes: list[str], scheme) -> None:
    units, claims = read_units(HERE / "messy" / name, scheme)
    assert units == EXPECTED
    assert all(unicodedata.is_normalized("NFC", u["name"]) for u in units)
    assert claims.notes == notes


def test_the_legacy_files_really_are_legacy() -> None:
    """The TCVN3 file is not UTF-8 and shows the font's look-alikes when read as Latin-1."""
    raw = (HERE / "messy" / "tcvn3.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert "HuyÖn Lang Ch¸nh" in raw.decode("latin-1")
    assert "Huyeän Lang Chaùnh" in (HERE / "messy" / "vni.csv").read_bytes().decode("latin-1")


def test_the_first_visible_worksheet_is_read_by_default(tmp_path: Path, scheme) -> None:
    """A hidden sheet comes first; the table is on the next one."""
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.title = "Ẩn"
    workbook.active.sheet_state = "hidden"
    table = workbook.create_sheet("Bảng")
    for row in (["STT", "Tên đơn vị", "Tổng điểm"], [1, "Huyện A", 80]):
        table.append(row)
    workbook.save(tmp_path / "b.xlsx")
    units, claims = read_units(tmp_path / "b.xlsx", scheme)
    assert units == [{"name": "Huyện A", "total": Decimal(80)}]
    assert claims.place == "trang tính 'Bảng'"

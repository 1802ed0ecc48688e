"""A sheet's own totals, ranks and bands are compared with docgen's: every disagreement named."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from docgen.claims import check_claims
from docgen.compute.results import compute_round
from docgen.model.loader import read_dossier

ROOT = Path(__file__).resolve().parents[2]
THANH_HOA = ROOT / "fixtures" / "thanh-hoa-2024.yaml"
WORKBOOK = "fixtures/thanh-hoa-2024-diem.xlsx"


def _messages(path: Path) -> list[str]:
    dossier, sheets = read_dossier(path)
    return [d.message for d in check_claims(compute_round(dossier), sheets)]


def test_the_mistakes_typed_into_the_fixture_are_all_found(monkeypatch) -> None:
    """Khối huyện totals, by hand: Lang Chánh 79,12 has 12 units above 80 and Bá Thước's
    79,85 above it, so it ranks 14th (the sheet says 13) and Bá Thước 13th (the sheet says
    14); Như Thanh's 78,03 is below 80, so TRUNG BÌNH, not TỐT; Ban Quản lý KKT Nghi Sơn's
    parts add up to 88,51, not the 88,15 typed as its total."""
    monkeypatch.chdir(ROOT)
    assert _messages(Path("fixtures/thanh-hoa-2024.yaml")) == [
        f"{WORKBOOK}, trang tính 'Bảng 1', ô F8 (Ban Quản lý KKT Nghi Sơn & các KCN): "
        "bảng ghi tổng điểm 88,15; tính được 88,51",
        f"{WORKBOOK}, trang tính 'Bảng 2', ô W19 (Huyện Lang Chánh): "
        "bảng ghi xếp hạng 13; tính được 14",
        f"{WORKBOOK}, trang tính 'Bảng 2', ô W20 (Huyện Bá Thước): "
        "bảng ghi xếp hạng 14; tính được 13",
        f"{WORKBOOK}, trang tính 'Bảng 2', ô X21 (Huyện Như Thanh): bảng ghi xếp loại 'TỐT'; "
        "tính được 'TRUNG BÌNH'",
    ]


def _csv_dossier(tmp_path: Path, rows: str) -> Path:
    (tmp_path / "diem.csv").write_text("STT;Tên đơn vị;Tổng điểm;Xếp hạng;Xếp loại\n" + rows,
                                       encoding="utf-8")
    text = (ROOT / "fixtures" / "phu-yen-2022.yaml").read_text(encoding="utf-8")
    start = text.index("    đơn vị:\n")
    end = text.index("\n\n", start)
    path = tmp_path / "d.yaml"
    path.write_text(text[:start] + "    nguồn: {tệp: diem.csv}" + text[end:], encoding="utf-8")
    return path


def test_agreeing_claims_give_no_warning(tmp_path: Path) -> None:
    """Band written "nhóm b" or "B", ranks dense (Phù Yên), a tie: all agree."""
    path = _csv_dossier(tmp_path, "1;Xã A;75,5;1;nhóm b\n2;Xã B;75,50;1;B\n3;Xã C;40;2;Nhóm D\n")
    assert _messages(path) == []


def test_a_total_is_the_input_when_the_sheet_has_nothing_else(tmp_path: Path) -> None:
    """With only a total column the total is read, not compared."""
    path = _csv_dossier(tmp_path, "1;Xã A;75,5;1;C\n2;Xã B;80;2;B\n")
    dossier, _ = read_dossier(path)
    assert [u.total for u in dossier.blocks[0].units] == [Decimal("75.5"), Decimal("80")]
    assert _messages(path) == [
        f"{tmp_path / 'diem.csv'}, ô D2 (Xã A): bảng ghi xếp hạng 1; tính được 2",
        f"{tmp_path / 'diem.csv'}, ô E2 (Xã A): bảng ghi xếp loại 'C'; tính được 'B'",
        f"{tmp_path / 'diem.csv'}, ô D3 (Xã B): bảng ghi xếp hạng 2; tính được 1",
    ]

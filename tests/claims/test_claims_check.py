"""A sheet's own totals, ranks and bands are compared with docgen's: every disagreement named."""

from __future__ import annotations

from decimal import Decimal

import pytest
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


HA_TINH_WORKBOOK = "fixtures/ha-tinh-2024-diem.xlsx"


def test_the_two_scheme_workbooks_mistakes_each_once(monkeypatch) -> None:
    """By hand from the sheet: the sở lĩnh vực 1 TĐ values 9,22 + 9,22 + 9,18 + 8,88 + 8,58
    + 8,53 + 7,80 + 7,91 = 69,32; / 8 = 8,665 -> 8,67 (the sheet truncated it to 8,66); its
    lĩnh vực 5 average 70,40 / 8 = 8,80 typed "8,8" agrees. Huyện totals add to 1.095,01;
    / 13 = 84,2315 -> 84,23 (the "TB" row says 84,32). Thị xã Kỳ Anh (85,97) is 6th and the
    sheet says 5, the rank of the row above; the seven rows after it say 6…12 for 7…13."""
    monkeypatch.chdir(ROOT)
    assert _messages(Path("fixtures/ha-tinh-2024.yaml")) == [
        f"{HA_TINH_WORKBOOK}, trang tính 'Khối sở', ô C13 (dòng 'Trung bình', cột '1. Công "
        "tác chỉ đạo, điều hành CCHC (10 điểm)'): bảng ghi điểm trung bình 8,66; tính được 8,67",
        f"{HA_TINH_WORKBOOK}, trang tính 'Khối huyện', ô N10 (Thị xã Kỳ Anh): bảng ghi xếp "
        "hạng 5; tính được 6; 7 dòng sau cũng lệch theo dòng này (mỗi dòng ghi nhỏ hơn 1 bậc)",
        f"{HA_TINH_WORKBOOK}, trang tính 'Khối huyện', ô M18 (dòng 'TB', cột 'Tổng điểm'): "
        "bảng ghi điểm trung bình 84,32; tính được 84,23",
    ]


def _parts_dossier(tmp_path: Path, rows: str) -> Path:
    """The Sơn La 2025 dossier whose khối sở is read from a CSV with components (70 + 30)."""
    (tmp_path / "diem.csv").write_text(
        "STT;Tên đơn vị;Điểm thẩm định;Điều tra XHH;Tổng điểm;Xếp hạng\n" + rows,
        encoding="utf-8")
    text = (ROOT / "fixtures" / "son-la-2025.yaml").read_text(encoding="utf-8")
    start = text.index("    đơn vị:\n")
    end = text.index("\n  - tên khối", start)
    path = tmp_path / "d.yaml"
    path.write_text(text[:start] + "    nguồn: {tệp: diem.csv}" + text[end:], encoding="utf-8")
    return path


@pytest.mark.parametrize("label", ["Trung bình", "Điểm trung bình", "ĐTB", "Điểm TB", "TB"])
def test_an_average_row_is_never_a_unit_and_is_checked(tmp_path: Path, label: str) -> None:
    """By hand: appraisal 55 + 50 + 30 = 135, / 3 = 45; survey 25,25 + 20,30 + 30 = 75,55,
    / 3 = 25,1833 -> 25,18; totals 80,25 + 70,30 + 60,00 = 210,55, / 3 = 70,1833, which at
    the one decimal "70,2" shows is 70,2: it agrees. Then each cell typed wrong once."""
    path = _parts_dossier(tmp_path, "1;Xã A;55;25,25;80,25;1\n2;Xã B;50;20,3;70,3;2\n"
                                    "3;Xã C;30;30;60;3\n"
                                    f";{label};45;25,18;70,2;\n")
    dossier, _ = read_dossier(path)
    assert [u.name for u in dossier.blocks[0].units] == ["Xã A", "Xã B", "Xã C"]
    # survey: 25,25 + 20,30 + 30,00 = 75,55; / 3 = 25,1833 -> 25,18 (agrees);
    # appraisal: 55 + 50 + 30 = 135; / 3 = 45 (agrees)
    assert _messages(path) == []
    path = _parts_dossier(tmp_path, "1;Xã A;55;25,25;80,25;1\n2;Xã B;50;20,3;70,3;2\n"
                                    "3;Xã C;30;30;60;3\n"
                                    f";{label};45,1;25,19;70,1;\n")
    assert _messages(path) == [
        f"{tmp_path / 'diem.csv'}, ô C5 (dòng '{label}', cột 'Điểm thẩm định'): bảng ghi "
        "điểm trung bình 45,1; tính được 45,0",
        f"{tmp_path / 'diem.csv'}, ô D5 (dòng '{label}', cột 'Điều tra XHH'): bảng ghi điểm "
        "trung bình 25,19; tính được 25,18",
        f"{tmp_path / 'diem.csv'}, ô E5 (dòng '{label}', cột 'Tổng điểm'): bảng ghi điểm "
        "trung bình 70,1; tính được 70,2",
    ]


@pytest.mark.parametrize("label", ["Tổng cộng", "Cộng"])
def test_a_sum_row_is_checked_against_the_sum(tmp_path: Path, label: str) -> None:
    """55 + 50 + 30 = 135 (agrees); 25,25 + 20,30 + 30 = 75,55 (the sheet says 75,65)."""
    path = _parts_dossier(tmp_path, "1;Xã A;55;25,25;80,25;1\n2;Xã B;50;20,3;70,3;2\n"
                                    f"3;Xã C;30;30;60;3\n;{label};135;75,65;;\n")
    assert _messages(path) == [
        f"{tmp_path / 'diem.csv'}, ô D5 (dòng '{label}', cột 'Điều tra XHH'): bảng ghi tổng "
        "75,65; tính được 75,55"]


def test_a_wrong_total_explains_the_ranks_typed_from_it(tmp_path: Path) -> None:
    """Xã C's parts add to 60 but the sheet types 85 and ranks from that: Xã C first, A and
    B one lower. One warning, at the total; the ranks that follow from it are not repeated."""
    path = _parts_dossier(tmp_path, "1;Xã A;55;25,25;80,25;2\n2;Xã B;50;20,3;70,3;3\n"
                                    "3;Xã C;30;30;85;1\n")
    assert _messages(path) == [
        f"{tmp_path / 'diem.csv'}, ô E4 (Xã C): bảng ghi tổng điểm 85,00; tính được 60,00; "
        "xếp hạng của 3 đơn vị ghi theo tổng điểm sai này"]


def test_a_rank_skipped_shifts_the_rows_after_it_once(tmp_path: Path) -> None:
    """Ranks 1, 3, 4, 5 for 1, 2, 3, 4: the second row skipped one; one warning there."""
    path = _parts_dossier(tmp_path, "1;Xã A;60;30;90;1\n2;Xã B;55;25;80;3\n"
                                    "3;Xã C;50;20;70;4\n4;Xã D;45;15;60;5\n")
    assert _messages(path) == [
        f"{tmp_path / 'diem.csv'}, ô F3 (Xã B): bảng ghi xếp hạng 3; tính được 2; 2 dòng sau "
        "cũng lệch theo dòng này (mỗi dòng ghi lớn hơn 1 bậc)"]

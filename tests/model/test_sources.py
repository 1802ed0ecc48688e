"""Blocks that take their units from a spreadsheet (``nguồn``), through the dossier loader."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from docgen.errors import InputError
from docgen.model.loader import load_data, load_dossier, parse_text, read_dossier

ROOT = Path(__file__).resolve().parents[2]
THANH_HOA = ROOT / "fixtures" / "thanh-hoa-2024.yaml"
WORKBOOK = ROOT / "fixtures" / "thanh-hoa-2024-diem.xlsx"


def _dossier_with(tmp_path: Path, block_source: str, *, copy_workbook: bool = True) -> Path:
    """Return a copy of the Thanh Hóa dossier whose second block reads `block_source`."""
    text = THANH_HOA.read_text(encoding="utf-8")
    text = text.replace("    nguồn: {tệp: thanh-hoa-2024-diem.xlsx, trang tính: Bảng 2}",
                        block_source)
    if copy_workbook:
        (tmp_path / WORKBOOK.name).write_bytes(WORKBOOK.read_bytes())
    path = tmp_path / "dossier.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_units_come_from_both_sheets_of_the_workbook() -> None:
    dossier = load_dossier(THANH_HOA)
    departments, districts = dossier.blocks
    assert len(departments.units) == 10 and len(districts.units) == 16
    assert departments.source is not None and departments.source.sheet == "Bảng 1"
    nghi_son = departments.units[3]
    assert nghi_son.name == "Ban Quản lý KKT Nghi Sơn & các KCN"
    assert nghi_son.total is None  # the sheet's total is a claim, the parts are the input
    assert sum(nghi_son.scores.values()) == Decimal("88.51")
    lang_chanh = districts.units[12]
    assert lang_chanh.name == "Huyện Lang Chánh"
    assert sum(lang_chanh.scores.values()) == Decimal("79.12")
    assert sum(lang_chanh.fields.values()) == lang_chanh.scores["tham_dinh"]
    assert sum(lang_chanh.self_fields.values()) == lang_chanh.self_total
    assert set(lang_chanh.fields) == {"chi_dao", "the_che", "tthc", "bo_may", "cong_vu",
                                      "tai_chinh", "cq_so", "tac_dong"}
    assert districts.units[13].name == "Huyện Bá Thước"  # non-breaking space made plain


def test_text_typed_scores_read_as_numbers() -> None:
    """Row 3 of Bảng 1 (Văn phòng UBND tỉnh) has its appraisal typed as text "\u00a064,xx "."""
    unit = load_dossier(THANH_HOA).blocks[0].units[1]
    assert unit.name == "Văn phòng UBND tỉnh"
    assert sum(unit.scores.values()) == Decimal("91.48")


def test_the_claims_of_the_sheets_are_returned_with_their_cells() -> None:
    _, sheets = read_dossier(THANH_HOA)
    assert [(s.block, s.place) for s in sheets] == [(0, "trang tính 'Bảng 1'"),
                                                    (1, "trang tính 'Bảng 2'")]
    lang_chanh = sheets[1].units[12]
    assert (lang_chanh.name, lang_chanh.row) == ("Huyện Lang Chánh", 19)
    assert lang_chanh.claims["rank"].ref == "W19" and lang_chanh.claims["rank"].value == 13
    assert lang_chanh.claims["band"].value == "TRUNG BÌNH"
    assert lang_chanh.claims["total"].value == Decimal("79.12")


def test_a_block_cannot_have_both_units_and_a_source(tmp_path: Path) -> None:
    path = _dossier_with(tmp_path,
                         "    nguồn: {tệp: thanh-hoa-2024-diem.xlsx, trang tính: Bảng 2}\n"
                         "    đơn vị: [{tên đơn vị: A, tổng điểm: 90}]")
    with pytest.raises(InputError, match=r"khối thứ 2 \(khối huyện\) › nguồn: cần hoặc 'đơn vị' "
                                         r"hoặc 'nguồn', không cả hai"):
        load_dossier(path)


def test_a_dumped_dossier_with_its_units_and_a_null_source_loads_again(tmp_path: Path) -> None:
    """The archive keeps the validated dossier as JSON: every block has "source": null."""
    dossier = load_dossier(ROOT / "fixtures" / "son-la-2025.yaml")
    dumped = tmp_path / "dossier.json"
    dumped.write_text(dossier.model_dump_json(), encoding="utf-8")
    assert '"source":null' in dumped.read_text(encoding="utf-8")
    assert load_dossier(dumped) == dossier


def test_a_block_with_neither_is_refused(tmp_path: Path) -> None:
    path = _dossier_with(tmp_path, "    mô tả thêm: không")
    path.write_text(path.read_text(encoding="utf-8").replace("    mô tả thêm: không\n", ""),
                    encoding="utf-8")
    with pytest.raises(InputError, match=r"khối thứ 2 \(khối huyện\) › đơn vị: cần danh sách "
                                         r"đơn vị, hoặc 'nguồn'"):
        load_dossier(path)


def test_a_missing_workbook_is_named_relative_to_the_dossier(tmp_path: Path) -> None:
    path = _dossier_with(tmp_path, "    nguồn: {tệp: khong-co.xlsx}", copy_workbook=False)
    with pytest.raises(InputError) as caught:
        load_dossier(path)
    assert f"{tmp_path / 'khong-co.xlsx'}: tệp: cần một tệp bảng tính có thật; " \
           "nhận được không tìm thấy tệp" in str(caught.value)


def test_an_explicit_mapping_by_column_letters(tmp_path: Path) -> None:
    """Columns named by letter, first unit on row 7: only the name and the survey+TĐ totals."""
    path = _dossier_with(tmp_path,
                         "    nguồn: {tệp: thanh-hoa-2024-diem.xlsx, trang tính: Bảng 2,"
                         " dòng đầu: 7, cột: {B: tên đơn vị, T: điểm thành phần.tham_dinh,"
                         " U: điểm thành phần.xhh, X: xếp loại}}")
    dossier, sheets = read_dossier(path)
    units = dossier.blocks[1].units
    assert len(units) == 16 and units[12].name == "Huyện Lang Chánh"
    assert units[12].fields == {} and sum(units[12].scores.values()) == Decimal("79.12")
    assert set(sheets[1].units[12].claims) == {"band"}


def test_an_explicit_mapping_by_header_labels(tmp_path: Path) -> None:
    csv = tmp_path / "diem.csv"
    csv.write_text("Mã,Cơ sở được chấm,Kết quả cuối cùng\n1,Huyện A,\"81,5\"\n2,Huyện B,79\n",
                   encoding="utf-8")
    path = _dossier_with(tmp_path, "    nguồn: {tệp: diem.csv, cột: {Cơ sở được chấm: tên đơn vị, "
                                   "Kết quả cuối cùng: tổng điểm, Mã: bỏ qua}}")
    units = load_dossier(path).blocks[1].units
    assert [(u.name, u.total) for u in units] == [("Huyện A", Decimal("81.5")),
                                                  ("Huyện B", Decimal("79"))]


def test_an_unknown_mapping_target_is_named(tmp_path: Path) -> None:
    path = _dossier_with(tmp_path, "    nguồn: {tệp: thanh-hoa-2024-diem.xlsx, trang tính: Bảng 2,"
                                   " dòng đầu: 7, cột: {B: tên đơn vị, C: điểm số}}")
    with pytest.raises(InputError, match=r"nguồn › cột › 'C': cần tên đơn vị, tổng điểm"):
        load_dossier(path)


def test_a_survey_column_needs_a_survey_component(tmp_path: Path) -> None:
    csv = tmp_path / "diem.csv"
    csv.write_text("STT,Tên đơn vị,Điều tra XHH,Tổng điểm\n1,Huyện A,20,80\n", encoding="utf-8")
    text = (ROOT / "fixtures" / "phu-yen-2022.yaml").read_text(encoding="utf-8")
    start = text.index("    đơn vị:\n")
    end = text.index("\n\n", start)
    (tmp_path / "d.yaml").write_text(text[:start] + "    nguồn: {tệp: diem.csv}" + text[end:],
                                     encoding="utf-8")
    with pytest.raises(InputError, match=r"ô C1: cần thang điểm có 'thành phần điều tra'"):
        load_dossier(tmp_path / "d.yaml")


@pytest.mark.parametrize("file", ["../diem.csv", "/etc/passwd"])
def test_a_source_outside_the_dossier_folder_is_refused(tmp_path: Path, file: str) -> None:
    folder = tmp_path / "hoso"
    folder.mkdir()
    (tmp_path / "diem.csv").write_text("STT,Tên đơn vị,Tổng điểm\n1,Huyện A,80\n", encoding="utf-8")
    path = _dossier_with(folder, f"    nguồn: {{tệp: {file}}}", copy_workbook=True)
    with pytest.raises(InputError, match=r"khối thứ 2 \(khối huyện\) › nguồn › tệp: cần một tệp "
                                         r"trong thư mục của hồ sơ"):
        load_dossier(path)


def test_a_source_in_a_subfolder_is_read(tmp_path: Path) -> None:
    (tmp_path / "bang").mkdir()
    (tmp_path / "bang" / "diem.csv").write_text("STT,Tên đơn vị,Tổng điểm\n1,Huyện A,80\n"
                                                "2,Tên đơn vị,Tổng điểm\n", encoding="utf-8")
    path = _dossier_with(tmp_path, "    nguồn: {tệp: bang/diem.csv}")
    assert [u.name for u in load_dossier(path).blocks[1].units] == ["Huyện A"]


def test_two_columns_for_the_same_score_are_refused(tmp_path: Path) -> None:
    """"Điểm thẩm định" is the component the lĩnh vực add up to: a column with that
    component's own name beside it would say the same thing twice."""
    (tmp_path / "diem.csv").write_text(
        "STT,Tên đơn vị,Điểm thẩm định,\"Điểm tự đánh giá, thẩm định\",XHH\n"
        "1,Huyện A,60,61,25\n", encoding="utf-8")
    path = _dossier_with(tmp_path, "    nguồn: {tệp: diem.csv}")
    with pytest.raises(InputError, match=r"ô D1: cần mỗi điểm ở một cột duy nhất; nhận được cột "
                                         r"'Điểm tự đánh giá, thẩm định' và cột 'Điểm thẩm định' "
                                         r"cùng là 'điểm thành phần.tham_dinh'"):
        load_dossier(path)


def test_a_lien_vuc_the_scheme_does_not_have_is_named(tmp_path: Path) -> None:
    text = THANH_HOA.read_text(encoding="utf-8").replace(
        "tên: Cải cách tài chính công,", "tên: Cải cách tài chính,")
    (tmp_path / WORKBOOK.name).write_bytes(WORKBOOK.read_bytes())
    (tmp_path / "d.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_dossier(tmp_path / "d.yaml")
    assert str(caught.value) == (
        f"{tmp_path / WORKBOOK.name}: trang tính 'Bảng 2', ô M5: cần tên một lĩnh vực của thang "
        "điểm (các lĩnh vực: 'Công tác chỉ đạo, điều hành CCHC' (chi_dao), 'Xây dựng và tổ chức "
        "thực hiện văn bản QPPL' (the_che), 'Cải cách thủ tục hành chính' (tthc), 'Cải cách tổ "
        "chức bộ máy hành chính' (bo_may), 'Cải cách chế độ công vụ' (cong_vu), 'Cải cách tài "
        "chính' (tai_chinh), 'Xây dựng, phát triển chính quyền điện tử, chính quyền số' (cq_so), "
        "'Tác động của CCHC đến người dân, tổ chức' (tac_dong)); nhận được 'Cải cách tài chính "
        "công (7 điểm)'; hãy sửa tên trong thang điểm hoặc ghi rõ cột trong hồ sơ")


def test_without_a_folder_no_sheet_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A dossier that came from the service's clients has no folder: nothing is opened, even
    a workbook lying in the working folder, where a relative name would find it."""
    path = _dossier_with(tmp_path, "    nguồn: {trang tính: Bảng 2}")
    monkeypatch.chdir(tmp_path)
    data = parse_text(path.read_text(encoding="utf-8"), "hồ sơ.yaml")
    with pytest.raises(InputError) as caught:
        load_data(data, "hồ sơ.yaml")
    assert [p.message for p in caught.value.problems] == [
        "hồ sơ.yaml: khối thứ 1 (khối sở) › nguồn: cần danh sách 'đơn vị' ghi trực tiếp (hồ sơ "
        "gửi qua dịch vụ không được đọc tệp trên máy chủ; dùng `docgen import` để chuyển bảng "
        "tính thành danh sách đơn vị); nhận được tệp 'thanh-hoa-2024-diem.xlsx'",
        "hồ sơ.yaml: khối thứ 2 (khối huyện) › nguồn: cần danh sách 'đơn vị' ghi trực tiếp (hồ "
        "sơ gửi qua dịch vụ không được đọc tệp trên máy chủ; dùng `docgen import` để chuyển "
        "bảng tính thành danh sách đơn vị); nhận được một 'nguồn'"]
    # the same name, given the folder, does find the workbook
    whole = parse_text(THANH_HOA.read_text(encoding="utf-8"), "hồ sơ.yaml")
    assert load_data(whole, "hồ sơ.yaml", base=Path(".")).blocks[1].units[0].name \
        == "Thành phố Thanh Hóa"

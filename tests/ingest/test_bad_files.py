"""Every file of tests/ingest/bad/ is refused with a message naming the place and the fault.

The files are made by tools/make_bad_inputs.py. Each row: file, sheet asked for, and the
fragments the one-line message must contain (the place: cell or "tệp"; what was expected;
what was found).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from docgen.errors import InputError
from docgen.model.sources import read_units

HERE = Path(__file__).parent
BAD = HERE / "bad"

CASES = [
    ("not-a-spreadsheet.xlsx", None, ["tệp: cần một bảng tính .xlsx hoặc một tệp .csv", "%PDF"]),
    ("truncated.xlsx", None, ["tệp: cần một tệp .xlsx nguyên vẹn", "bị cắt cụt"]),
    ("zip-without-workbook.xlsx", None, ["cần một bảng tính Excel .xlsx đọc được",
                                         "không phải bảng tính"]),
    ("old-excel.xls", None, ["tệp Excel cũ (.xls) hoặc được đặt mật khẩu", "lưu lại dạng .xlsx"]),
    ("encrypted-member.xlsx", None, ["cần một tệp không đặt mật khẩu", "được mã hóa"]),
    ("unsupported-compression.xlsx", None, ["cần nén kiểu Excel (deflate)", "nén kiểu số 12"]),
    ("zip-bomb-declared.xlsx", None, ["cần tối đa 50 MB khi giải nén", "khai báo 1.024 MB",
                                      "bom giải nén"]),
    ("zip-bomb-lying.xlsx", None, ["khai báo 2.000 byte nhưng giải nén ra hơn", "bom giải nén"]),
    ("zip-bomb-ratio.xlsx", None, ["cần tỷ lệ nén tối đa 100:1", "nén 1026:1"]),
    ("empty.csv", None, ["tệp: cần một bảng điểm có dữ liệu; nhận được tệp trống"]),
    ("binary.csv", None, ["cần một tệp văn bản CSV", "dữ liệu nhị phân"]),
    ("broken-utf16.csv", None, ["byte 16: cần văn bản UTF-16 hợp lệ"]),
    ("empty-sheet.xlsx", None, ["trang tính 'Bảng 1': cần một bảng điểm có dữ liệu",
                                "trang tính trống"]),
    ("wrong-sheet-name.xlsx", "Bảng 2", ["trang tính 'Bảng 2': cần tên một trang tính có trong tệp",
                                         "các trang tính có: 'Bảng 1', 'Bảng 3'"]),
    ("no-header.xlsx", None, ["không nhận ra dòng tiêu đề",
                              "các tiêu đề tìm thấy: Đơn vị nào | Điểm gì",
                              'cột: {"Đơn vị nào": tên đơn vị, "Điểm gì": tổng điểm}']),
    ("header-only.csv", None, ["cần ít nhất một đơn vị có điểm dưới dòng tiêu đề"]),
    ("duplicate-units.xlsx", None, ["ô B4 (sở nội vụ): cần tên đơn vị không trùng trong bảng",
                                    "trùng với dòng 2"]),
    ("duplicate-columns.xlsx", None, ["ô H1: cần mỗi loại điểm ở một cột duy nhất",
                                      "trùng với cột E ('Tổng điểm')", "{H: bỏ qua}"]),
    ("negative-score.csv", None, ["ô D3 (Sở Tư pháp): cần từ 0 đến 30; nhận được -5"]),
    ("not-a-number.xlsx", None, ["ô C2 (Sở Nội vụ): cần một số (ví dụ 90,82); "
                                 "nhận được 'sáu lăm'"]),
    ("infinite-score.csv", None, ["ô D2 (Sở Nội vụ): cần một số hữu hạn; nhận được 'inf'"]),
    ("nan-score.csv", None, ["ô C4 (Sở Y tế): cần một số hữu hạn; nhận được 'NaN'"]),
    ("component-above-maximum.csv", None, ["ô D2 (Sở Nội vụ): cần từ 0 đến 30; nhận được 31"]),
    ("total-above-maximum.csv", None, ["ô C2 (Sở Nội vụ): cần từ 0 đến 100; nhận được 100,5"]),
    ("field-above-maximum.xlsx", None, ["ô G2 (Huyện Lang Chánh): cần từ 0 đến 11; nhận được 12"]),
    ("fields-not-adding-up.xlsx", None, ["ô K2 (Huyện Lang Chánh): cần điểm thẩm định (TĐ) "
                                         "bằng tổng điểm các lĩnh vực (62,3); nhận được 63,8"]),
    ("missing-survey-column.csv", None, [
        "dòng tiêu đề 1: cần đủ các cột điểm thành phần",
        "thiếu cột 'Điểm đánh giá qua điều tra xã hội học' (xhh)"]),
    ("mixed-separators.csv", None, ["ô C3 (Sở Tư pháp): cần một số viết với một loại dấu thập phân",
                                    "'1.063,10' (có cả dấu phẩy và dấu chấm)"]),
    ("formula-without-value.xlsx", None, ["ô C2 (Sở Nội vụ)", "công thức =60+5.4 chưa có giá trị "
                                          "tính sẵn"]),
    ("error-value.xlsx", None, ["ô D3 (Sở Tư pháp): cần một số", "giá trị lỗi #DIV/0!"]),
    ("date-as-score.xlsx", None, ["ô D2 (Sở Nội vụ): cần một số", "một ngày tháng (2024-03-27"]),
    ("boolean-score.xlsx", None, ["ô C4 (Sở Y tế): cần một số", "giá trị đúng/sai (TRUE)"]),
    ("missing-score.xlsx", None, ["ô C3 (Sở Tư pháp): cần điểm ở cột 'Điểm thẩm định'; "
                                  "nhận được ô trống"]),
    ("missing-name.csv", None, ["ô B3: cần tên đơn vị", "dòng có điểm nhưng không có tên"]),
    ("rank-not-integer.xlsx", None, ["ô F3 (Sở Tư pháp): cần một thứ hạng là số nguyên từ 1; "
                                     "nhận được 2,5"]),
]


def test_the_corpus_is_complete() -> None:
    """Every file in the folder has a row, and there are at least 30 of them."""
    assert sorted(p.name for p in BAD.iterdir()) == sorted(name for name, _, _ in CASES)
    assert len(CASES) >= 30


@pytest.mark.parametrize(("name", "sheet", "fragments"), CASES, ids=[c[0] for c in CASES])
def test_bad_file_is_refused_clearly(name: str, sheet: str | None, fragments: list[str],
                                     scheme) -> None:
    path = BAD / name
    with pytest.raises(InputError) as caught:
        read_units(path, scheme, sheet=sheet)
    message = str(caught.value)
    assert message.startswith(f"{path}: "), message  # names the file first
    for fragment in fragments:
        assert fragment in message, message
    xlsx_cell = name.endswith(".xlsx") and " ô " in message
    if xlsx_cell:
        assert "trang tính 'Bảng 1'" in message  # a cell of a workbook comes with its sheet


def test_every_bad_cell_is_reported_at_once(tmp_path: Path, scheme) -> None:
    """Two bad cells in one file: both are listed, so one run shows every mistake."""
    path = tmp_path / "two.csv"
    path.write_text("STT,Tên đơn vị,Tổng điểm\n1,Sở Nội vụ,abc\n2,Sở Y tế,-1\n3,Sở Tư pháp,90\n",
                    encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_units(path, scheme)
    assert [p.location for p in caught.value.problems] == ["ô C2 (Sở Nội vụ)", "ô C3 (Sở Y tế)"]

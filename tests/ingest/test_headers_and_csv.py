"""Header recognition (one and two rows, variants of the labels) and CSV reading."""

from __future__ import annotations

import pytest

from docgen.errors import InputError
from docgen.ingest.cells import Cell, Sheet, column_letter
from docgen.ingest.csvfile import decode, read_csv, sniff_delimiter
from docgen.ingest.headers import Role, Vocabulary, classify, find_layout, fold

WORDS = Vocabulary(components=(("tham_dinh", "Điểm tự đánh giá, thẩm định"), ("dtra", "Điều tra")),
                   fields=(("tthc", "Cải cách thủ tục hành chính"), ("cv", "Cải cách công vụ")))


def sheet(rows: list[list[object]]) -> Sheet:
    width = max(len(r) for r in rows)
    grid = []
    for r, row in enumerate(rows):
        cells = []
        for c in range(width):
            value = row[c] if c < len(row) else None
            kind = ("empty" if value in (None, "") else
                    "text" if isinstance(value, str) else "number")
            cells.append(Cell(f"{column_letter(c)}{r + 1}", kind, value))
        grid.append(cells)
    return Sheet("t.xlsx", "Bảng 2", grid)


@pytest.mark.parametrize(("label", "role"), [
    ("Tên đơn vị", Role("name")), ("TÊN CƠ QUAN", Role("name")),
    ("Tên cơ quan, đơn vị", Role("name")),
    ("Điểm tự đánh giá", Role("self_total")), ("Tự  đánh giá", Role("self_total")),
    ("TĐG", Role("self_total")), ("Điểm thẩm định", Role("appraised")), ("TĐ", Role("appraised")),
    ("Điều tra XHH", Role("survey")), ("XHH", Role("survey")), ("Tổng điểm", Role("total")),
    ("Chỉ số CCHC", Role("total")), ("Xếp hạng", Role("rank")), ("Xếp loại", Role("band")),
    ("Điểm tự đánh giá, thẩm định", Role("component", "tham_dinh")),  # the scheme's own name first
    ("2. Cải cách công vụ (11,5 điểm)", Role("field", "cv")), ("tthc", Role("field", "tthc")),
    ("Ghi chú", None),
])
def test_labels_and_their_variants(label: str, role: Role | None) -> None:
    assert classify(label, WORDS) == role


def test_fold_ignores_diacritics_case_and_punctuation() -> None:
    assert fold("ĐIỂM  Thẩm-định") == fold("diem tham dinh") == "diem tham dinh"


def test_a_one_row_header_below_title_lines() -> None:
    layout = find_layout(sheet([["BẢNG 1"], [], ["STT", "Tên đơn vị", "Tổng điểm", "Xếp hạng"],
                                [1, "Sở A", 90, 1]]), WORDS)
    assert layout.header_rows == (2,) and layout.first_row == 3
    assert layout.columns == {0: Role("stt"), 1: Role("name"), 2: Role("total"), 3: Role("rank")}


def test_a_two_row_header_with_merged_titles() -> None:
    """Merged cells arrive spread over their range, as the xlsx reader gives them."""
    rows = [["STT", "Tên đơn vị", "Cải cách thủ tục hành chính", "Cải cách thủ tục hành chính",
             "Tổng điểm", "Tổng điểm", "Điều tra XHH", "Xếp loại"],
            ["STT", "Tên đơn vị", "TĐG", "TĐ", "TĐG", "TĐ", "Điều tra XHH", "Xếp loại"],
            [1, "Huyện A", 9, 8.5, 60, 58, 25, "TỐT"]]
    layout = find_layout(sheet(rows), WORDS)
    assert layout.header_rows == (0, 1) and layout.first_row == 2
    assert layout.columns == {0: Role("stt"), 1: Role("name"), 2: Role("self_field", "tthc"),
                              3: Role("field", "tthc"), 4: Role("self_total"), 5: Role("appraised"),
                              6: Role("survey"), 7: Role("band")}
    assert layout.labels[3] == "Cải cách thủ tục hành chính / TĐ"


def test_a_first_unit_typed_as_text_is_not_a_sub_header() -> None:
    layout = find_layout(sheet([["STT", "Tên đơn vị", "Tổng điểm"], ["1", "Sở A", "90,5"]]), WORDS)
    assert layout.header_rows == (0,)


def test_an_unrecognised_header_lists_what_it_found() -> None:
    with pytest.raises(InputError) as caught:
        find_layout(sheet([["Cơ sở", "Điểm số"], ["Sở A", 90]]), WORDS)
    assert "các tiêu đề tìm thấy: Cơ sở | Điểm số" in str(caught.value)
    assert 'cột: {"Cơ sở": tên đơn vị, "Điểm số": tổng điểm}' in str(caught.value)


@pytest.mark.parametrize(("text", "delimiter"), [
    ("a;b;c\n1;\"2,5\";3\n", ";"), ("a,b,c\n1,\"2,5\",3\n", ","), ("a\tb\tc\n1\t2,5\t3\n", "\t"),
    ("Tên đơn vị;Tổng điểm\nSở A;90,5\nSở B;88,25\n", ";"),
])
def test_the_delimiter_is_sniffed(text: str, delimiter: str) -> None:
    assert sniff_delimiter(text) == delimiter


@pytest.mark.parametrize(("raw", "encoding"), [
    ("Huyện".encode(), "UTF-8"), (b"\xef\xbb\xbf" + "Huyện".encode(), "UTF-8"),
    ("\ufeffHuyện".encode("utf-16-le"), "UTF-16"), ("Huyện".encode("utf-16"), "UTF-16"),
    (b"Huy\xeana", "Windows-1258"),
])
def test_encodings(raw: bytes, encoding: str) -> None:
    assert decode(raw, "t.csv")[1] == encoding


def test_csv_rows_are_padded_and_referenced_like_excel() -> None:
    sheet_ = read_csv("STT,Tên đơn vị,Tổng điểm\n1,Sở A\n".encode(), "t.csv")
    assert [c.ref for c in sheet_.rows[1]] == ["A2", "B2", "C2"]
    assert sheet_.rows[1][2].kind == "empty" and sheet_.place == ""

"""ND30 dates, Roman numerals, point letters, NFC normalisation and prose lists."""

import unicodedata
from datetime import date

import pytest

from docgen.formatting.dates import (
    BLANK,
    format_citation_date,
    format_day,
    format_long_date,
    format_month,
    format_place_date,
)
from docgen.formatting.text import (
    POINT_LETTERS,
    join_names,
    name_key,
    normalize_text,
    point_letter,
    roman,
)

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("day", "expected"), [(1, "01"), (5, "05"), (9, "09"), (10, "10"), (16, "16"), (31, "31")]
)
def test_it_pads_days_below_ten(day, expected):
    assert format_day(day) == expected


@pytest.mark.parametrize(
    ("month", "expected"),
    [(1, "01"), (2, "02"), (3, "3"), (6, "6"), (9, "9"), (10, "10"), (11, "11"), (12, "12")],
)
def test_it_pads_only_january_and_february(month, expected):
    assert format_month(month) == expected


@pytest.mark.parametrize(
    ("year", "month", "day", "expected"),
    [
        (2025, 12, 16, "ngày 16 tháng 12 năm 2025"),
        (2023, 1, 16, "ngày 16 tháng 01 năm 2023"),
        (2024, 2, 5, "ngày 05 tháng 02 năm 2024"),
        (2025, 3, 1, "ngày 01 tháng 3 năm 2025"),
        (2025, 6, 16, "ngày 16 tháng 6 năm 2025"),
        (2025, 10, 9, "ngày 09 tháng 10 năm 2025"),
    ],
)
def test_it_writes_a_full_nd30_date(year, month, day, expected):
    assert format_long_date(year, month, day) == expected


def test_it_leaves_six_non_breaking_spaces_for_a_missing_day():
    assert BLANK == NBSP * 6
    assert format_long_date(2025, 12) == "ngày" + NBSP * 6 + "tháng 12 năm 2025"
    assert format_long_date(2026, 1) == "ngày" + NBSP * 6 + "tháng 01 năm 2026"


def test_it_leaves_every_part_blank_for_an_undated_draft():
    assert format_long_date(None) == "ngày" + BLANK + "tháng" + BLANK + "năm" + BLANK


@pytest.mark.parametrize(
    ("place", "parts", "expected"),
    [
        ("Phù Yên", (2023, 1, 16), "Phù Yên, ngày 16 tháng 01 năm 2023"),
        ("Sơn La", (2025, 12, None), "Sơn La, ngày" + NBSP * 6 + "tháng 12 năm 2025"),
    ],
)
def test_it_puts_the_place_before_the_date(place, parts, expected):
    assert format_place_date(place, *parts) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2023, 8, 9), "09/8/2023"),
        (date(2021, 1, 21), "21/01/2021"),
        (date(2021, 5, 12), "12/5/2021"),
        (date(2025, 12, 16), "16/12/2025"),
        (date(2022, 2, 1), "01/02/2022"),
        (date(2022, 9, 7), "07/9/2022"),
        (date(2025, 10, 31), "31/10/2025"),
    ],
)
def test_it_writes_citation_dates_in_the_short_form(value, expected):
    assert format_citation_date(value) == expected


@pytest.mark.parametrize(
    ("number", "expected"),
    [(1, "I"), (2, "II"), (3, "III"), (4, "IV"), (5, "V"), (6, "VI"), (9, "IX"), (10, "X"),
     (14, "XIV"), (19, "XIX"), (40, "XL"), (49, "XLIX"), (90, "XC"), (400, "CD"),
     (1994, "MCMXCIV"), (2025, "MMXXV"), (3999, "MMMCMXCIX")],
)
def test_it_writes_roman_numerals(number, expected):
    assert roman(number) == expected


@pytest.mark.parametrize("number", [0, -1])
def test_it_refuses_roman_numerals_below_one(number):
    with pytest.raises(ValueError, match="start at 1"):
        roman(number)


def test_it_letters_points_in_vietnamese_order():
    letters = [point_letter(i) for i in range(10)]
    assert letters == ["a", "b", "c", "d", "đ", "e", "g", "h", "i", "k"]


def test_it_never_uses_letters_outside_the_vietnamese_alphabet():
    assert not {"f", "j", "w", "z"} & set(POINT_LETTERS)
    assert POINT_LETTERS[-1] == "y"


@pytest.mark.parametrize(
    "text", ["Sở Xây dựng", "Chiềng Sại", "Văn phòng UBND tỉnh", "Ủy ban nhân dân", "Đá Đỏ"]
)
def test_it_brings_decomposed_input_to_nfc(text):
    decomposed = unicodedata.normalize("NFD", text)
    assert decomposed != text
    result = normalize_text(decomposed)
    assert result == text
    assert unicodedata.is_normalized("NFC", result)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Sở   Nội vụ  ", "Sở Nội vụ"),
        ("Sở\u00a0Nội\tvụ", "Sở Nội vụ"),
        ("Sở Nội\x00 vụ\x07", "Sở Nội vụ"),
        ("Sở\nNội vụ", "Sở Nội vụ"),
    ],
)
def test_it_collapses_blanks_and_drops_control_characters(raw, expected):
    assert normalize_text(raw) == expected


@pytest.mark.parametrize(
    "variant",
    ["sở xây dựng", "SỞ XÂY DỰNG", " Sở  Xây   dựng ", unicodedata.normalize("NFD", "Sở Xây dựng")],
)
def test_it_gives_one_key_to_names_that_differ_only_in_form(variant):
    assert name_key(variant) == name_key("Sở Xây dựng")


def test_it_keeps_different_names_apart():
    assert name_key("Sở Tư pháp") != name_key("Sở Tài chính")


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        ([], ""),
        (["Sở Xây dựng"], "Sở Xây dựng"),
        (["Sở Xây dựng", "Sở Nội vụ"], "Sở Xây dựng, Sở Nội vụ"),
        (["Tường Phù", "Thị trấn Phù Yên", "Tường Tiến"],
         "Tường Phù, Thị trấn Phù Yên, Tường Tiến"),
    ],
)
def test_it_joins_names_with_commas_in_the_order_given(names, expected):
    assert join_names(names) == expected

"""Scores typed in a spreadsheet are read exactly: properties over many generated values."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from docgen.formatting.numbers import format_number
from docgen.ingest.numbers import NumberError, from_float, parse_number
from docgen.rounding import round_half_up

#: Scores as staff write them: up to four decimals, below 999,5 so that no rounding reaches
#: 1.000, whose thousands dot would read as a decimal point ("1.000" is 1: no score is a
#: thousand, and one that large is refused as above its maximum anyway).
scores = st.decimals(min_value=0, max_value=Decimal("999.4999"), places=4)
places = st.integers(min_value=0, max_value=4)
blanks = st.sampled_from(["", " ", "\u00a0", "  ", "\u202f", "\t"])


@given(scores, places)
def test_vietnamese_formatting_then_parsing_gives_the_rounded_value(value: Decimal,
                                                                    decimals: int) -> None:
    assert parse_number(format_number(value, decimals)) == round_half_up(value, decimals)


@given(scores, blanks, blanks)
def test_comma_and_point_and_stray_blanks_read_the_same(value: Decimal, before: str,
                                                        after: str) -> None:
    point = str(value)
    comma = point.replace(".", ",")
    assert parse_number(point) == parse_number(before + comma + after) == value


@given(st.decimals(min_value=0, max_value=100, places=2))
def test_a_score_stored_as_an_excel_double_reads_back_exactly(value: Decimal) -> None:
    assert from_float(float(value)) == value


@given(scores.filter(lambda d: d >= 1), st.integers(min_value=1, max_value=999))
def test_text_with_both_separators_is_refused(value: Decimal, thousands: int) -> None:
    text = f"{thousands}.{str(value).replace('.', ',')}"
    if "," in text:
        with pytest.raises(NumberError, match="có cả dấu phẩy và dấu chấm"):
            parse_number(text)


@pytest.mark.parametrize("text", ["90,82", "90.82", " 90,82 ", "\u00a090,82\u00a0", "+90,82"])
def test_the_usual_ways_of_writing_ninety_point_eight_two(text: str) -> None:
    assert parse_number(text) == Decimal("90.82")


@pytest.mark.parametrize("text", ["", "abc", "90,8,2", "9 0,82x", "1e3", "0x10", "--1", ",5"])
def test_what_is_not_a_number_is_refused(text: str) -> None:
    with pytest.raises(NumberError, match="một số"):
        parse_number(text)


@pytest.mark.parametrize("text", ["inf", "-Infinity", "∞", "NaN"])
def test_infinity_and_nan_are_refused(text: str) -> None:
    with pytest.raises(NumberError, match="một số hữu hạn"):
        parse_number(text)

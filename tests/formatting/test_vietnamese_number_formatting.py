"""Vietnamese number text: decimal comma, thousands dot, half-up rounding, counts, shares."""

from decimal import Decimal

import pytest
from babel.numbers import format_decimal

from docgen.formatting.numbers import (
    format_band_range,
    format_count,
    format_number,
    format_percent,
    format_plain,
    format_ratio,
    format_score,
)


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (Decimal("90.82"), 2, "90,82"),
        (Decimal("30"), 2, "30,00"),
        (Decimal("0"), 2, "0,00"),
        (1043, 0, "1.043"),
        (1000, 0, "1.000"),
        (999, 0, "999"),
        (1000000, 0, "1.000.000"),
        (Decimal("1234567.891"), 2, "1.234.567,89"),
        (Decimal("1234567.5"), 1, "1.234.567,5"),
        (Decimal("57.9"), 2, "57,90"),
        (7, 2, "7,00"),
    ],
)
def test_it_writes_a_decimal_comma_and_a_thousands_dot(value, decimals, expected):
    assert format_number(value, decimals) == expected


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        ("85.025", 2, "85,03"),
        ("19.325", 2, "19,33"),
        ("0.005", 2, "0,01"),
        ("2.675", 2, "2,68"),
        ("1.005", 2, "1,01"),
        ("90.815", 2, "90,82"),
        ("0.004999", 2, "0,00"),
        ("85.0249999", 2, "85,02"),
        ("99.995", 2, "100,00"),
        ("999.995", 2, "1.000,00"),
        ("0.5", 0, "1"),
        ("1.5", 0, "2"),
        ("2.5", 0, "3"),
        ("14.85", 1, "14,9"),
        ("14.8148", 1, "14,8"),
        ("59.259", 1, "59,3"),
    ],
)
def test_it_rounds_half_up_at_the_boundary(value, decimals, expected):
    assert format_number(Decimal(value), decimals) == expected


@pytest.mark.parametrize(
    ("value", "half_up", "babel_half_even"),
    [("85.025", "85,03", "85,02"), ("19.325", "19,33", "19,32"), ("0.005", "0,01", "0,00")],
)
def test_it_does_not_leave_rounding_to_babel(value, half_up, babel_half_even):
    # Babel's own default (half-even) is what the formatter must not produce.
    assert format_decimal(Decimal(value), format="#,##0.00", locale="vi_VN") == babel_half_even
    assert format_number(Decimal(value), 2) == half_up


@pytest.mark.parametrize(
    ("value", "float_result", "expected"),
    [("2.675", 2.67, "2,68"), ("19.325", 19.32, "19,33"), ("1.005", 1.0, "1,01")],
)
def test_it_gets_right_what_binary_floats_get_wrong(value, float_result, expected):
    assert round(float(value), 2) == float_result  # the float trap being avoided
    assert format_number(Decimal(value), 2) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("70.00"), "70"),
        (Decimal("70"), "70"),
        (Decimal("11.50"), "11,5"),
        (Decimal("72.5"), "72,5"),
        (Decimal("0.25"), "0,25"),
        (Decimal("1E+2"), "100"),
        (100, "100"),
        (Decimal("1000"), "1.000"),
    ],
)
def test_it_writes_scheme_constants_without_trailing_zeros(value, expected):
    assert format_plain(value) == expected


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, "00"), (1, "01"), (8, "08"), (9, "09"), (10, "10"), (75, "75"), (100, "100"),
     (1043, "1.043")],
)
def test_it_pads_counts_below_ten(count, expected):
    assert format_count(count) == expected


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [(8, 15, "08/15"), (7, 15, "07/15"), (0, 15, "00/15"), (0, 27, "00/27"), (13, 75, "13/75"),
     (2, 5, "02/05"), (27, 27, "27/27"), (1000, 1043, "1.000/1.043")],
)
def test_it_pads_both_sides_of_a_ratio(part, whole, expected):
    assert format_ratio(part, whole) == expected


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (Decimal("53.33"), 2, "53,33%"),
        (Decimal("53.3333"), 2, "53,33%"),
        (Decimal("46.6666"), 2, "46,67%"),
        (Decimal("95.875"), 2, "95,88%"),
        (Decimal("100"), 2, "100%"),
        (Decimal("0"), 2, "0%"),
        (Decimal("0"), 1, "0%"),
        (Decimal("14.8"), 1, "14,8%"),
        (Decimal("59.25"), 1, "59,3%"),
    ],
)
def test_it_writes_a_percent_sign_without_a_space(value, decimals, expected):
    assert format_percent(value, decimals) == expected


@pytest.mark.parametrize(
    ("lower", "upper", "unit", "expected"),
    [
        (Decimal(90), None, "%", "từ 90% trở lên"),
        (Decimal(80), Decimal(90), "%", "từ 80% - dưới 90%"),
        (Decimal(70), Decimal(80), "%", "từ 70% - dưới 80%"),
        (None, Decimal(70), "%", "dưới 70%"),
        (Decimal(0), Decimal(70), "%", "dưới 70%"),
        (Decimal("72.5"), Decimal(80), "%", "từ 72,5% - dưới 80%"),
        (Decimal(90), None, " điểm", "từ 90 điểm trở lên"),
        (Decimal(70), Decimal(90), " điểm", "từ 70 điểm - dưới 90 điểm"),
        (None, Decimal(50), " điểm", "dưới 50 điểm"),
        (None, None, "%", "mọi mức điểm"),
    ],
)
def test_it_phrases_a_band_range_as_a_report_does(lower, upper, unit, expected):
    assert format_band_range(lower, upper, unit) == expected


@pytest.mark.parametrize(
    ("value", "decimals", "prose", "table"),
    [
        (Decimal("30"), 2, "30", "30,00"),          # Phù Yên's lowest: "30/100 điểm"
        (Decimal("57.9"), 2, "57,9", "57,90"),      # the reference writes "57,9/100"
        (Decimal("18.344"), 2, "18,34", "18,34"),
        (Decimal("85.025"), 2, "85,03", "85,03"),   # half-up before the zeros go
        (Decimal("29.996"), 2, "30", "30,00"),
        (Decimal("1574"), 2, "1.574", "1.574,00"),
        (Decimal("-5.20"), 2, "-5,2", "-5,20"),
    ],
)
def test_prose_drops_trailing_zeros_that_a_table_keeps(value, decimals, prose, table):
    assert format_score(value, decimals) == prose
    assert format_number(value, decimals) == table

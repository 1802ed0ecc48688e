"""Vietnamese number text: decimal comma, thousands dot, padded counts, shares.

The number style of every document (README, "Number style"): counts of things have at
least two digits (:func:`format_count`); figures in prose are rounded half-up and then
lose their trailing zeros (:func:`format_score`, :func:`format_percent`: "30/100 điểm",
"100%", "86,8%"); figures in tables keep a fixed number of decimals so that a column
lines up (:func:`format_number`); maxima are written as the scheme states them
(:func:`format_plain`).

Every function takes a `Decimal` (or an `int`) and returns text; none of them rounds by
accident. Rounding is half-up and happens in :func:`docgen.rounding.round_half_up`
before Babel sees the value, because Babel's own default is half-even (85,025 would become
85,02 instead of 85,03).
"""

from __future__ import annotations

import functools
from decimal import Decimal

from babel.numbers import format_decimal

from docgen.rounding import round_half_up

LOCALE = "vi_VN"


def format_number(value: Decimal | int, decimals: int = 0) -> str:
    """Return `value` rounded half-up to `decimals` places, in Vietnamese notation.

    Exactly `decimals` digits follow the comma, so figures in one column line up and a
    reader never sees one average printed with one decimal and another with two.

    >>> format_number(Decimal("90.82"), 2)
    '90,82'
    >>> format_number(Decimal("85.025"), 2)
    '85,03'
    >>> format_number(Decimal("19.325"), 2)
    '19,33'
    >>> format_number(1043)
    '1.043'
    >>> format_number(Decimal("1234567.5"), 1)
    '1.234.567,5'
    >>> format_number(Decimal("30"), 2)
    '30,00'
    """
    if isinstance(value, float):
        raise TypeError(f"floats are not accepted, got {value!r}; use Decimal")
    return _laid_out(str(round_half_up(Decimal(value), decimals)), decimals)


@functools.lru_cache(maxsize=65536)
def _laid_out(rounded: str, decimals: int) -> str:
    """Babel's text of the rounded value `rounded` (its exact digits, sign included).
    Cached: a table of thousands of units repeats the same few thousand figures, and
    Babel takes some 0,1 ms for each."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    # The value is already rounded; Babel only lays out digits and separators.
    return format_decimal(Decimal(rounded), format=pattern, locale=LOCALE,
                          decimal_quantization=True)


def format_plain(value: Decimal | int) -> str:
    """Return a scheme constant (a maximum, a threshold) without trailing zeros.

    Maxima are written as the scheme states them: "70", "11,5", never "70,00".

    >>> format_plain(Decimal("70.00"))
    '70'
    >>> format_plain(Decimal("11.50"))
    '11,5'
    >>> format_plain(100)
    '100'
    """
    value = Decimal(value)
    normal = value.normalize()
    exponent = normal.as_tuple().exponent
    decimals = max(0, -exponent) if isinstance(exponent, int) else 0
    return format_number(value, decimals)


def format_score(value: Decimal | int, decimals: int) -> str:
    """Return a figure of running text: rounded half-up to `decimals` places, then written
    without trailing zeros, as the published reports write "30/100 điểm" and "57,9/100".

    Tables use :func:`format_number` instead, whose fixed decimals line a column up.

    >>> format_score(Decimal("30.00"), 2), format_score(Decimal("57.90"), 2)
    ('30', '57,9')
    >>> format_score(Decimal("85.025"), 2), format_score(Decimal("18.3449"), 2)
    ('85,03', '18,34')
    >>> format_score(Decimal("99.996"), 2), format_score(Decimal("1574.5"), 0)
    ('100', '1.575')
    """
    if isinstance(value, float):
        raise TypeError(f"floats are not accepted, got {value!r}; use Decimal")
    return format_plain(round_half_up(Decimal(value), decimals))


def format_count(count: int) -> str:
    """Return a count padded to two digits, as administrative texts write counts below 10.

    >>> format_count(8)
    '08'
    >>> format_count(0)
    '00'
    >>> format_count(75)
    '75'
    >>> format_count(3321)
    '3.321'
    """
    return format_number(count).zfill(2)


def format_ratio(part: int, whole: int) -> str:
    """Return "part/whole" with both counts padded the same way.

    >>> format_ratio(8, 15)
    '08/15'
    >>> format_ratio(13, 75)
    '13/75'
    >>> format_ratio(2, 5)
    '02/05'
    """
    return f"{format_count(part)}/{format_count(whole)}"


def format_percent(value: Decimal, decimals: int) -> str:
    """Return a percentage (already in percent units) with a decimal comma and no space,
    rounded half-up to `decimals` places and without trailing zeros (see
    :func:`format_score`): percentages appear in prose and in chart labels only.

    >>> format_percent(Decimal("53.3333"), 2)
    '53,33%'
    >>> format_percent(Decimal("95.877"), 2)
    '95,88%'
    >>> format_percent(Decimal("14.8148"), 1)
    '14,8%'
    >>> format_percent(Decimal("100"), 2), format_percent(Decimal("10.001"), 2)
    ('100%', '10%')
    >>> format_percent(Decimal("86.8"), 2), format_percent(Decimal("14.8148"), 1)
    ('86,8%', '14,8%')
    """
    return format_score(value, decimals) + "%"


def format_band_range(lower: Decimal | None, upper: Decimal | None, unit: str = "%") -> str:
    """Return how a report states a band's half-open range [lower, upper).

    "%" follows the number directly; any other unit ("điểm") after a space.

    >>> format_band_range(Decimal(90), None)
    'từ 90% trở lên'
    >>> format_band_range(Decimal(80), Decimal(90))
    'từ 80% - dưới 90%'
    >>> format_band_range(None, Decimal(70))
    'dưới 70%'
    >>> format_band_range(Decimal("0"), Decimal(50), "điểm")
    'dưới 50 điểm'
    >>> format_band_range(Decimal(70), Decimal(90), "điểm")
    'từ 70 điểm - dưới 90 điểm'
    >>> format_band_range(Decimal("72.5"), Decimal(80))
    'từ 72,5% - dưới 80%'
    """
    unit = unit.strip()
    unit = unit if unit == "%" else f" {unit}"
    if lower is not None and lower == 0:
        lower = None
    if lower is None and upper is None:
        return "mọi mức điểm"
    if upper is None:
        return f"từ {format_plain(lower)}{unit} trở lên"
    if lower is None:
        return f"dưới {format_plain(upper)}{unit}"
    return f"từ {format_plain(lower)}{unit} - dưới {format_plain(upper)}{unit}"

"""Scores as staff type them in spreadsheets, read as exact `Decimal`.

A score cell is a number (Excel keeps it as a binary double; the shortest text that gives
back the same double is the figure the clerk typed, so 90.82 stays 90,82) or text: "90,82",
"90.82", " 90,8 ", with non-breaking or thin spaces. Text with both a comma and a dot
("1.000,5", "90.8,2") is refused: no score reaches a thousand, so such text is a typing
mistake, not a thousands separator. Infinity and NaN are refused.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_NUMBER = re.compile(r"^[+-]?\d+([.,]\d+)?$")
_BLANKS = re.compile(r"[\s\u00a0\u2007\u2009\u202f]+")
_INFINITE = {"inf", "+inf", "-inf", "infinity", "-infinity", "+infinity", "∞", "+∞", "-∞",
             "nan", "-nan", "+nan"}


class NumberError(ValueError):
    """Raised with (expected, found) in Vietnamese when a text is not a usable score."""

    def __init__(self, expected: str, found: str):
        super().__init__(f"{expected}; nhận được {found}")
        self.expected = expected
        self.found = found


def from_float(value: float) -> Decimal:
    """Return the exact figure a spreadsheet number stands for.

    >>> from_float(90.82), from_float(70.0), from_float(0.1 + 0.2)
    (Decimal('90.82'), Decimal('70'), Decimal('0.30000000000000004'))
    """
    if value != value or value in (float("inf"), float("-inf")):
        raise NumberError("một số hữu hạn", repr(value))
    if value == int(value) and abs(value) < 2**53:
        return Decimal(int(value))
    return Decimal(repr(value))


def parse_number(text: str) -> Decimal:
    """Return the score written in `text`, with a decimal comma or a decimal point.

    >>> parse_number("90,82"), parse_number("90.82"), parse_number(" 90,8 ")
    (Decimal('90.82'), Decimal('90.82'), Decimal('90.8'))
    >>> parse_number("\\u00a070,00\\u00a0")
    Decimal('70.00')
    >>> parse_number("1.000,5")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    docgen.ingest.numbers.NumberError: ... nhận được '1.000,5' (có cả dấu phẩy và dấu chấm)
    >>> parse_number("∞")
    Traceback (most recent call last):
    ...
    docgen.ingest.numbers.NumberError: một số hữu hạn; nhận được '∞'
    """
    cleaned = _BLANKS.sub("", text)
    if cleaned.lower() in _INFINITE:
        raise NumberError("một số hữu hạn", repr(text.strip()))
    if "," in cleaned and "." in cleaned:
        raise NumberError("một số viết với một loại dấu thập phân (ví dụ 90,82)",
                          f"{text.strip()!r} (có cả dấu phẩy và dấu chấm)")
    if not _NUMBER.match(cleaned):
        raise NumberError("một số (ví dụ 90,82)", repr(text.strip()))
    try:
        return Decimal(cleaned.replace(",", "."))
    except InvalidOperation as exc:  # pragma: no cover - the pattern already excludes it
        raise NumberError("một số (ví dụ 90,82)", repr(text.strip())) from exc

"""Dates as Nghị định 30/2020 writes them.

Days below 10 and the months January and February take a leading zero; months 3–12 do not
("ngày 05 tháng 01 năm 2024", "ngày 16 tháng 6 năm 2025"). The short citation form follows
the same rule ("09/8/2023", "21/01/2021").
"""

from __future__ import annotations

from datetime import date

#: Width of a blank left for a day or a number that the văn thư fills in by hand.
BLANK = "\u00a0" * 6


def format_day(day: int) -> str:
    """Return the day of the month, padded below 10.

    >>> format_day(5)
    '05'
    >>> format_day(16)
    '16'
    """
    return f"{day:02d}"


def format_month(month: int) -> str:
    """Return the month: January and February padded, the others not.

    >>> format_month(1), format_month(2), format_month(3), format_month(12)
    ('01', '02', '3', '12')
    """
    return f"{month:02d}" if month < 3 else str(month)


def format_long_date(year: int | None, month: int | None = None, day: int | None = None) -> str:
    """Return "ngày … tháng … năm …"; a missing part is left blank for a draft.

    >>> format_long_date(2024, 1, 5)
    'ngày 05 tháng 01 năm 2024'
    >>> format_long_date(2025, 6, 16)
    'ngày 16 tháng 6 năm 2025'
    >>> format_long_date(2025, 12) == 'ngày' + BLANK + 'tháng 12 năm 2025'
    True
    >>> format_long_date(None) == 'ngày' + BLANK + 'tháng' + BLANK + 'năm' + BLANK
    True
    """
    day_text = f" {format_day(day)} " if day else BLANK
    month_text = f" {format_month(month)} " if month else BLANK
    year_text = f" {year}" if year else BLANK
    return f"ngày{day_text}tháng{month_text}năm{year_text}"


def format_place_date(place: str, year: int | None, month: int | None, day: int | None) -> str:
    """Return the place-date line of ô 4: the place, a comma, then the long date.

    >>> format_place_date("Sơn La", 2024, 1, 5)
    'Sơn La, ngày 05 tháng 01 năm 2024'
    """
    return f"{place}, {format_long_date(year, month, day)}"


def format_citation_date(value: date) -> str:
    """Return the short form used when citing a document.

    >>> format_citation_date(date(2023, 8, 9))
    '09/8/2023'
    >>> format_citation_date(date(2021, 1, 21))
    '21/01/2021'
    """
    return f"{format_day(value.day)}/{format_month(value.month)}/{value.year}"

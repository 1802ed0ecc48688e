"""Vietnamese formatting of numbers, dates and text, as the context builder applies it.

One import for everything: numbers (decimal comma, thousands dot, padded counts, shares,
band ranges), ND30 dates (long, place-date, citation forms) and text (NFC, Roman numerals,
Vietnamese point letters, unit lists). Each function has doctests; rounding is half-up
through :func:`docgen.rounding.round_half_up`, never Babel's half-even default.
"""

from docgen.formatting.dates import (
    format_citation_date,
    format_day,
    format_long_date,
    format_month,
    format_place_date,
)
from docgen.formatting.numbers import (
    format_band_range,
    format_count,
    format_number,
    format_percent,
    format_plain,
    format_ratio,
    format_score,
)
from docgen.formatting.text import (join_names, keep_together, name_key, normalize_text,
                                    point_letter, roman)

__all__ = [
    "format_band_range",
    "format_citation_date",
    "format_count",
    "format_day",
    "format_long_date",
    "format_month",
    "format_number",
    "format_percent",
    "format_place_date",
    "format_plain",
    "format_ratio",
    "format_score",
    "join_names",
    "keep_together",
    "name_key",
    "normalize_text",
    "point_letter",
    "roman",
]

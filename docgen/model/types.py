"""Value types of the dossier: scores as `Decimal`, never `float`.

A score arrives as a YAML/JSON number (read as `Decimal` by the loader, see
:mod:`docgen.model.loader`) or as text typed the Vietnamese way ("90,82"). Both become an
exact `Decimal`; a float that slipped through some other path is refused rather than
silently carrying a binary rounding error into a published figure.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Annotated

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

from docgen.bounds import MAX_NUMBER_CHARS, MAX_SCORE_DECIMALS, MAX_SCORE_INTEGER_DIGITS

_NUMBER = re.compile(r"^[+-]?\d+([.,]\d+)?$")
#: How Python writes some decimals ("0E-8", "1E+2"): read back what an older archive kept.
_SCIENTIFIC = re.compile(r"^[+-]?\d+(\.\d+)?E[+-]?\d{1,4}$")


def canonical_text(value: Decimal) -> str:
    """Return the exact decimal text of `value`, never in exponent form, so that it reads
    back as the same number: ``str(Decimal("0.00000000"))`` is "0E-8", which no score
    pattern accepts.

    >>> canonical_text(Decimal("0.00000000")), canonical_text(Decimal("1E+2"))
    ('0.00000000', '100')
    """
    return format(value, "f")


def _bounded(value: Decimal, shown: object) -> Decimal:
    """Return `value` (finite) within the bounds on digits, in plain form (no exponent)."""
    decimals = max(-value.as_tuple().exponent, 0)  # type: ignore[operator]
    integer_digits = 0 if value.is_zero() else value.adjusted() + 1
    if integer_digits > MAX_SCORE_INTEGER_DIGITS:
        raise ValueError(f"một điểm tối đa {MAX_SCORE_INTEGER_DIGITS} chữ số phần nguyên; "
                         f"nhận được {_short(shown)}")
    if decimals > MAX_SCORE_DECIMALS:
        raise ValueError(f"một điểm tối đa {MAX_SCORE_DECIMALS} chữ số thập phân; "
                         f"nhận được {_short(shown)}")
    if value.as_tuple().exponent > 0:  # type: ignore[operator]
        value = Decimal(canonical_text(value))  # 1E+2 -> 100
    return value


def _short(value: object) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 40 else text[:37] + "…"


def parse_score(value: object) -> Decimal:
    """Return `value` as an exact, finite `Decimal`.

    >>> parse_score("90,82")
    Decimal('90.82')
    >>> parse_score(" 70 ")
    Decimal('70')
    >>> parse_score(Decimal("1.5"))
    Decimal('1.5')
    >>> parse_score("1.000,5")
    Traceback (most recent call last):
    ...
    ValueError: một số (ví dụ 90,82); nhận được '1.000,5'
    """
    if isinstance(value, bool):
        raise ValueError(f"một số (ví dụ 90,82); nhận được {value!r}")
    if isinstance(value, int):
        if abs(value) >= 10**MAX_SCORE_INTEGER_DIGITS:
            raise ValueError(f"một điểm tối đa {MAX_SCORE_INTEGER_DIGITS} chữ số phần nguyên; "
                             f"nhận được một số {len(str(abs(value)))} chữ số")
        return Decimal(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"một số hữu hạn; nhận được {value}")
        return _bounded(value, value)
    if isinstance(value, str):
        text = value.replace("\u00a0", "").strip()
        if len(text) <= MAX_NUMBER_CHARS and (_NUMBER.match(text) or _SCIENTIFIC.match(text)):
            try:
                return _bounded(Decimal(text.replace(",", ".")), value)
            except InvalidOperation:  # pragma: no cover - the pattern already excludes it
                pass
        raise ValueError(f"một số (ví dụ 90,82); nhận được {_short(value)}")
    raise ValueError(f"một số (ví dụ 90,82); nhận được {_short(value)}")


#: A score or a maximum: exact decimal, from a number or Vietnamese-style text.
Score = Annotated[
    Decimal,
    BeforeValidator(parse_score),
    PlainSerializer(canonical_text, return_type=str),
    WithJsonSchema({"type": ["number", "string"], "pattern": r"^[+-]?\d+([.,]\d+)?$"}),
]

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

_NUMBER = re.compile(r"^[+-]?\d+([.,]\d+)?$")


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
        return Decimal(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"một số hữu hạn; nhận được {value}")
        return value
    if isinstance(value, str):
        text = value.replace("\u00a0", "").strip()
        if _NUMBER.match(text):
            try:
                return Decimal(text.replace(",", "."))
            except InvalidOperation:  # pragma: no cover - the pattern already excludes it
                pass
        raise ValueError(f"một số (ví dụ 90,82); nhận được {value!r}")
    raise ValueError(f"một số (ví dụ 90,82); nhận được {value!r}")


#: A score or a maximum: exact decimal, from a number or Vietnamese-style text.
Score = Annotated[
    Decimal,
    BeforeValidator(parse_score),
    PlainSerializer(lambda d: str(d), return_type=str),
    WithJsonSchema({"type": ["number", "string"], "pattern": r"^[+-]?\d+([.,]\d+)?$"}),
]

"""The one rounding rule of docgen: half-up on `Decimal`.

Published figures are rounded the way people round by hand (0,5 goes up). Python's
``round`` and Babel both round half-even, and floats cannot hold 85,025 exactly, so every
figure goes through :func:`round_half_up` and nothing else.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def round_half_up(value: Decimal, decimals: int) -> Decimal:
    """Return `value` rounded half-up to `decimals` places.

    >>> round_half_up(Decimal("85.025"), 2)
    Decimal('85.03')
    >>> round_half_up(Decimal("19.325"), 2)
    Decimal('19.33')
    >>> round_half_up(Decimal("-0.125"), 2)
    Decimal('-0.13')
    >>> round_half_up(Decimal("90.8"), 2)
    Decimal('90.80')
    """
    if isinstance(value, float):
        raise TypeError("floats are not accepted; convert from a string to Decimal")
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)

"""Means and shares that add up."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_FLOOR, Decimal

from docgen.rounding import round_half_up


def mean(values: Sequence[Decimal]) -> Decimal:
    """Return the exact arithmetic mean of `values` (not rounded).

    >>> mean([Decimal("90.5"), Decimal("91.14")])
    Decimal('90.82')
    """
    if not values:
        raise ValueError("the mean of no values is undefined")
    return sum(values, Decimal(0)) / len(values)


def percent(part: int, whole: int, decimals: int) -> Decimal:
    """Return part/whole in percent, rounded half-up.

    >>> percent(1000, 1043, 2)
    Decimal('95.88')
    """
    return round_half_up(Decimal(part) * 100 / Decimal(whole), decimals)


def largest_remainder_shares(counts: Sequence[int], decimals: int) -> list[Decimal]:
    """Return the percentage of each count, rounded so that they add up to exactly 100.

    Each share is first cut down to `decimals` places; the steps still missing to reach
    100 go to the shares that lost the most, earlier items first on a tie (Hamilton's
    method). Shares of 0 stay 0.

    >>> largest_remainder_shares([8, 7], 2)
    [Decimal('53.33'), Decimal('46.67')]
    >>> largest_remainder_shares([13, 32, 17, 13], 2)
    [Decimal('17.33'), Decimal('42.67'), Decimal('22.67'), Decimal('17.33')]
    >>> largest_remainder_shares([0, 4, 16, 7], 1)
    [Decimal('0.0'), Decimal('14.8'), Decimal('59.3'), Decimal('25.9')]
    >>> sum(largest_remainder_shares([1, 1, 1], 2))
    Decimal('100.00')
    """
    whole = sum(counts)
    if whole <= 0:
        raise ValueError("shares of an empty block are undefined")
    step = Decimal(1).scaleb(-decimals)
    exact = [Decimal(c) * 100 / whole for c in counts]
    floors = [q.quantize(step, rounding=ROUND_FLOOR) for q in exact]
    missing = int((Decimal(100) - sum(floors)) / step)
    order = sorted(range(len(counts)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:missing]:
        floors[i] += step
    return floors

"""How many units of a block fall in each score interval, per band: the data of the
distribution chart drawn instead of one bar per unit when a block is large."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

#: Interval widths to choose from, smallest first.
_WIDTHS = tuple(Decimal(w) for w in ("0.5", "1", "2", "5", "10"))


@dataclass(frozen=True)
class Histogram:
    """Interval edges (one more than intervals) and, per band, the count per interval."""

    edges: tuple[Decimal, ...]
    counts: tuple[tuple[int, ...], ...]  #: counts[band][interval]


def interval_width(low: Decimal, high: Decimal, target: int = 30) -> Decimal:
    """Return the smallest listed width that cuts [low, high] into at most `target` parts.

    >>> interval_width(Decimal("61.2"), Decimal("98.7"))
    Decimal('2')
    >>> interval_width(Decimal("85"), Decimal("95"))
    Decimal('0.5')
    """
    span = high - low
    return next((w for w in _WIDTHS if span / w <= target), _WIDTHS[-1])


def histogram(values: Sequence[Decimal], bands: Sequence[int], band_count: int,
              width: Decimal | None = None) -> Histogram:
    """Return the counts of `values` per interval [edge, edge + width), split by band.

    Edges are multiples of `width`, so a band threshold on a whole number starts an
    interval whenever the width divides it.

    >>> h = histogram([Decimal("90"), Decimal("89.5"), Decimal("91.2")], [0, 1, 0], 2,
    ...               Decimal("1"))
    >>> [str(e) for e in h.edges], h.counts
    (['89', '90', '91', '92'], ((0, 1, 1), (1, 0, 0)))
    """
    low_value, high_value = min(values), max(values)
    width = width or interval_width(low_value, high_value)
    low = (low_value / width).to_integral_value(ROUND_FLOOR) * width
    intervals = int((high_value - low) // width) + 1
    edges = tuple(low + width * i for i in range(intervals + 1))
    counts = [[0] * intervals for _ in range(band_count)]
    for value, band in zip(values, bands, strict=True):
        counts[band][int((value - low) // width)] += 1
    return Histogram(edges, tuple(tuple(row) for row in counts))

"""Ranks and bands of scores."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Literal

TieRule = Literal["dense", "standard"]


def rank(scores: Sequence[Decimal], tie_rule: TieRule = "standard") -> list[int]:
    """Return the rank of each score (1 = highest), in the order of `scores`.

    Equal scores share a rank. "standard" skips the ranks a tie uses up (1, 2, 2, 4);
    "dense" does not (1, 2, 2, 3).

    >>> rank([Decimal(90), Decimal(95), Decimal(90), Decimal(80)])
    [2, 1, 2, 4]
    >>> rank([Decimal(90), Decimal(95), Decimal(90), Decimal(80)], "dense")
    [2, 1, 2, 3]
    >>> rank([])
    []
    """
    ordered = sorted(scores, reverse=True)
    if tie_rule == "dense":
        distinct = sorted(set(scores), reverse=True)
        position = {score: i + 1 for i, score in enumerate(distinct)}
    else:
        position = {}
        for i, score in enumerate(ordered):
            position.setdefault(score, i + 1)
    return [position[score] for score in scores]


def band_index(score: Decimal, lowers: Sequence[Decimal | None]) -> int:
    """Return the index of the band that `score` falls in.

    `lowers` are the inclusive lower bounds of the bands from the highest band down; the
    last band's bound is ``None`` (no lower bound). Bands are half-open, so a score equal
    to a bound belongs to the higher band.

    >>> lowers = [Decimal(90), Decimal(80), Decimal(70), None]
    >>> [band_index(Decimal(s), lowers) for s in ("90", "89.99", "80", "70", "69.99", "0")]
    [0, 1, 1, 2, 3, 3]
    """
    for i, lower in enumerate(lowers):
        if lower is None or score >= lower:
            return i
    return len(lowers) - 1

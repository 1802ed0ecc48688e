"""Year-over-year comparison of two rounds: a pure function of their computed results.

Blocks are paired by name, units by name inside a block pair, both compared the way
duplicate names are detected (:func:`~docgen.formatting.text.name_key`: NFC, blanks,
case). An explicit mapping {this year's name: last year's name} is applied first and
claims its previous unit; nothing is ever matched by resemblance. A unit without a
previous result (new this year, or reorganised) and a unit that is gone are named as such
and take no part in the score and rank comparisons.

Ranks are compared as published in each year's Phụ lục (a reader can check them there),
so "tăng 8 bậc" means rank 11 last year and rank 3 this year. Score changes are between
printed totals. Bands are paired by their label.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from docgen.compute.results import BlockResult, RoundResult, UnitResult
from docgen.formatting.text import name_key
from docgen.model.dossier import Band


@dataclass(frozen=True)
class Move:
    """One unit in both rounds."""

    unit: UnitResult  #: this year
    previous: UnitResult  #: last year

    @property
    def score_change(self) -> Decimal:
        """This year's total minus last year's (negative: fewer points)."""
        return self.unit.total - self.previous.total

    @property
    def rank_change(self) -> int:
        """Places gained (positive: moved up the ranking; negative: moved down)."""
        return self.previous.rank - self.unit.rank


@dataclass(frozen=True)
class BandChange:
    """A band's unit count this year against last year's count of the band of that label."""

    band: Band
    count: int
    previous_count: int | None  #: None when last year had no band of that label

    @property
    def change(self) -> int | None:
        return None if self.previous_count is None else self.count - self.previous_count


@dataclass(frozen=True)
class BlockComparison:
    """Every year-over-year figure of one block."""

    current: BlockResult
    previous: BlockResult
    moves: tuple[Move, ...]  #: matched units, this year's rank order
    new: tuple[UnitResult, ...]  #: this year only, rank order
    removed: tuple[UnitResult, ...]  #: last year only, last year's rank order
    bands: tuple[BandChange, ...]  #: this year's bands, highest first

    @property
    def average_change(self) -> Decimal:
        return self.current.average - self.previous.average

    @property
    def gap_change(self) -> Decimal:
        return self.current.gap - self.previous.gap

    @property
    def rose(self) -> tuple[Move, ...]:
        return tuple(m for m in self.moves if m.score_change > 0)

    @property
    def fell(self) -> tuple[Move, ...]:
        return tuple(m for m in self.moves if m.score_change < 0)

    @property
    def up(self) -> tuple[Move, ...]:
        return tuple(m for m in self.moves if m.rank_change > 0)

    @property
    def kept(self) -> tuple[Move, ...]:
        return tuple(m for m in self.moves if m.rank_change == 0)

    @property
    def down(self) -> tuple[Move, ...]:
        return tuple(m for m in self.moves if m.rank_change < 0)


def largest(moves: tuple[Move, ...], key: Callable[[Move], Decimal | int]) -> tuple[Move, ...]:
    """Return the moves with the largest absolute `key` (all of them on a tie).

    >>> largest((), lambda m: m.rank_change)
    ()
    """
    if not moves:
        return ()
    top = max(abs(key(m)) for m in moves)
    return tuple(m for m in moves if abs(key(m)) == top)


def compare_blocks(current: BlockResult, previous: BlockResult,
                   mapping: Mapping[str, str] | None = None) -> BlockComparison:
    """Return the comparison of one block with the same block last year."""
    explicit = {name_key(k): name_key(v) for k, v in (mapping or {}).items()}
    by_name = {name_key(u.name): u for u in previous.units}
    claimed = set(explicit.values())
    moves, new, used = [], [], set()
    for unit in current.units:
        key = name_key(unit.name)
        target = explicit.get(key)
        if target is None and key not in claimed:
            target = key
        match = by_name.get(target) if target is not None else None
        if match is None or target in used:
            new.append(unit)
            continue
        used.add(target)
        moves.append(Move(unit, match))
    removed = tuple(u for u in previous.units if name_key(u.name) not in used)
    previous_counts = {name_key(b.band.label): len(b.units) for b in previous.bands}
    bands = tuple(
        BandChange(b.band, len(b.units), previous_counts.get(name_key(b.band.label)))
        for b in current.bands
    )
    return BlockComparison(current, previous, tuple(moves), tuple(new), removed, bands)


@dataclass(frozen=True)
class RoundComparison:
    """A round compared with its previous round, block by block."""

    previous_year: int
    blocks: tuple[BlockComparison | None, ...]  #: per block of this year; None: no pair


def compare_rounds(current: RoundResult, previous: RoundResult, previous_year: int,
                   mapping: Mapping[str, str] | None = None) -> RoundComparison:
    """Return, for each block of `current`, its comparison with the block of the same
    name in `previous` (None when last year had no such block)."""
    by_name = {name_key(b.block.name): b for b in previous.blocks}
    return RoundComparison(previous_year, tuple(
        compare_blocks(b, by_name[name_key(b.block.name)], mapping)
        if name_key(b.block.name) in by_name else None
        for b in current.blocks
    ))

"""Compute every figure of a round from the unit scores.

Input: a validated :class:`~docgen.model.dossier.Dossier`. Output: :class:`RoundResult`,
plain frozen dataclasses of `Decimal` and `int`, no text. Each unit's total is first
rounded half-up to the scheme's decimals — the figure printed in the Phụ lục — and
everything else (ranks, bands, averages, counts below the average) is computed from
those printed totals, so that a reader who recomputes from the tables finds the same
figures as the text.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from docgen.compute.ranking import band_index, rank
from docgen.compute.shares import largest_remainder_shares, mean, percent
from docgen.model.dossier import Band, Block, Dossier, Scheme, Unit
from docgen.rounding import round_half_up


@dataclass(frozen=True)
class UnitResult:
    """One unit's published figures."""

    name: str
    order: int  #: position in the dossier (0-based), used to order ties
    total: Decimal  #: rounded to the scheme's decimals
    scores: tuple[Decimal, ...]  #: component scores, in scheme order; empty if none
    fields: tuple[Decimal, ...]  #: field scores, in scheme order; empty if none
    rank: int
    band: int  #: index into the scheme's bands (0 = highest)


@dataclass(frozen=True)
class BandResult:
    """The units of one band in one block."""

    band: Band
    units: tuple[UnitResult, ...]  #: in rank order
    share: Decimal  #: percent of the block, largest-remainder rounded


@dataclass(frozen=True)
class ComponentStat:
    """Average of one component or field over a block, with its best and worst units."""

    key: str
    name: str
    max: Decimal
    average: Decimal  #: rounded
    below: int  #: units scoring below the rounded average
    best: tuple[UnitResult, ...]  #: all units on a tie
    worst: tuple[UnitResult, ...]


@dataclass(frozen=True)
class BlockResult:
    """Every figure of one block."""

    block: Block
    scheme: Scheme  #: the block's effective scheme (its own ``thang điểm`` over the dossier's)
    units: tuple[UnitResult, ...]  #: in rank order (ties in dossier order)
    average: Decimal  #: rounded
    highest: tuple[UnitResult, ...]
    lowest: tuple[UnitResult, ...]
    gap: Decimal
    below_average: int
    bands: tuple[BandResult, ...]
    components: tuple[ComponentStat, ...]  #: empty when units carry totals only
    fields: tuple[ComponentStat, ...]  #: empty when units carry no field scores

    @property
    def size(self) -> int:
        return len(self.units)

    def component(self, key: str) -> ComponentStat | None:
        """Return the statistics of component `key`, if the block has component scores."""
        return next((c for c in self.components if c.key == key), None)


@dataclass(frozen=True)
class SurveyRates:
    """Return and validity rates of the survey, in percent."""

    return_rate: Decimal
    valid_rate: Decimal


@dataclass(frozen=True)
class RoundResult:
    """Every computed figure of a dossier."""

    blocks: tuple[BlockResult, ...]
    survey: SurveyRates | None


def unit_total(unit: Unit) -> Decimal:
    """Return the unit's exact total: as given, else the sum of components or fields."""
    if unit.total is not None:
        return unit.total
    if unit.scores:
        return sum(unit.scores.values(), Decimal(0))
    return sum(unit.fields.values(), Decimal(0))


def compute_block(block: Block, scheme: Scheme) -> BlockResult:
    """Return the figures of one block."""
    decimals = scheme.score_decimals
    totals = [round_half_up(unit_total(u), decimals) for u in block.units]
    ranks = rank(totals, scheme.tie_rule)
    lowers = [band.lower for band in scheme.bands]
    units = [
        UnitResult(
            name=u.name,
            order=i,
            total=totals[i],
            scores=tuple(u.scores[c.key] for c in scheme.components) if u.scores else (),
            fields=tuple(u.fields[f.key] for f in scheme.fields) if u.fields else (),
            rank=ranks[i],
            band=band_index(totals[i], lowers),
        )
        for i, u in enumerate(block.units)
    ]
    ordered = tuple(sorted(units, key=lambda u: (u.rank, u.order)))
    average = round_half_up(mean(totals), decimals)
    top, bottom = max(totals), min(totals)
    counts = [sum(1 for u in units if u.band == i) for i in range(len(scheme.bands))]
    shares = largest_remainder_shares(counts, scheme.share_decimals)
    bands = tuple(
        BandResult(band, tuple(u for u in ordered if u.band == i), shares[i])
        for i, band in enumerate(scheme.bands)
    )
    components = ()
    if all(u.scores for u in units):
        components = tuple(
            _stat(c.key, c.name, c.max, ordered, [u.scores[i] for u in ordered], decimals)
            for i, c in enumerate(scheme.components)
        )
    fields = ()
    if scheme.fields and all(u.fields for u in units):
        fields = tuple(
            _stat(f.key, f.name, f.max, ordered, [u.fields[i] for u in ordered], decimals)
            for i, f in enumerate(scheme.fields)
        )
    return BlockResult(
        block=block,
        scheme=scheme,
        units=ordered,
        average=average,
        highest=tuple(u for u in ordered if u.total == top),
        lowest=tuple(u for u in ordered if u.total == bottom),
        gap=top - bottom,
        below_average=sum(1 for t in totals if t < average),
        bands=bands,
        components=components,
        fields=fields,
    )


def _stat(key: str, name: str, maximum: Decimal, units: tuple[UnitResult, ...],
          values: list[Decimal], decimals: int) -> ComponentStat:
    average = round_half_up(mean(values), decimals)
    top, bottom = max(values), min(values)
    return ComponentStat(
        key=key,
        name=name,
        max=maximum,
        average=average,
        below=sum(1 for v in values if round_half_up(v, decimals) < average),
        best=tuple(u for u, v in zip(units, values, strict=True) if v == top),
        worst=tuple(u for u, v in zip(units, values, strict=True) if v == bottom),
    )


def compute_round(dossier: Dossier) -> RoundResult:
    """Return every figure of `dossier`."""
    blocks = tuple(compute_block(b, dossier.scheme_of(b)) for b in dossier.blocks)
    survey = None
    if dossier.survey is not None:
        s = dossier.survey
        decimals = dossier.scheme.share_decimals
        valid_rate = percent(s.valid, s.returned, decimals) if s.returned else Decimal(0)
        survey = SurveyRates(percent(s.returned, s.issued, decimals), valid_rate)
    return RoundResult(blocks=blocks, survey=survey)

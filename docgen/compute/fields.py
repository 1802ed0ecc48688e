"""Per-field (lĩnh vực) results of a block: the figures of section III and of the Biểu tables.

A block has field results only when every unit carries its appraised field scores (TĐ);
the self-assessment columns (TĐG) appear only when every unit carries its self-assessed
field scores too, so a table never mixes units with and without them. Averages are
rounded half-up to the scheme's decimals (the TĐ statistics come from
:func:`~docgen.compute.results.compute_block`, which also finds the best and worst units),
and the share of the maximum is computed from the printed average, so a reader
recomputing from the Biểu finds the text's figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from docgen.compute.results import BlockResult, ComponentStat, UnitResult
from docgen.compute.shares import mean, percent
from docgen.model.dossier import Scheme, Unit
from docgen.rounding import round_half_up


@dataclass(frozen=True)
class FieldStat:
    """One lĩnh vực over a block: average against its maximum, best and worst units."""

    key: str
    name: str
    max: Decimal
    average: Decimal  #: rounded to the scheme's score decimals
    percent: Decimal  #: the rounded average as a percentage of `max`, share decimals
    best: tuple[UnitResult, ...]  #: every unit on the highest score, rank order
    best_score: Decimal
    worst: tuple[UnitResult, ...]  #: every unit on the lowest score, rank order
    worst_score: Decimal
    self_average: Decimal | None  #: average self-assessed score (TĐG), when present


@dataclass(frozen=True)
class FieldRow:
    """One unit's line of the Biểu table."""

    unit: UnitResult
    self_fields: tuple[Decimal, ...]  #: TĐG per field in scheme order; empty without TĐG
    self_total: Decimal | None  #: TĐG total (given, or the sum of the fields)


@dataclass(frozen=True)
class FieldResults:
    """Everything per lĩnh vực of one block."""

    fields: tuple[FieldStat, ...]
    rows: tuple[FieldRow, ...]  #: rank order
    has_self: bool
    self_total_average: Decimal | None


def field_results(block: BlockResult, scheme: Scheme) -> FieldResults | None:
    """Return the per-field results of `block`, or None when its units carry no fields."""
    if not block.fields:
        return None
    decimals = scheme.score_decimals
    units: list[Unit] = list(block.block.units)
    has_self = all(units[u.order].self_fields for u in block.units)
    rows = tuple(_row(u, units[u.order], scheme, has_self) for u in block.units)
    stats = tuple(
        _field_stat(stat, i, rows, has_self, scheme)
        for i, stat in enumerate(block.fields)
    )
    self_total_average = None
    if has_self:
        self_total_average = round_half_up(mean([r.self_total for r in rows]), decimals)
    return FieldResults(stats, rows, has_self, self_total_average)


def _row(result: UnitResult, unit: Unit, scheme: Scheme, has_self: bool) -> FieldRow:
    if not has_self:
        return FieldRow(result, (), None)
    decimals = scheme.score_decimals
    values = tuple(round_half_up(unit.self_fields[f.key], decimals) for f in scheme.fields)
    total = unit.self_total if unit.self_total is not None else sum(values, Decimal(0))
    return FieldRow(result, values, round_half_up(total, decimals))


def _field_stat(stat: ComponentStat, index: int, rows: tuple[FieldRow, ...], has_self: bool,
                scheme: Scheme) -> FieldStat:
    self_average = None
    if has_self:
        values = [r.self_fields[index] for r in rows]
        self_average = round_half_up(mean(values), scheme.score_decimals)
    return FieldStat(
        key=stat.key,
        name=stat.name,
        max=stat.max,
        average=stat.average,
        percent=percent(stat.average, stat.max, scheme.share_decimals),
        best=stat.best,
        best_score=stat.best[0].fields[index],
        worst=stat.worst,
        worst_score=stat.worst[0].fields[index],
        self_average=self_average,
    )

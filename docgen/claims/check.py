"""Compare what a spreadsheet states (totals, ranks, bands, its average and sum rows) with
the computed figures, and name the root cause of each chain of disagreements once.

Published tables carry mistakes (a rank typed by hand after a late correction, a band
copied from last year, an average row truncated where rounding was due). docgen computes
every figure itself and never copies the sheet's; each disagreement becomes a
:class:`Disagreement` naming the cell, which the CLI prints on stderr without stopping:
"Cảnh báo: diem.xlsx, trang tính 'Bảng 2', ô F19 (Huyện Lang Chánh): bảng ghi xếp hạng 13;
tính được 14".

- A total agrees when it equals the computed total once both are rounded to the scheme's
  decimals. A band agrees when its label matches, ignoring case, blanks and a leading
  "Mức" or "Nhóm" ("Tốt", "mức TỐT" and "TỐT" are the same band).
- **Root causes, not cascades.** One rank typed wrong and the ranks after it numbered on
  from it (every later rank one too small) is one mistake: consecutive rows of the sheet
  whose ranks are all off by the same amount give one warning, at the first of them,
  saying how many rows after it are shifted. A rank (or band) that is right for the total
  the sheet typed wrong is no mistake of its own: the total's warning says how many
  ranks follow from it.
- **Summary rows** ("Trung bình", "ĐTB", "TB"; "Tổng cộng", "Cộng") are compared with the
  average or sum docgen computes over the block's units, at the precision the cell shows:
  "14,3" for 14,30 agrees; "12,34" for 12,345 does not (truncated where rounding was due).
  An average agrees with the exact mean rounded to the shown decimals or with docgen's
  published (rounded) average rounded again, so rounding twice is never called a mistake.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from docgen.compute.ranking import rank
from docgen.compute.results import BlockResult, RoundResult, UnitResult
from docgen.compute.shares import mean
from docgen.formatting.numbers import format_number
from docgen.formatting.text import name_key
from docgen.model.dossier import Scheme
from docgen.model.sources import SheetClaims, SummaryClaims, UnitClaims
from docgen.rounding import round_half_up


@dataclass(frozen=True)
class Disagreement:
    """One disagreement between a sheet and docgen's figures."""

    source: str
    place: str  #: "trang tính 'Bảng 2', ô F19 (Huyện Lang Chánh)"
    what: str  #: "xếp hạng", "tổng điểm", "xếp loại", "điểm trung bình", "tổng"
    stated: str
    computed: str
    note: str = ""  #: what follows from it: "7 dòng sau lệch theo …"

    @property
    def message(self) -> str:
        """Return the line the CLI prints after "Cảnh báo: "."""
        text = (f"{self.source}, {self.place}: bảng ghi {self.what} {self.stated}; "
                f"tính được {self.computed}")
        return f"{text}; {self.note}" if self.note else text


def _band_key(label: str, term: str) -> str:
    key = name_key(label)
    for prefix in dict.fromkeys((name_key(term), "mức", "nhóm", "loại")):  # a fixed order
        key = re.sub(rf"^{re.escape(prefix)}\s+", "", key)
    return key


def check_claims(result: RoundResult, sheets: Sequence[SheetClaims]) -> list[Disagreement]:
    """Return every disagreement between the sheets' claims and the computed `result`,
    each root cause once (see the module's docstring). Each sheet is read with its
    block's own scheme (decimals, band names)."""
    found: list[Disagreement] = []
    for sheet in sheets:
        found += _check_sheet(sheet, result.blocks[sheet.block])
    return found


def _place(sheet: SheetClaims, ref: str, label: str) -> str:
    cell = f"ô {ref} ({label})"
    return f"{sheet.place}, {cell}" if sheet.place else cell


def _check_sheet(sheet: SheetClaims, block: BlockResult) -> list[Disagreement]:
    scheme = block.scheme
    by_name = {name_key(u.name): u for u in block.units}
    units = [(claims, by_name[name_key(claims.name)]) for claims in sheet.units]
    totals = _wrong_totals(units, scheme)
    explained_ranks, explained_bands, follow = _explained(units, totals, block, scheme)
    ranks = _rank_chains(units, explained_ranks)
    found: list[Disagreement] = []
    for claims, computed in units:  # sheet order; each unit's total, rank, band in turn
        for kind in ("total", "rank", "band"):
            claim = claims.claims.get(kind)
            if claim is None:
                continue
            place = _place(sheet, claim.ref, claims.name)
            if kind == "total" and claims.name in totals:
                stated = format_number(claim.value, scheme.score_decimals)  # type: ignore[arg-type]
                found.append(Disagreement(sheet.source, place, "tổng điểm", stated,
                                          format_number(computed.total, scheme.score_decimals),
                                          follow.get(claims.name, "")))
            elif kind == "rank" and claims.name in ranks:
                found.append(Disagreement(sheet.source, place, "xếp hạng", str(claim.value),
                                          str(computed.rank), ranks[claims.name]))
            elif kind == "band" and claims.name not in explained_bands:
                difference = _band(claim.value, computed, scheme)
                if difference:
                    found.append(Disagreement(sheet.source, place, "xếp loại", *difference))
    for summary in sheet.summaries:
        found += _check_summary(sheet, summary, block)
    return found


def _wrong_totals(units: list[tuple[UnitClaims, UnitResult]], scheme: Scheme
                  ) -> dict[str, Decimal]:
    """Return unit name -> the total the sheet states, for the totals that disagree."""
    wrong = {}
    for claims, computed in units:
        claim = claims.claims.get("total")
        if claim is not None and isinstance(claim.value, Decimal):
            stated = round_half_up(claim.value, scheme.score_decimals)
            if stated != computed.total:
                wrong[claims.name] = stated
    return wrong


def _explained(units: list[tuple[UnitClaims, UnitResult]], wrong: dict[str, Decimal],
               block: BlockResult, scheme: Scheme) -> tuple[set[str], set[str], dict[str, str]]:
    """Return the units whose stated rank, and whose stated band, are right for the totals
    the sheet typed (so they are no mistake of their own), and for each wrong total the
    note saying what follows from it."""
    if not wrong:
        return set(), set(), {}
    names = [u.name for u in block.block.units]
    computed = {u.name: u for u in block.units}
    lowers = [b.lower for b in scheme.bands]

    def ranks_with(changed: dict[str, Decimal]) -> dict[str, int]:
        values = [changed.get(n, computed[n].total) for n in names]
        return dict(zip(names, rank(values, scheme.tie_rule), strict=True))

    stated_ranks = ranks_with(wrong)
    ranks: set[str] = set()
    bands: set[str] = set()
    for claims, result in units:
        rank_claim, band_claim = claims.claims.get("rank"), claims.claims.get("band")
        if rank_claim is not None and rank_claim.value != result.rank \
                and rank_claim.value == stated_ranks[claims.name]:
            ranks.add(claims.name)
        if band_claim is not None and claims.name in wrong and _band(band_claim.value, result,
                                                                     scheme):
            index = _band_of(wrong[claims.name], lowers)
            if _band_key(str(band_claim.value), scheme.band_term) == \
                    _band_key(scheme.bands[index].label, scheme.band_term):
                bands.add(claims.name)
    notes = {}
    for name, total in wrong.items():
        alone = ranks_with({name: total})
        moved = sorted(n for n in ranks if alone[n] != computed[n].rank)
        parts = []
        if moved:
            parts.append(f"xếp hạng của {len(moved)} đơn vị ghi theo tổng điểm sai này")
        if name in bands:
            parts.append("xếp loại cũng ghi theo tổng điểm sai này")
        if parts:
            notes[name] = "; ".join(parts)
    return ranks, bands, notes


def _band_of(total: Decimal, lowers: list[Decimal | None]) -> int:
    for i, lower in enumerate(lowers):
        if lower is None or total >= lower:
            return i
    return len(lowers) - 1


def _rank_chains(units: list[tuple[UnitClaims, UnitResult]], explained: set[str]
                 ) -> dict[str, str]:
    """Return unit name -> note for the rank warnings to print: one per run of consecutive
    sheet rows off by the same amount, at its first row."""
    offsets: list[tuple[str, int]] = []
    for claims, computed in units:
        claim = claims.claims.get("rank")
        if claim is None:
            continue
        offset = 0 if claims.name in explained else int(claim.value) - computed.rank  # type: ignore[arg-type]
        offsets.append((claims.name, offset))
    warnings: dict[str, str] = {}
    i = 0
    while i < len(offsets):
        name, offset = offsets[i]
        j = i
        while j + 1 < len(offsets) and offsets[j + 1][1] == offset:
            j += 1
        if offset != 0:
            after = j - i
            note = ""
            if after:
                direction = "nhỏ hơn" if offset < 0 else "lớn hơn"
                note = (f"{after} dòng sau cũng lệch theo dòng này (mỗi dòng ghi {direction} "
                        f"{abs(offset)} bậc)")
            warnings[name] = note
        i = j + 1
    return warnings


def _band(stated: Decimal | int | str, computed: UnitResult, scheme: Scheme
          ) -> tuple[str, str] | None:
    """Return (stated, computed) as printed when the band disagrees, else None."""
    label = scheme.bands[computed.band].label
    if _band_key(str(stated), scheme.band_term) == _band_key(label, scheme.band_term):
        return None
    return f"'{stated}'", f"'{label}'"


def unit_values(block: BlockResult, target: str, key: str | None) -> list[Decimal] | None:
    """Return every unit's figure of one kind (the printed total, a component, a lĩnh vực,
    a self-assessment), in rank order; None when some unit lacks it."""
    if target == "total":
        return [u.total for u in block.units]
    dossier_units = [block.block.units[u.order] for u in block.units]
    values = []
    for unit in dossier_units:
        if target == "self_total":
            value = unit.self_total
            if value is None and unit.self_fields:
                value = sum(unit.self_fields.values(), Decimal(0))
        else:
            value = getattr(unit, target).get(key)
        if value is None:
            return None
        values.append(value)
    return values


def _check_summary(sheet: SheetClaims, summary: SummaryClaims,
                   block: BlockResult) -> list[Disagreement]:
    if not summary.after_units:
        return []  # a subtotal between groups: which units it covers is not written down
    decimals = block.scheme.score_decimals
    found = []
    for value in summary.values:
        values = unit_values(block, value.target, value.key)
        if not values:
            continue
        shown = value.cell.decimals
        stated = round_half_up(value.cell.value, shown)
        if summary.kind == "average":
            exact = mean(values)
            accepted = {round_half_up(exact, shown),
                        round_half_up(round_half_up(exact, decimals), shown)}
            what = "điểm trung bình"
        else:
            exact = sum(values, Decimal(0))
            accepted = {round_half_up(exact, shown)}
            what = "tổng"
        if stated in accepted:
            continue
        label = f"dòng '{summary.label}', cột '{value.column}'"
        found.append(Disagreement(sheet.source, _place(sheet, value.cell.ref, label), what,
                                  format_number(stated, shown),
                                  format_number(round_half_up(exact, shown), shown)))
    return found

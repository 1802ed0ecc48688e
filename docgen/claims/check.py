"""Compare the totals, ranks and bands a spreadsheet states with the computed ones.

Published tables carry mistakes (a rank typed by hand after a late correction, a band
copied from last year). docgen computes every figure itself and never copies the sheet's;
each disagreement becomes a :class:`Disagreement` naming the cell, which the CLI prints on
stderr without stopping: "Cảnh báo: diem.xlsx, trang tính 'Bảng 2', ô F19 (Huyện Lang
Chánh): bảng ghi xếp hạng 13, tính được 14".

A total agrees when it equals the computed total once both are rounded to the scheme's
decimals. A band agrees when its label matches, ignoring case, blanks and a leading "Mức"
or "Nhóm" ("Tốt", "mức TỐT" and "TỐT" are the same band).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from docgen.compute.results import RoundResult, UnitResult
from docgen.formatting.numbers import format_number
from docgen.formatting.text import name_key
from docgen.model.dossier import Scheme
from docgen.model.sources import SheetClaims
from docgen.rounding import round_half_up


@dataclass(frozen=True)
class Disagreement:
    """One disagreement between a sheet and docgen's figures."""

    source: str
    place: str  #: "trang tính 'Bảng 2', ô F19 (Huyện Lang Chánh)"
    what: str  #: "xếp hạng", "tổng điểm", "xếp loại"
    stated: str
    computed: str

    @property
    def message(self) -> str:
        """Return the line the CLI prints after "Cảnh báo: "."""
        return (f"{self.source}, {self.place}: bảng ghi {self.what} {self.stated}, "
                f"tính được {self.computed}")


def _band_key(label: str, term: str) -> str:
    key = name_key(label)
    for prefix in dict.fromkeys((name_key(term), "mức", "nhóm", "loại")):  # a fixed order
        key = re.sub(rf"^{re.escape(prefix)}\s+", "", key)
    return key


def check_claims(scheme: Scheme, result: RoundResult,
                 sheets: Sequence[SheetClaims]) -> list[Disagreement]:
    """Return every disagreement between the sheets' claims and the computed `result`."""
    found: list[Disagreement] = []
    for sheet in sheets:
        by_name = {name_key(u.name): u for u in result.blocks[sheet.block].units}
        for unit in sheet.units:
            computed = by_name[name_key(unit.name)]
            for kind in ("total", "rank", "band"):
                claim = unit.claims.get(kind)
                if claim is None:
                    continue
                cell = f"ô {claim.ref} ({unit.name})"
                place = f"{sheet.place}, {cell}" if sheet.place else cell
                difference = _compare(kind, claim.value, computed, scheme)
                if difference:
                    found.append(Disagreement(sheet.source, place, *difference))
    return found


def _compare(kind: str, stated: Decimal | int | str, computed: UnitResult,
             scheme: Scheme) -> tuple[str, str, str] | None:
    """Return (what, stated, computed) as printed when the claim disagrees, else None."""
    if kind == "total":
        assert isinstance(stated, Decimal)
        if round_half_up(stated, scheme.score_decimals) == computed.total:
            return None
        return ("tổng điểm", format_number(stated, scheme.score_decimals),
                format_number(computed.total, scheme.score_decimals))
    if kind == "rank":
        return None if stated == computed.rank else ("xếp hạng", str(stated), str(computed.rank))
    label = scheme.bands[computed.band].label
    if _band_key(str(stated), scheme.band_term) == _band_key(label, scheme.band_term):
        return None
    return "xếp loại", f"'{stated}'", f"'{label}'"

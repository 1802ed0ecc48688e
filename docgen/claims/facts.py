"""The computed figures a written statement can be checked against, looked up by words.

A sentence of a report names a block ("khối sở", "các xã, phường"), a lĩnh vực ("Cải cách
thủ tục hành chính"), a unit ("Sở Nội vụ"), a band ("Mức TỐT", "nhóm A") in the words
staff use; :class:`Facts` finds each of them in a text (compared without diacritics, case
or punctuation, as sheet headers are) and holds the figures of a computed round: per
block its size, average, highest and lowest, gap, units below the average, bands (count,
share, names), units (total, rank, band), lĩnh vực and components (average, best, worst);
and the survey's ballots and rates.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from docgen.compute.compare import RoundComparison
from docgen.compute.results import BlockResult, ComponentStat, RoundResult, UnitResult
from docgen.model.dossier import Dossier, Scheme


def fold(text: str) -> str:
    """Text without diacritics (đ -> d), case or punctuation, one blank between words.

    >>> fold("Sở Văn hóa, Thể thao và Du lịch"), fold("UBND  huyện Mai Sơn")
    ('so van hoa the thao va du lich', 'ubnd huyen mai son')
    """
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^0-9a-z%]+", " ", text).split())


def contains(haystack: str, needle: str) -> bool:
    """Whether folded `needle` occurs in folded `haystack` as whole words."""
    return bool(needle) and f" {needle} " in f" {haystack} "


@dataclass(frozen=True)
class BlockFacts:
    """One computed block and the words that name it."""

    index: int
    result: BlockResult
    words: tuple[str, ...]  #: folded names of the block: "khoi so", "cac so", "so" …

    @property
    def scheme(self) -> Scheme:
        return self.result.scheme

    @property
    def name(self) -> str:
        return self.result.block.name

    def unit(self, name: str) -> UnitResult | None:
        key = fold(name)
        return next((u for u in self.result.units if fold(u.name) == key), None)

    def band(self, label: str) -> int | None:
        """Index of the band named `label` ("TỐT", "Mức TỐT", "nhóm B")."""
        key = _band_key(label, self.scheme.band_term)
        for i, band in enumerate(self.scheme.bands):
            if _band_key(band.label, self.scheme.band_term) == key:
                return i
        return None

    def field_named(self, text: str) -> ComponentStat | None:
        """The lĩnh vực (or component) whose name appears in `text`, the longest name first."""
        folded = fold(text)
        stats = sorted((*self.result.fields, *self.result.components),
                       key=lambda s: -len(s.name))
        return next((s for s in stats if contains(folded, fold(s.name))), None)


def _band_key(label: str, term: str) -> str:
    key = fold(label)
    for prefix in dict.fromkeys((fold(term), "muc", "nhom", "loai", "xep loai")):
        key = re.sub(rf"^{re.escape(prefix)}\s+", "", key)
    return key


@dataclass
class Facts:
    """Every computed figure of a round, for checking statements; empty without data."""

    year: int | None = None
    blocks: list[BlockFacts] = field(default_factory=list)
    survey: tuple[int, int, int] | None = None  #: issued, returned, valid
    comparison: RoundComparison | None = None

    @classmethod
    def of(cls, dossier: Dossier, result: RoundResult,
           comparison: RoundComparison | None = None) -> Facts:
        blocks = []
        for i, block in enumerate(result.blocks):
            b = block.block
            words = {fold(b.name), fold(b.subject), fold(b.description), f"khoi {fold(b.short_name)}",
                     f"cac {fold(b.short_name)}", f"cap {fold(b.short_name)}"}
            blocks.append(BlockFacts(i, block, tuple(sorted(w for w in words if w))))
        survey = None
        if dossier.survey is not None:
            survey = (dossier.survey.issued, dossier.survey.returned, dossier.survey.valid)
        return cls(dossier.year, blocks, survey, comparison)

    @property
    def has_data(self) -> bool:
        return bool(self.blocks)

    def block_in(self, text: str) -> BlockFacts | None:
        """The block the text names (the longest, most specific words first), if one."""
        folded = fold(text)
        best: tuple[int, BlockFacts] | None = None
        for block in self.blocks:
            for words in block.words:
                if contains(folded, words) and (best is None or len(words) > best[0]):
                    best = (len(words), block)
        return best[1] if best else None

    def units_in(self, text: str) -> list[tuple[int, int, BlockFacts, UnitResult]]:
        """(start, end in `text`, block, unit) of every unit named in `text`, in text
        order; a name inside a longer unit name found at the same place is left out."""
        simple = plain(text)
        found: list[tuple[int, int, BlockFacts, UnitResult]] = []
        for block in self.blocks:
            for unit in block.result.units:
                for match in name_pattern(unit.name).finditer(simple):
                    found.append((match.start(), match.end(), block, unit))
        kept = [f for f in found if not any(o[0] <= f[0] and f[1] <= o[1] and
                                            (o[1] - o[0]) > (f[1] - f[0]) for o in found)]
        return sorted(kept, key=lambda f: (f[0], f[2].index))


def plain(text: str) -> str:
    """`text` lower case without diacritics, one character for each of `text`'s, so that a
    match in it is at the same place in `text`.

    >>> plain("Sở Nội vụ (96,53 điểm)")
    'so noi vu (96,53 diem)'
    """
    out = []
    for char in text:
        base = unicodedata.normalize("NFD", char.replace("đ", "d").replace("Đ", "D"))[0]
        lowered = base.lower()
        out.append(lowered if len(lowered) == 1 else base)
    return "".join(out)


def name_pattern(name: str) -> re.Pattern[str]:
    """A pattern finding `name` in :func:`plain` text, whatever the blanks between words."""
    words = re.findall(r"[0-9a-z]+", plain(name))
    return re.compile(r"(?<![0-9a-z])" + r"[\s,.\-–&]+".join(map(re.escape, words))
                      + r"(?![0-9a-z])")

"""Probable renames against last year: reported with the ``ánh xạ`` line to add, never matched.

Units are matched with last year's by name (after the explicit ``kỳ trước › ánh xạ``) in
:mod:`docgen.compute.compare`; a name misspelled in one of the two years ("Huyện Bá Thươc"
for "Huyện Bá Thước") leaves one unit "new" and one "gone", and the published Báo cáo
would say so. This module looks at those leftovers only: a unit new this year and a unit
gone from last year whose names are close — the same but for case, blanks or punctuation,
for diacritics, for a usual abbreviation (UBND, TP., KCN…), or a small edit distance — are
reported as a probable rename. docgen still never matches them by itself: the clerk adds
the line the warning gives, or corrects the name.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass

from docgen.compute.compare import BlockComparison, RoundComparison
from docgen.compute.results import UnitResult

#: Usual abbreviations in unit names, folded (no diacritics), and what they stand for.
ABBREVIATIONS = {
    "ubnd": "uy ban nhan dan", "tp": "thanh pho", "tx": "thi xa", "tt": "thi tran",
    "h": "huyen", "kcn": "khu cong nghiep", "kkt": "khu kinh te", "bql": "ban quan ly",
    "vp": "van phong", "cchc": "cai cach hanh chinh", "khcn": "khoa hoc va cong nghe",
    "gd dt": "giao duc va dao tao", "gddt": "giao duc va dao tao", "ld tb xh":
    "lao dong thuong binh va xa hoi", "tn mt": "tai nguyen va moi truong",
    "tnmt": "tai nguyen va moi truong", "vh tt dl": "van hoa the thao va du lich",
    "gtvt": "giao thong van tai", "nn ptnt": "nong nghiep va phat trien nong thon",
    "kh dt": "ke hoach va dau tu", "khdt": "ke hoach va dau tu", "tt tt": "thong tin va "
    "truyen thong", "ttt": "thong tin va truyen thong",
}


@dataclass(frozen=True)
class ProbableRename:
    """A unit new this year that is probably last year's unit under another spelling."""

    block: str
    current: str  #: this year's name
    previous: str  #: last year's name
    reason: str  #: "chỉ khác dấu", …

    @property
    def mapping_line(self) -> str:
        """The line to add under ``kỳ trước › ánh xạ`` (this year's name first)."""
        return f"{json.dumps(self.current, ensure_ascii=False)}: " \
               f"{json.dumps(self.previous, ensure_ascii=False)}"

    def message(self, source: str, year: int, previous_year: int) -> str:
        return (f"{source}: {self.block}: '{self.current}' (năm {year}) và '{self.previous}' "
                f"(năm {previous_year}) có thể là một đơn vị ({self.reason}); docgen không ghép "
                f"theo phỏng đoán: nếu đúng là một đơn vị, thêm vào 'kỳ trước › ánh xạ' dòng "
                f"{self.mapping_line}, nếu không thì sửa tên cho đúng")


def _nfc_lower(name: str) -> str:
    return unicodedata.normalize("NFC", name).casefold()


def _compact(name: str) -> str:
    """Lower case, no blanks or punctuation, diacritics kept."""
    return re.sub(r"[\W_]+", "", _nfc_lower(name))


def _fold(name: str) -> str:
    """No diacritics (đ -> d), lower case, words separated by one blank."""
    text = _nfc_lower(name).replace("&", " và ").replace("đ", "d")
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


def _expand(name: str) -> str:
    """Folded, with the usual abbreviations written out and joining words dropped."""
    text = f" {_fold(name)} "
    for short, long in sorted(ABBREVIATIONS.items(), key=lambda item: -len(item[0])):
        text = text.replace(f" {short} ", f" {long} ")
    return "".join(w for w in text.split() if w != "va")


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions).

    >>> edit_distance("huyenbathuoc", "huyenbathươc"), edit_distance("abc", "abc")
    (2, 0)
    """
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, start=1):
        current = [i]
        for j, y in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


def closeness(current: str, previous: str) -> tuple[int, str] | None:
    """Return (level, reason) when the two names are probably one unit; lower is closer.

    >>> closeness("Huyện Bá Thươc", "Huyện Bá Thước")
    (1, 'chỉ khác dấu')
    >>> closeness("UBND huyện Mai Sơn", "Ủy ban nhân dân huyện Mai Sơn")
    (2, 'một bên viết tắt')
    >>> closeness("Sở Y tế", "Sở Xây dựng") is None
    True
    """
    if _compact(current) == _compact(previous):
        return 0, "chỉ khác chữ hoa, chữ thường, khoảng trắng hoặc dấu câu"
    if _fold(current).replace(" ", "") == _fold(previous).replace(" ", ""):
        return 1, "chỉ khác dấu"
    if _expand(current) == _expand(previous):
        return 2, "một bên viết tắt"
    a, b = _compact(current), _compact(previous)
    distance = edit_distance(a, b)
    if distance <= 2 and distance * 8 <= max(len(a), len(b)):
        return 3, f"khác {distance} ký tự"
    return None


def probable_renames(comparison: BlockComparison) -> list[ProbableRename]:
    """Return the probable renames among the new and gone units of one block; each unit
    takes part in one at most, the closest pairs first."""
    candidates: list[tuple[int, int, int, UnitResult, UnitResult, str]] = []
    for i, new in enumerate(comparison.new):
        for j, gone in enumerate(comparison.removed):
            found = closeness(new.name, gone.name)
            if found is not None:
                candidates.append((found[0], i, j, new, gone, found[1]))
    candidates.sort(key=lambda c: c[:3])
    used_new: set[int] = set()
    used_gone: set[int] = set()
    pairs = []
    for _, i, j, new, gone, reason in candidates:
        if i in used_new or j in used_gone:
            continue
        used_new.add(i)
        used_gone.add(j)
        pairs.append((i, ProbableRename(comparison.current.block.name, new.name, gone.name,
                                        reason)))
    return [rename for _, rename in sorted(pairs, key=lambda p: p[0])]


def rename_warnings(comparison: RoundComparison | None, source: str, year: int) -> list[str]:
    """Return the warning lines of every probable rename of a round (empty without one)."""
    if comparison is None:
        return []
    return [rename.message(source, year, comparison.previous_year)
            for block in comparison.blocks if block is not None
            for rename in probable_renames(block)]

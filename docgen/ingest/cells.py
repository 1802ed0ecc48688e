"""What a spreadsheet reader hands on: plain cells with their Excel reference.

Readers (:mod:`docgen.ingest.xlsx`, :mod:`docgen.ingest.csvfile`) turn a file into a
:class:`Sheet` of :class:`Cell` s; everything above them (header recognition, the loader
in :mod:`docgen.model.sources`) works on these and never on openpyxl objects, so messages
can always name the cell ("ô D7") whatever the file's kind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

#: What a cell holds: text, a number (already an exact Decimal), nothing, or something
#: docgen cannot use as a score (a date, a true/false, an error like #DIV/0!, a formula
#: whose result the file did not keep).
KINDS = ("text", "number", "empty", "date", "bool", "error", "formula")


def column_letter(index: int) -> str:
    """Return the Excel letters of the 0-based column `index`.

    >>> column_letter(0), column_letter(25), column_letter(26), column_letter(701)
    ('A', 'Z', 'AA', 'ZZ')
    """
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def column_index(letters: str) -> int:
    """Return the 0-based index of the Excel column `letters`.

    >>> column_index("A"), column_index("aa"), column_index("ZZ")
    (0, 26, 701)
    """
    index = 0
    for char in letters.upper():
        index = index * 26 + ord(char) - ord("A") + 1
    return index - 1


@dataclass(frozen=True)
class Cell:
    """One cell: its reference ("D7"), what it holds and its value."""

    ref: str
    kind: str
    value: str | Decimal | None = None
    #: decimals the cell's number format shows ("0.00": 2), None when it shows the value
    #: as it is (General) or the reader cannot tell (CSV)
    shown: int | None = None

    @property
    def text(self) -> str:
        """Return the cell as text ("" when empty), as a header or a name is read."""
        if self.value is None:
            return ""
        return str(self.value)

    @property
    def is_empty(self) -> bool:
        return self.kind == "empty" or (self.kind == "text" and not str(self.value).strip())


@dataclass
class Sheet:
    """A grid of cells read from one sheet (or one CSV file).

    ``rows[i]`` is Excel row ``i + 1``; every row has the same length. ``place`` is how
    messages name the sheet ("trang tính 'Bảng 2'"), empty for a CSV file.
    """

    source: str
    name: str | None
    rows: list[list[Cell]]
    notes: list[str] = field(default_factory=list)  #: e.g. "chuyển mã TCVN3 sang Unicode"

    @property
    def place(self) -> str:
        return f"trang tính '{self.name}'" if self.name is not None else ""

    def where(self, ref: str, label: str | None = None) -> str:
        """Return the location of cell `ref` for a message, with the unit's name if known."""
        text = f"ô {ref}" + (f" ({label})" if label else "")
        return f"{self.place}, {text}" if self.place else text

"""The unit rows of a score table: names, scores as `Decimal`, and the sheet's own claims.

Rows below the header are read until the end of the sheet. Skipped: blank rows, group
headings with no score ("I. Khối sở", "Khối huyện"), the header repeated further down, and
notes after the last unit ("Người lập biểu"). Summary rows ("Trung bình", "Điểm trung
bình", "ĐTB", "Điểm TB", "TB", "Bình quân"; "Tổng cộng", "Tổng", "Cộng") never become units:
they are kept as :class:`SummaryRow` s, the sheet's claims about the block's averages and
sums, with the decimals each cell shows. A row with a name but no score among units is an
error, and so is a score cell that cannot be read: each problem names its cell. What the
sheet says about a unit's total, rank and band is kept as a :class:`Claim` with its cell,
to be compared with docgen's own figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from docgen.errors import InputError, Problem
from docgen.ingest.cells import Cell, Sheet
from docgen.ingest.headers import LABELS, Layout, Role, fold
from docgen.ingest.numbers import NumberError, parse_number

#: Labels of summary rows, folded ("Điểm TB" -> "diem tb"): averages, then sums.
_AVERAGE = re.compile(r"^(?:(?:tong )?diem |chi so )?(?:trung binh|binh quan)\b"
                      r"|^(?:diem |chi so )?tb(?: chung| khoi\b.*| cong)?$|^d ?tb$")
_SUM = re.compile(r"^(?:tong cong|tong so|cong chung)\b|^(?:tong|cong)$")
_HEADING = re.compile(r"^(?:[IVXLivxl]+|[A-Z])[.)/]\s|^khoi\b|^nhom\b", re.IGNORECASE)
#: Roles read as claims of the sheet (compared, never used to compute).
CLAIM_KINDS = ("total", "rank", "band")


@dataclass(frozen=True)
class Claim:
    """What the sheet itself states about a unit, at which cell."""

    kind: str  #: "total", "rank" or "band"
    ref: str
    value: Decimal | int | str


@dataclass(frozen=True)
class SummaryCell:
    """One value of a summary row: the cell, the number, and the decimals it shows."""

    ref: str
    value: Decimal
    decimals: int


@dataclass
class SummaryRow:
    """A row of averages ("Trung bình", "TB") or of sums ("Tổng cộng") under the units."""

    number: int  #: Excel row number (1-based)
    label: str  #: as written, e.g. "ĐTB"
    kind: str  #: "average" or "sum"
    after_units: bool  #: below every unit row (a subtotal between groups is not checked)
    cells: dict[Role, SummaryCell] = field(default_factory=dict)


def summary_kind(text: str) -> str | None:
    """Return "average" or "sum" when `text` labels a summary row, else None.

    >>> [summary_kind(t) for t in ("Trung bình", "Điểm trung bình", "ĐTB", "Điểm TB", "TB",
    ...                            "Tổng cộng", "Cộng", "Huyện Tân Kỳ", "Tòa án nhân dân")]
    ['average', 'average', 'average', 'average', 'average', 'sum', 'sum', None, None]
    """
    folded = fold(text)
    if _AVERAGE.match(folded):
        return "average"
    if _SUM.match(folded):
        return "sum"
    return None


def shown_decimals(cell: Cell) -> int:
    """Return the decimals a number cell shows: as typed for text ("14,3": 1), by its number
    format when the file has one, else as stored, at most 4 (Excel's General format shows
    a long quotient cut to the column's width)."""
    if cell.kind == "text":
        digits = re.sub(r"[^0-9.,]", "", cell.text)
        return len(re.split(r"[.,]", digits, maxsplit=1)[1]) if re.search(r"[.,]", digits) else 0
    if cell.shown is not None:
        return cell.shown
    exponent = cell.value.as_tuple().exponent if isinstance(cell.value, Decimal) else 0
    return min(4, max(0, -exponent)) if isinstance(exponent, int) else 0


def _summary(r: int, label: str, kind: str, cells: dict[int, Cell],
             value_columns: dict[int, Role]) -> SummaryRow:
    """Read a summary row's score cells; one that is not a number is left out (a claim
    that cannot be read is not checked, and is no error: nothing is computed from it)."""
    row = SummaryRow(r + 1, label, kind, after_units=False)
    for c, cell in cells.items():
        role = value_columns[c]
        if role.kind in ("rank", "band"):
            continue
        try:
            value = cell.value if cell.kind == "number" else parse_number(cell.text)
        except NumberError:
            continue
        if isinstance(value, Decimal):
            row.cells[role] = SummaryCell(cell.ref, value, shown_decimals(cell))
    return row


@dataclass
class Row:
    """One unit row: its name, its scores by role, and its claims."""

    number: int  #: Excel row number (1-based)
    name: str
    name_ref: str
    scores: dict[Role, tuple[str, Decimal]] = field(default_factory=dict)  #: role -> (ref, value)
    claims: dict[str, Claim] = field(default_factory=dict)


def _number(cell: Cell, sheet: Sheet, label: str) -> Decimal:
    where = sheet.where(cell.ref, label)
    if cell.kind == "number" and isinstance(cell.value, Decimal):
        return cell.value
    if cell.kind == "text":
        try:
            return parse_number(cell.text)
        except NumberError as exc:
            raise InputError([Problem(sheet.source, where, exc.expected, exc.found)]) from exc
    found = {"formula": f"công thức {cell.value} chưa có giá trị tính sẵn (hãy mở tệp bằng "
                        f"Excel và lưu lại)",
             "error": f"giá trị lỗi {cell.value}", "date": f"một ngày tháng ({cell.value})",
             "bool": f"giá trị đúng/sai ({cell.value})"}.get(cell.kind, "ô trống")
    raise InputError([Problem(sheet.source, where, "một số (ví dụ 90,82)", found)])


def _rank(cell: Cell, sheet: Sheet, label: str) -> int:
    value = _number(cell, sheet, label)
    if value != value.to_integral_value() or value < 1:
        raise InputError([Problem(sheet.source, sheet.where(cell.ref, label),
                                  "một thứ hạng là số nguyên từ 1", str(cell.value))])
    return int(value)


def check_columns(sheet: Sheet, layout: Layout) -> None:
    """Refuse a header where two columns claim the same thing (which one would count?)."""
    seen: dict[Role, int] = {}
    problems = []
    for column, role in sorted(layout.columns.items()):
        if role.kind == "stt":
            continue
        if role in seen:
            row = layout.header_rows[0] + 1 if layout.header_rows else layout.first_row
            first = seen[role]
            problems.append(Problem(
                sheet.source, sheet.where(f"{_letters(sheet, column)}{row}"),
                f"mỗi loại điểm ở một cột duy nhất ('{role}')",
                f"trùng với cột {_letters(sheet, first)} ('{layout.labels.get(first, '')}'); "
                f"hãy ghi rõ cột trong hồ sơ (cột: {{{_letters(sheet, column)}: bỏ qua}})"))
        else:
            seen[role] = column
    if problems:
        raise InputError(problems)


def _letters(sheet: Sheet, column: int) -> str:
    for row in sheet.rows:
        if column < len(row):
            return row[column].ref.rstrip("0123456789")
    return "?"


def extract_rows(sheet: Sheet, layout: Layout,
                 summaries: list[SummaryRow] | None = None) -> tuple[list[Row], list[Problem]]:
    """Return the unit rows of `sheet` under `layout`, and a problem for every bad cell.

    A row with a bad cell is left out of the rows, so the caller can go on checking the
    others and report every mistake of the file at once. The summary rows are appended to
    `summaries` when it is given.
    """
    check_columns(sheet, layout)
    name_column = next(c for c, r in layout.columns.items() if r.kind == "name")
    value_columns = {c: r for c, r in layout.columns.items() if r.kind not in ("name", "stt")}
    candidates: list[tuple[int, str, str, dict[int, Cell]]] = []
    found: list[tuple[int, SummaryRow]] = []  #: (unit rows above it, the summary row)
    for r in range(layout.first_row, len(sheet.rows)):
        row = sheet.rows[r]
        name_cell = row[name_column] if name_column < len(row) else None
        name = name_cell.text if name_cell is not None and name_cell.kind == "text" else ""
        cells = {c: row[c] for c in value_columns if c < len(row) and not row[c].is_empty}
        if not name and not cells:
            continue
        label = next((c.text for c in row[: name_column + 1]
                      if c.kind == "text" and summary_kind(c.text)), None)
        if label is not None:
            found.append((len(candidates), _summary(r, label, summary_kind(label) or "",
                                                    cells, value_columns)))
            continue
        if name and fold(name) in LABELS["name"]:
            continue  # the header repeated on a later page of a table pasted from a PDF
        score_cells = {c: cell for c, cell in cells.items()
                       if value_columns[c].kind not in ("rank", "band")}
        if name and not score_cells and _HEADING.match(name):
            continue
        candidates.append((r, name, name_cell.ref if name_cell else "", cells))
    last_scored = max((i for i, (_, _, _, cells) in enumerate(candidates)
                       if any(value_columns[c].kind not in ("rank", "band") for c in cells)),
                      default=-1)
    for above, summary in found:
        summary.after_units = above > last_scored
        if summaries is not None:
            summaries.append(summary)
    problems: list[Problem] = []
    rows: list[Row] = []
    for r, name, ref, _ in candidates[: last_scored + 1]:
        letter_ref = sheet.rows[r][name_column].ref
        if not name:
            problems.append(Problem(sheet.source, sheet.where(letter_ref), "tên đơn vị",
                                    "ô trống (dòng có điểm nhưng không có tên)"))
            continue
        row = Row(r + 1, name, ref)
        before = len(problems)
        for c, role in value_columns.items():
            cell = sheet.rows[r][c]
            try:
                if role.kind == "band":
                    if not cell.is_empty:
                        row.claims["band"] = Claim("band", cell.ref, cell.text)
                elif cell.is_empty:
                    if role.kind not in CLAIM_KINDS:
                        problems.append(Problem(sheet.source, sheet.where(cell.ref, name),
                                                f"điểm ở cột '{layout.labels.get(c) or role}'",
                                                "ô trống"))
                elif role.kind == "rank":
                    row.claims["rank"] = Claim("rank", cell.ref, _rank(cell, sheet, name))
                elif role.kind == "total":
                    row.claims["total"] = Claim("total", cell.ref, _number(cell, sheet, name))
                else:
                    row.scores[role] = (cell.ref, _number(cell, sheet, name))
            except InputError as error:
                problems += error.problems
        if len(problems) == before:
            rows.append(row)
    if not rows and not problems:
        raise InputError([Problem(sheet.source, sheet.place or "tệp",
                                  "ít nhất một đơn vị có điểm dưới dòng tiêu đề",
                                  "không có dòng đơn vị nào")])
    return rows, problems

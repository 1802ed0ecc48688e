"""The unit rows of a score table: names, scores as `Decimal`, and the sheet's own claims.

Rows below the header are read until the end of the sheet. Skipped: blank rows, summary
rows ("Trung bình", "Tổng cộng", "Bình quân"…), group headings with no score ("I. Khối sở",
"Khối huyện"), the header repeated further down, and notes after the last unit ("Người
lập biểu"). A row with a name but no
score among units is an error, and so is a score cell that cannot be read: each problem
names its cell. What the sheet says about a unit's total, rank and band is kept as a
:class:`Claim` with its cell, to be compared with docgen's own figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from docgen.errors import InputError, Problem
from docgen.ingest.cells import Cell, Sheet
from docgen.ingest.headers import LABELS, Layout, Role, fold
from docgen.ingest.numbers import NumberError, parse_number

_SUMMARY = re.compile(r"^(?:diem )?(?:trung binh|tong cong|tong so|binh quan)\b|^(?:tong|cong)$")
_HEADING = re.compile(r"^(?:[IVXLivxl]+|[A-Z])[.)/]\s|^khoi\b|^nhom\b", re.IGNORECASE)
#: Roles read as claims of the sheet (compared, never used to compute).
CLAIM_KINDS = ("total", "rank", "band")


@dataclass(frozen=True)
class Claim:
    """What the sheet itself states about a unit, at which cell."""

    kind: str  #: "total", "rank" or "band"
    ref: str
    value: Decimal | int | str


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


def extract_rows(sheet: Sheet, layout: Layout) -> tuple[list[Row], list[Problem]]:
    """Return the unit rows of `sheet` under `layout`, and a problem for every bad cell.

    A row with a bad cell is left out of the rows, so the caller can go on checking the
    others and report every mistake of the file at once.
    """
    check_columns(sheet, layout)
    name_column = next(c for c, r in layout.columns.items() if r.kind == "name")
    value_columns = {c: r for c, r in layout.columns.items() if r.kind not in ("name", "stt")}
    candidates: list[tuple[int, str, str, dict[int, Cell]]] = []
    for r in range(layout.first_row, len(sheet.rows)):
        row = sheet.rows[r]
        name_cell = row[name_column] if name_column < len(row) else None
        name = name_cell.text if name_cell is not None and name_cell.kind == "text" else ""
        cells = {c: row[c] for c in value_columns if c < len(row) and not row[c].is_empty}
        if not name and not cells:
            continue
        if any(c.kind == "text" and _SUMMARY.match(fold(c.text)) for c in row[: name_column + 1]):
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

"""Read one sheet of an .xlsx workbook into a :class:`~docgen.ingest.cells.Sheet`.

The only module of docgen that reads with openpyxl. It runs after
:func:`docgen.ingest.limits.check_zip` has bounded what the file can inflate to. Formula
cells are read by the value Excel cached when it last saved the file; a formula without a
cached value (a file written by a program that never calculated it) becomes a cell of kind
"formula", which the loader refuses by name. Merged cells take the value of their first
cell across the whole range, so a lĩnh vực title merged over its TĐG and TĐ columns labels
both, and "Tên đơn vị" merged over two header rows labels both rows.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
import zlib
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from docgen import bounds
from docgen.errors import InputError, Problem
from docgen.formatting.text import name_key
from docgen.ingest.cells import Cell, Sheet, column_index, column_letter
from docgen.ingest.numbers import NumberError, from_float

#: More rows or columns than this is not a table of unit scores (see docgen.bounds).
MAX_ROWS = bounds.MAX_ROWS
MAX_COLUMNS = bounds.MAX_COLUMNS


def read_xlsx(raw: bytes, source: str, sheet: str | None = None) -> Sheet:
    """Return the cells of sheet `sheet` (the first visible one when None) of the .xlsx."""
    raw = clip_merged_ranges(raw)
    return sheet_cells(load_values(raw, source), raw, source, sheet)


def load_values(raw: bytes, source: str) -> openpyxl.Workbook:
    """Return the workbook in `raw` as read for its values (each formula's cached result).

    `raw` must have gone through :func:`clip_merged_ranges` (the reader does it)."""
    return _load(raw, source, data_only=True)


_WORKSHEET = re.compile(r"^xl/worksheets/[^/]+\.xml$")
_MERGE = re.compile(rb'(<(?:\w+:)?mergeCell\b[^>]*?\bref=")([A-Za-z]{1,3})(\d{1,7}):'
                    rb'([A-Za-z]{1,3})(\d{1,7})("[^>]*?/>)')
_CELL_REF = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Za-z]{1,3})(\d{1,7})"')
_CELL = re.compile(rb"<(?:\w+:)?c[\s>/]")
_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")


def clip_merged_ranges(raw: bytes) -> bytes:
    """Return the .xlsx `raw` with every merged range clipped to its sheet's real extent.

    openpyxl makes one object per cell of a merged range when it loads a sheet: one range
    ``C3:XFD1048576`` in an 8 KB file is 17 billion cells, out of memory long before any
    bound on rows applies. The range is clipped, before openpyxl sees it, to the last row
    and column that hold a cell (and never past the bounds on rows and columns, which the
    sheet is checked against after loading); a range wholly outside them is dropped.
    The file is returned as it is when no range needs clipping. The zip has been checked
    by :func:`docgen.ingest.limits.check_zip` (its members' sizes are bounded).
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        names = [n for n in archive.namelist() if _WORKSHEET.match(n)]
        changed = {}
        for name in names:
            data = archive.read(name)
            if b"mergeCell" not in data:
                continue
            clipped = _clip(data)
            if clipped != data:
                changed[name] = clipped
        if not changed:
            return raw
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in archive.infolist():
                target.writestr(info, changed.get(info.filename) or archive.read(info.filename))
        return out.getvalue()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error):
        return raw  # openpyxl reports the broken file by its own failure


def _clip(sheet_xml: bytes) -> bytes:
    refs = _CELL_REF.findall(sheet_xml)
    last_row = max((int(row) for _, row in refs), default=0)
    last_column = max((column_index(letters.decode()) + 1 for letters, _ in refs), default=0)
    cells = len(_CELL.findall(sheet_xml))
    if cells > len(refs):  # a writer that leaves out the references: count them instead
        last_row = max(last_row, len(_ROW.findall(sheet_xml)))
        last_column = max(last_column, min(cells, MAX_COLUMNS + 1))
    last_row, last_column = min(last_row, MAX_ROWS + 1), min(last_column, MAX_COLUMNS + 1)

    def clip(match: re.Match[bytes]) -> bytes:
        first_col = column_index(match.group(2).decode())
        first_row = int(match.group(3))
        end_col = min(column_index(match.group(4).decode()) + 1, last_column)
        end_row = min(int(match.group(5)), last_row)
        if first_row > end_row or first_col + 1 > end_col:
            return b""  # wholly outside the cells: nothing to merge
        ref = f"{column_letter(first_col)}{first_row}:{column_letter(end_col - 1)}{end_row}"
        return match.group(1) + ref.encode() + match.group(6)

    return _MERGE.sub(clip, sheet_xml)


def sheet_names(values: openpyxl.Workbook) -> list[str]:
    """Return the names of the sheets of `values` that have cells (not chart sheets)."""
    return [ws.title for ws in values.worksheets]


def sheet_cells(values: openpyxl.Workbook, raw: bytes, source: str,
                sheet: str | None = None) -> Sheet:
    """Return the cells of one sheet of `values`, the workbook :func:`load_values` read
    from `raw`; several sheets of one file can be taken from one reading."""
    names = [ws.title for ws in values.worksheets]  # chart sheets have no cells
    if not names:
        raise InputError([Problem(source, "tệp", "ít nhất một trang tính có ô",
                                  "chỉ có trang biểu đồ")])
    visible = [ws.title for ws in values.worksheets if ws.sheet_state == "visible"]
    name = _pick(names, sheet, source) if sheet is not None else (visible or names)[0]
    worksheet = values[name]
    if worksheet.max_row > MAX_ROWS or worksheet.max_column > MAX_COLUMNS:
        raise InputError([Problem(source, f"trang tính '{name}'",
                                  f"tối đa {MAX_ROWS} dòng và {MAX_COLUMNS} cột",
                                  f"{worksheet.max_row} dòng, {worksheet.max_column} cột")])
    formulas = _formulas(raw, source, name, worksheet.max_row, worksheet.max_column)
    grid = [
        [_cell(value_cell, formulas.get((r, c)), r, c) for c, value_cell in enumerate(row)]
        for r, row in enumerate(worksheet.iter_rows(min_row=1, max_row=worksheet.max_row,
                                                    max_col=worksheet.max_column))
    ]
    for merged in worksheet.merged_cells.ranges:
        first = grid[merged.min_row - 1][merged.min_col - 1]
        for r in range(merged.min_row - 1, merged.max_row):
            for c in range(merged.min_col - 1, merged.max_col):
                if (r, c) != (merged.min_row - 1, merged.min_col - 1):
                    grid[r][c] = Cell(f"{column_letter(c)}{r + 1}", first.kind, first.value)
    return Sheet(source, name, grid)


def _load(raw: bytes, source: str, data_only: bool,
          read_only: bool = False) -> openpyxl.Workbook:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it skips
            return openpyxl.load_workbook(io.BytesIO(raw), data_only=data_only,
                                          read_only=read_only)
    except _BROKEN as exc:
        raise _broken(source, exc) from exc


def _formulas(raw: bytes, source: str, name: str, rows: int,
              columns: int) -> dict[tuple[int, int], object]:
    """Return (row, column) -> what the cell holds read as a formula, for sheet `name`.

    Only a cell without a cached value looks here, to tell a formula never calculated from
    an empty cell. The pass is read-only: it streams this one sheet and builds no styles
    or merged ranges (those come from the full read of the values).
    """
    workbook = _load(raw, source, data_only=False, read_only=True)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return {(r, c): value
                    for r, row in enumerate(workbook[name].iter_rows(
                        min_row=1, max_row=rows, max_col=columns, values_only=True))
                    for c, value in enumerate(row) if value is not None}
    except _BROKEN as exc:
        raise _broken(source, exc) from exc
    finally:
        workbook.close()


#: The ways a malformed part makes openpyxl fail; the clerk needs one message for all.
_BROKEN = (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError,
           OSError, EOFError, SyntaxError, AttributeError, IndexError)


def _broken(source: str, exc: Exception) -> InputError:
    return InputError([Problem(source, "tệp", "một bảng tính Excel .xlsx đọc được",
                               f"tệp hỏng hoặc không phải bảng tính ({type(exc).__name__})")])


def _pick(names: list[str], wanted: str, source: str) -> str:
    for name in names:
        if name == wanted or name_key(name) == name_key(wanted):
            return name
    found = ", ".join(f"'{n}'" for n in names)
    raise InputError([Problem(source, f"trang tính '{wanted}'",
                              "tên một trang tính có trong tệp",
                              f"không có trang tính này; các trang tính có: {found}")])


def _cell(cell: object, formula: object, row: int, column: int) -> Cell:
    ref = f"{column_letter(column)}{row + 1}"
    value = getattr(cell, "value", None)
    kind = getattr(cell, "data_type", "n")
    if value is None:
        if isinstance(formula, str) and formula.startswith("="):
            return Cell(ref, "formula", formula)
        return Cell(ref, "empty", None)
    if kind == "e":
        return Cell(ref, "error", str(value))
    if isinstance(value, bool):
        return Cell(ref, "bool", "TRUE" if value else "FALSE")
    if isinstance(value, (datetime, date, time, timedelta)):
        return Cell(ref, "date", str(value))
    if isinstance(value, int):
        return Cell(ref, "number", Decimal(value), shown_decimals(cell))
    if isinstance(value, float):
        try:
            return Cell(ref, "number", from_float(value), shown_decimals(cell))
        except NumberError:  # infinity or NaN
            return Cell(ref, "error", str(value))
    return Cell(ref, "text", str(value))


_FIXED = re.compile(r"^[#,0]*0(?:\.([0#]+))?(?:[_ ].*)?$")


def shown_decimals(cell: object) -> int | None:
    """Return how many decimals the cell's number format shows: "0.00" and "#,##0.00" 2,
    "0" 0; None for General or a format docgen does not read (dates, text, colours).

    A sheet's average row is compared with docgen's averages at the precision it shows:
    Excel keeps the long quotient of =AVERAGE() and shows it rounded by this format.
    """
    section = str(getattr(cell, "number_format", "General") or "General").split(";")[0]
    found = _FIXED.match(section.strip())
    if not found:
        return None
    return len(found.group(1) or "")

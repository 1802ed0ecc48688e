"""The computed results as an Excel workbook a leader's office can open and print as is.

The only module of docgen that writes with openpyxl. One sheet per block: STT, tên đơn vị,
the lĩnh vực (TĐG and TĐ under a merged title when units carry their self-assessment), the
self-assessed total, the components, tổng điểm, xếp hạng, xếp loại, in rank order, and a
"Trung bình" row with the block's computed averages (none for the self-assessment, which
compute does not average: it is kept for comparison only).

Numbers are stored as numbers (exact decimal text in the file) with the format code
``0.00``. A format code in an .xlsx always uses "." for the decimal point and "," for
grouping; Excel and LibreOffice show them with the reader's own separators, so a
Vietnamese-locale Excel shows 90,82 while the value stays a number one can sum. Writing
"#.##0,00" instead would show wrong figures everywhere.

Print setup: A4, landscape when the table is wide, fitted to one page wide, header rows
repeated on every page; the header and the names are frozen on screen.

Reproducible bytes: the core properties carry the dossier's date (openpyxl would stamp the
clock's time on save), and the zip is rewritten with fixed entry dates and order.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from docgen.compute.results import BlockResult, RoundResult
from docgen.model.dossier import Dossier, Unit
from docgen.render.packaging import deterministic_zip

_FONT = "Times New Roman"
_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_ROW = 3  #: first header row (1: title, 2: blank)


def number_format(decimals: int) -> str:
    """Return the format code of a score with `decimals` places.

    >>> number_format(2), number_format(0)
    ('0.00', '0')
    """
    return "0." + "0" * decimals if decimals else "0"


def render_workbook(dossier: Dossier, result: RoundResult, created: datetime | None) -> bytes:
    """Return the .xlsx bytes of the results of every block of `dossier`."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    names: set[str] = set()
    for block in result.blocks:
        sheet = workbook.create_sheet(_sheet_name(block.block.name, names))
        _write_block(sheet, block, dossier)
        _make_inert(sheet)
    workbook.properties.creator = " ".join(dossier.issuer.name)
    workbook.properties.title = f"Kết quả Chỉ số CCHC năm {dossier.year}"
    workbook.properties.language = "vi-VN"
    return save_reproducibly(workbook, created)


#: Stands in for a missing date while openpyxl writes (it needs one); then removed.
_NO_DATE = datetime(2000, 1, 1)
_CORE = "docProps/core.xml"
_DATES = re.compile(rb"<dcterms:(created|modified)\b[^>]*>[^<]*</dcterms:\1>")


def save_reproducibly(workbook: Workbook, created: datetime | None) -> bytes:
    """Return the bytes of `workbook` with `created` as its dates (None: no dates at all,
    see :class:`docgen.render.meta.DocumentMeta`) and a deterministic zip."""
    workbook.properties.created = created or _NO_DATE
    workbook.properties.modified = created or _NO_DATE
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).save()  # unlike openpyxl's save(), keeps `modified`
    with zipfile.ZipFile(raw) as source:
        members = {name: source.read(name) for name in source.namelist()}
    if created is None:
        members[_CORE] = _DATES.sub(b"", members[_CORE])
    return deterministic_zip(members, first=("[Content_Types].xml",))


#: What makes a spreadsheet read a typed text as a formula (or DDE command) when it
#: begins one: "=HYPERLINK(…)", "+1", "-2+3", "@SUM(…)", "=cmd|' /C calc'!A0".
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _make_inert(sheet: Worksheet) -> None:
    """Write every text of `sheet` as a text cell, never a formula: a unit named
    ``=HYPERLINK("http://…";"Bấm vào đây")`` must show as typed, not become a live link.

    openpyxl turns a text that begins with "=" into a formula and "#DIV/0!" into an error
    cell; every text is set back to a plain string, and one that begins like a formula
    also gets Excel's quote prefix (shown as typed, still text if the cell is edited).
    """
    for row in sheet.iter_rows():
        for cell in row:
            value = cell.value
            if not isinstance(value, str):
                continue
            cell.data_type = "s"
            if value.startswith(FORMULA_STARTS):
                cell.quotePrefix = True


def _sheet_name(name: str, taken: set[str]) -> str:
    """Return a valid, unused sheet name (31 characters, none of []:*?/\\, not beginning
    like a formula or with an apostrophe)."""
    base = re.sub(r"[\[\]:*?/\\]", " ", name).strip()
    base = base.lstrip("".join(FORMULA_STARTS) + "' ")[:31].strip() or "Khối"
    candidate, n = base, 2
    while candidate.casefold() in taken:
        suffix = f" ({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(candidate.casefold())
    return candidate


def _columns(block: BlockResult, dossier: Dossier) -> list[tuple[str, str | None, str, object]]:
    """Return (title, sub-title, format, getter) per column after STT and name."""
    scheme = block.scheme  # the block's own scheme: its lĩnh vực and components
    units = block.block.units
    with_self_fields = any(u.self_fields for u in units)
    columns: list[tuple[str, str | None, str, object]] = []
    if scheme.fields and any(u.fields for u in units):
        for f in scheme.fields:
            if with_self_fields:
                columns.append((f.name, "TĐG", "score", ("self_fields", f.key)))
                columns.append((f.name, "TĐ", "score", ("fields", f.key)))
            else:
                columns.append((f.name, None, "score", ("fields", f.key)))
    if any(u.self_total is not None for u in units):
        columns.append(("Điểm tự đánh giá", None, "score", ("self_total", None)))
    if scheme.components and any(u.scores for u in units):
        columns += [(c.name, None, "score", ("scores", c.key)) for c in scheme.components]
    columns.append(("Tổng điểm", None, "score", ("total", None)))
    columns.append(("Xếp hạng", None, "rank", ("rank", None)))
    columns.append(("Xếp loại", None, "band", ("band", None)))
    return columns


def _value(unit: Unit, total: Decimal, rank: int, band: str,
           what: tuple[str, str | None]) -> object:
    kind, key = what
    if kind == "total":
        return total
    if kind == "rank":
        return rank
    if kind == "band":
        return band
    value = getattr(unit, kind)
    return value.get(key) if key is not None else value


def _write_block(sheet: Worksheet, block: BlockResult, dossier: Dossier) -> None:
    scheme = block.scheme
    score_format = number_format(scheme.score_decimals)
    columns = _columns(block, dossier)
    two_rows = any(sub for _, sub, _, _ in columns)
    header_rows = [_HEADER_ROW, _HEADER_ROW + 1] if two_rows else [_HEADER_ROW]
    width = 2 + len(columns)
    bold = Font(name=_FONT, size=12, bold=True)
    plain = Font(name=_FONT, size=12)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)

    title = sheet.cell(1, 1, f"KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {dossier.year} - "
                             f"{block.block.description.upper()}")
    title.font = Font(name=_FONT, size=13, bold=True)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.cell(1, 1).alignment = centre
    sheet.row_dimensions[1].height = 36

    titles = [("STT", None), ("Tên đơn vị", None)] + [(t, s) for t, s, _, _ in columns]
    for index, (title, sub) in enumerate(titles, start=1):
        top = sheet.cell(_HEADER_ROW, index, title)
        if two_rows and sub:
            sheet.cell(_HEADER_ROW + 1, index, sub)
        elif two_rows:
            sheet.merge_cells(start_row=_HEADER_ROW, start_column=index,
                              end_row=_HEADER_ROW + 1, end_column=index)
        top.alignment = centre
    if two_rows:
        start = 3
        while start <= width:
            title, sub = titles[start - 1]
            end = start
            while sub and end < width and titles[end] == (title, titles[end][1]) and titles[end][1]:
                end += 1
            if end > start:
                sheet.merge_cells(start_row=_HEADER_ROW, start_column=start,
                                  end_row=_HEADER_ROW, end_column=end)
            start = end + 1
    for row in header_rows:
        for column in range(1, width + 1):
            cell = sheet.cell(row, column)
            cell.font, cell.alignment, cell.border = bold, centre, _BORDER
    sheet.row_dimensions[_HEADER_ROW].height = 48

    first = header_rows[-1] + 1
    by_order = block.block.units
    for position, result in enumerate(block.units, start=1):
        unit = by_order[result.order]
        label = scheme.bands[result.band].label
        values: list[object] = [position, unit.name] + [
            _value(unit, result.total, result.rank, label, what) for _, _, _, what in columns]
        _write_row(sheet, first + position - 1, values, ["count", "text"] +
                   [kind for _, _, kind, _ in columns], score_format, plain)

    averages: list[object] = ["Trung bình", None]
    stats = {("fields", s.key): s.average for s in block.fields}
    stats.update({("scores", s.key): s.average for s in block.components})
    stats[("total", None)] = block.average
    averages += [stats.get(what) for _, _, _, what in columns]
    last = first + block.size
    _write_row(sheet, last, averages, ["text", "text"] + [k for _, _, k, _ in columns],
               score_format, bold)
    sheet.merge_cells(start_row=last, start_column=1, end_row=last, end_column=2)

    sheet.column_dimensions["A"].width = 6
    sheet.column_dimensions["B"].width = 38
    for index, (_, sub, kind, _) in enumerate(columns, start=3):
        sheet.column_dimensions[get_column_letter(index)].width = \
            14 if kind == "band" else 9 if sub else 12
    sheet.freeze_panes = sheet.cell(first, 3)
    sheet.print_title_rows = f"{header_rows[0]}:{header_rows[-1]}"
    setup = sheet.page_setup
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.orientation = "landscape" if width > 9 else "portrait"
    setup.fitToWidth, setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.5


def _write_row(sheet: Worksheet, row: int, values: list[object], kinds: list[str],
               score_format: str, font: Font) -> None:
    for column, (value, kind) in enumerate(zip(values, kinds, strict=True), start=1):
        cell = sheet.cell(row, column, value)
        cell.font, cell.border = font, _BORDER
        if kind == "score" and isinstance(value, Decimal):
            cell.number_format = score_format
            cell.alignment = Alignment(horizontal="right")
        elif kind in ("rank", "count"):
            cell.number_format = "0"
            cell.alignment = Alignment(horizontal="center")
        elif kind == "band":
            cell.alignment = Alignment(horizontal="center")
        else:
            cell.alignment = Alignment(vertical="center", wrap_text=True)

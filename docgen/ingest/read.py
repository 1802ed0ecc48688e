"""Open a spreadsheet file of any accepted kind and return one sheet's cells, text cleaned.

The kind is told by the file's first bytes, not its name: a zip is an .xlsx (checked by
:mod:`docgen.ingest.limits` before openpyxl sees it), an OLE2 compound file is an old
.xls or a password-protected workbook (refused with a hint), anything else named .csv or
.txt is CSV. Every text cell is then converted from TCVN3 or VNI when the sheet is typed
in one of them (:mod:`docgen.ingest.legacy`), brought to NFC, cleared of control
characters and of doubled blanks.
"""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path
from typing import Any

from docgen.errors import InputError, Problem
from docgen.formatting.text import normalize_text
from docgen.ingest import legacy
from docgen.ingest.cells import Sheet
from docgen.ingest.csvfile import read_csv
from docgen.ingest.limits import MAX_FILE_BYTES, check_zip

#: File name endings read as CSV when the content is not a zip.
CSV_SUFFIXES = (".csv", ".txt")
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read_file(path: Path | str, sheet: str | None = None, shown: str | None = None) -> Sheet:
    """Return the cleaned cells of sheet `sheet` of the spreadsheet at `path`.

    `shown` is how messages name the file (by default, the path as given).
    """
    return Reader().read(path, sheet, shown)


class Reader:
    """Reads sheets of spreadsheet files, each .xlsx file read, checked and parsed once.

    A dossier whose blocks take "Bảng 1" and "Bảng 2" of one workbook reads it through one
    reader; the workbooks it keeps go when the reader goes.
    """

    def __init__(self) -> None:
        self._workbooks: dict[Path, tuple[bytes, Any]] = {}

    def read(self, path: Path | str, sheet: str | None = None, shown: str | None = None) -> Sheet:
        """Return the cleaned cells of sheet `sheet` of the spreadsheet at `path`.

        `shown` is how messages name the file (by default, the path as given).
        """
        path = Path(path)
        source = shown or str(path)
        key = path.resolve()
        if key in self._workbooks:
            from docgen.ingest.xlsx import sheet_cells

            raw, values = self._workbooks[key]
            return clean_text(sheet_cells(values, raw, source, sheet))
        raw = _read_bytes(path, source)
        if raw.startswith(b"PK\x03\x04"):
            check_zip(io.BytesIO(raw), source)
            # openpyxl is loaded only for .xlsx files
            from docgen.ingest.xlsx import clip_merged_ranges, load_values, sheet_cells

            raw = clip_merged_ranges(raw)
            values = load_values(raw, source)
            self._workbooks[key] = raw, values
            result = sheet_cells(values, raw, source, sheet)
        elif raw.startswith(_OLE2):
            raise InputError([Problem(source, "tệp", "một bảng tính .xlsx (Excel 2007 trở về "
                                      "sau) hoặc .csv, không đặt mật khẩu",
                                      "một tệp Excel cũ (.xls) hoặc được đặt mật khẩu; hãy mở "
                                      "bằng Excel, bỏ mật khẩu và lưu lại dạng .xlsx")])
        elif path.suffix.lower() in CSV_SUFFIXES:
            if sheet is not None:
                raise InputError([Problem(source, f"trang tính '{sheet}'",
                                          "không ghi trang tính cho tệp CSV (chỉ có một bảng)",
                                          "có ghi trang tính")])
            result = read_csv(raw, source)
        else:
            found = "một tệp rỗng" if not raw else f"nội dung bắt đầu bằng {raw[:8]!r}"
            raise InputError([Problem(source, "tệp", "một bảng tính .xlsx hoặc một tệp .csv",
                                      found)])
        return clean_text(result)

    def sheet_names(self, path: Path | str, shown: str | None = None) -> list[str]:
        """Return the names of the sheets with cells of a workbook ([] for a CSV file)."""
        self.read(path, None, shown)  # reads, checks and keeps the workbook
        kept = self._workbooks.get(Path(path).resolve())
        if kept is None:
            return []
        from docgen.ingest.xlsx import sheet_names

        return sheet_names(kept[1])


def _read_bytes(path: Path, source: str) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError([Problem(source, "tệp", f"tối đa {MAX_FILE_BYTES // 2**20} MB",
                                      f"{size / 2**20:.1f} MB".replace(".", ","))])
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError([Problem(source, "tệp", "một tệp bảng tính có thật",
                                  "không tìm thấy tệp")]) from exc
    except IsADirectoryError as exc:
        raise InputError([Problem(source, "tệp", "một tệp", "một thư mục")]) from exc
    except PermissionError as exc:
        raise InputError([Problem(source, "tệp", "một tệp đọc được",
                                  "không có quyền đọc")]) from exc


def clean_text(sheet: Sheet) -> Sheet:
    """Return `sheet` with its text in Unicode NFC, converted from TCVN3/VNI if need be."""
    texts = [c.value for row in sheet.rows for c in row if c.kind == "text"]
    encoding = legacy.detect([t for t in texts if isinstance(t, str)])
    if encoding:
        sheet.notes.append(f"chuyển bảng mã {encoding} sang Unicode")
    rows = []
    for row in sheet.rows:
        cleaned = []
        for cell in row:
            if cell.kind == "text" and isinstance(cell.value, str):
                text = legacy.convert(cell.value, encoding) if encoding else cell.value
                text = normalize_text(text)
                cell = replace(cell, value=text or None, kind="text" if text else "empty")
            cleaned.append(cell)
        rows.append(cleaned)
    sheet.rows = rows
    return sheet

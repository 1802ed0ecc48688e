"""Read a CSV file of scores into a :class:`~docgen.ingest.cells.Sheet` (stdlib only).

Encodings, tried in this order: UTF-16 (with its byte-order mark), UTF-8 (with or without
BOM), the bytes of a TCVN3 or VNI font (see :mod:`docgen.ingest.legacy`), then
Windows-1258 (the Vietnamese Windows code page, what Excel writes for "CSV" on a
Vietnamese Windows). Windows-1258 keeps some tone marks as separate combining characters;
text is brought to NFC afterwards, like everything else. The delimiter is sniffed among
",", ";" and tab (Excel writes ";" where the decimal separator is a comma), from the first
lines: the one that splits them into the most, equal, columns wins. A cell whose text is a
number stays text here; :mod:`docgen.ingest.numbers` reads it where a score is expected.
"""

from __future__ import annotations

import csv
import io

from docgen.bounds import MAX_COLUMNS, MAX_FIELD_CHARS, MAX_ROWS
from docgen.errors import InputError, Problem
from docgen.formatting.numbers import format_plain
from docgen.ingest import legacy
from docgen.ingest.cells import Cell, Sheet, column_letter

_DELIMITERS = (",", ";", "\t")
#: Characters of a line looked at to sniff the delimiter.
_SNIFF_CHARS = 4096


def _bounded_rows(text: str, delimiter: str, source: str) -> list[list[str]]:
    """Return the rows of the CSV `text`, refusing one past the bounds on rows, columns and
    field size (each refused at the row where it is passed; nothing of the file quoted)."""
    rows: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            while row and not row[-1]:
                row.pop()
            if len(rows) >= MAX_ROWS:
                raise _refuse(source, "tệp", f"tối đa {format_plain(MAX_ROWS)} dòng",
                              f"hơn {format_plain(MAX_ROWS)} dòng")
            if len(row) > MAX_COLUMNS:
                raise _refuse(source, f"dòng {reader.line_num}",
                              f"tối đa {format_plain(MAX_COLUMNS)} cột",
                              f"{format_plain(len(row))} cột")
            longest = max((len(field) for field in row), default=0)
            if longest > MAX_FIELD_CHARS:
                raise _too_long(source, f"dòng {reader.line_num}", f"{format_plain(longest)}")
            rows.append(row)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise _too_long(source, f"dòng {reader.line_num}",
                            f"hơn {format_plain(MAX_FIELD_CHARS)}") from exc
        raise _refuse(source, "tệp", "một tệp CSV hợp lệ", str(exc)) from exc
    return rows


def _refuse(source: str, where: str, expected: str, found: str) -> InputError:
    return InputError([Problem(source, where, expected, found)])


def _too_long(source: str, where: str, length: str) -> InputError:
    return _refuse(source, where, f"mỗi ô tối đa {format_plain(MAX_FIELD_CHARS)} ký tự",
                   f"một ô {length} ký tự")


def decode(raw: bytes, source: str) -> tuple[str, str]:
    """Return the text of `raw` and the name of the encoding it was read in."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as exc:
            raise InputError([Problem(source, f"byte {exc.start}", "văn bản UTF-16 hợp lệ",
                                      "byte lỗi")]) from exc
    if b"\x00" in raw:
        raise InputError([Problem(source, "tệp", "một tệp văn bản CSV",
                                  "dữ liệu nhị phân (có byte 0)")])
    try:
        return raw.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    # A file typed with a TCVN3 or VNI font holds the font's bytes, which only make sense
    # read as Latin-1; reading them as Windows-1258 would turn some into real letters.
    latin = raw.decode("latin-1")
    encoding = legacy.detect(latin.splitlines())
    if encoding:
        return latin, encoding
    try:
        return raw.decode("cp1258"), "Windows-1258"
    except UnicodeDecodeError as exc:
        raise InputError([Problem(source, f"byte {exc.start}",
                                  "văn bản UTF-8, UTF-16 hoặc Windows-1258",
                                  f"byte {raw[exc.start]:#04x}")]) from exc


def sniff_delimiter(text: str) -> str:
    """Return the delimiter of a CSV text.

    >>> sniff_delimiter("STT;Tên đơn vị;Tổng điểm\\n1;Sở Y tế;90,82\\n")
    ';'
    >>> sniff_delimiter("STT,Tên đơn vị,Tổng điểm\\n1,Sở Y tế,\\"90,82\\"\\n")
    ','
    """
    lines = [line[:_SNIFF_CHARS] for line in _first_lines(text, 20) if line.strip()]
    best, best_score = ",", -1
    for delimiter in _DELIMITERS:
        try:
            widths = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        except csv.Error:  # a field past the csv module's own limit: read_csv names it
            continue
        if not widths:
            continue
        common = max(set(widths), key=widths.count)
        score = common * widths.count(common) if common > 1 else 0
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _first_lines(text: str, count: int) -> list[str]:
    """Return the first `count` lines of `text` without splitting all of it."""
    lines = []
    for line in io.StringIO(text):
        lines.append(line.rstrip("\r\n"))
        if len(lines) == count:
            break
    return lines


def read_csv(raw: bytes, source: str) -> Sheet:
    """Return the cells of a CSV file's bytes; every row padded to the widest.

    Rows, columns and fields are bounded as a sheet of an .xlsx is (:mod:`docgen.bounds`),
    while reading: a file of a million rows or one very wide row is refused at the first
    row past the bound, before any grid is built. Empty cells at the end of a row do not
    count as columns.
    """
    text, encoding = decode(raw, source)
    delimiter = sniff_delimiter(text)
    rows = _bounded_rows(text, delimiter, source)
    width = max((len(r) for r in rows), default=0)
    grid = [
        [Cell(f"{column_letter(c)}{r + 1}", "text" if c < len(row) and row[c] else "empty",
              row[c] if c < len(row) and row[c] else None) for c in range(width)]
        for r, row in enumerate(rows)
    ]
    sheet = Sheet(source, None, grid)
    if encoding not in ("UTF-8", "TCVN3", "VNI"):  # legacy encodings get their own note
        sheet.notes.append(f"đọc theo bảng mã {encoding}")
    if delimiter != ",":
        sheet.notes.append(f"dấu phân cách cột '{delimiter}'" if delimiter != "\t"
                           else "dấu phân cách cột là tab")
    return sheet

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

from docgen.errors import InputError, Problem
from docgen.ingest import legacy
from docgen.ingest.cells import Cell, Sheet, column_letter

_DELIMITERS = (",", ";", "\t")


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
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    best, best_score = ",", -1
    for delimiter in _DELIMITERS:
        widths = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        if not widths:
            continue
        common = max(set(widths), key=widths.count)
        score = common * widths.count(common) if common > 1 else 0
        if score > best_score:
            best, best_score = delimiter, score
    return best


def read_csv(raw: bytes, source: str) -> Sheet:
    """Return the cells of a CSV file's bytes; every row padded to the widest."""
    text, encoding = decode(raw, source)
    delimiter = sniff_delimiter(text)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise InputError([Problem(source, "tệp", "một tệp CSV hợp lệ", str(exc))]) from exc
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

"""Write the spreadsheet corpus of tests/ingest/: files docgen must refuse, and messy ones it reads.

    .venv/bin/python tools/make_bad_inputs.py     # same bytes every run

``tests/ingest/bad/`` holds files that must be refused with a clear message (the expected
fragments are in tests/ingest/test_bad_files.py); ``tests/ingest/messy/`` holds files real
offices produce that must be read correctly (legacy encodings, UTF-16, ";" delimiters…).
The scheme is the Thanh Hóa fixture's: tham_dinh 70 + xhh 30, eight lĩnh vực. All scores
are synthetic.

Three files are zip bombs, made without ever holding their content in memory: deflate
blocks of 16 MB of spaces, each ended by a full flush so that the same compressed block
can be repeated. One declares its true size (1 GB), one declares 2.000 bytes but inflates
to 1 GB, one is 40 MB at a ratio above 1.000:1.
"""

from __future__ import annotations

import io
import struct
import sys
import unicodedata
import zipfile
import zlib
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from docgen.render.xlsx import save_reproducibly

ROOT = Path(__file__).resolve().parents[1] / "tests" / "ingest"
BAD, MESSY = ROOT / "bad", ROOT / "messy"
DATE = datetime(2024, 12, 20)
HEADER = ["STT", "Tên đơn vị", "Điểm thẩm định", "Điều tra XHH", "Tổng điểm", "Xếp hạng",
          "Xếp loại"]
ROWS = [[1, "Sở Nội vụ", Decimal("65.40"), Decimal("27.72"), Decimal("93.12"), 1, "XUẤT SẮC"],
        [2, "Sở Tư pháp", Decimal("63.10"), Decimal("26.95"), Decimal("90.05"), 2, "XUẤT SẮC"],
        [3, "Sở Y tế", Decimal("60.24"), Decimal("25.70"), Decimal("85.94"), 3, "TỐT"]]


def xlsx(rows: list[list[object]], title: str = "Bảng 1", more: dict | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for name, extra_rows in (more or {}).items():
        other = workbook.create_sheet(name)
        for row in extra_rows:
            other.append(row)
    return save_reproducibly(workbook, DATE)


def table(*changes: tuple[int, int, object]) -> list[list[object]]:
    rows = [list(HEADER)] + [list(r) for r in ROWS]
    for r, c, value in changes:
        rows[r][c] = value
    return rows


def csv_text(rows: list[list[object]], delimiter: str = ",") -> str:
    def cell(v: object) -> str:
        text = str(v).replace(".", ",") if isinstance(v, Decimal) else str(v)
        return f'"{text}"' if delimiter in text else text
    return "\n".join(delimiter.join(cell(v) for v in row) for row in rows) + "\n"


def fields_table(bad_total: bool = False) -> list[list[object]]:
    names = ["Công tác chỉ đạo, điều hành CCHC", "Xây dựng và tổ chức thực hiện văn bản QPPL",
             "Cải cách thủ tục hành chính", "Cải cách tổ chức bộ máy hành chính",
             "Cải cách chế độ công vụ", "Cải cách tài chính công",
             "Xây dựng, phát triển chính quyền điện tử, chính quyền số",
             "Tác động của CCHC đến người dân, tổ chức"]
    parts = [Decimal(x) for x in ("8.1", "5.2", "9", "7", "12", "6", "9", "8")]  # công vụ 12 > 11
    if bad_total:
        parts[4] = Decimal("10")
    appraised = sum(parts) + (Decimal("1.5") if bad_total else 0)
    return [["STT", "Tên đơn vị", *names, "Điểm thẩm định", "Điều tra XHH"],
            [1, "Huyện Lang Chánh", *parts, appraised, Decimal("25")]]


def bomb(declared: int | None, repeats: int, path: Path) -> None:
    """Write an .xlsx whose sheet inflates to `repeats` × 16 MB (declaring `declared`)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = b" " * (16 * 2**20)
    prefix = b'<?xml version="1.0"?><worksheet><sheetData>'
    head = compressor.compress(prefix) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    assert block == compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.flush(zlib.Z_FINISH)
    crc = zlib.crc32(prefix)
    for _ in range(repeats + 1):  # the assert above compressed one more block
        crc = zlib.crc32(chunk, crc)
    size = len(prefix) + (repeats + 1) * len(chunk)
    data = head + block * (repeats + 1) + tail
    members = [("[Content_Types].xml", b'<?xml version="1.0"?><Types/>', None),
               ("xl/worksheets/sheet1.xml", data, (crc, size if declared is None else declared))]
    out = io.BytesIO()
    central = b""
    for name, payload, info in members:
        raw_name = name.encode()
        if info is None:
            crc_m, usize = zlib.crc32(payload), len(payload)
            c = zlib.compressobj(9, zlib.DEFLATED, -15)
            payload = c.compress(payload) + c.flush()
        else:
            crc_m, usize = info
        offset = out.tell()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc_m, len(payload),
                              usize, len(raw_name), 0) + raw_name + payload)
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc_m,
                               len(payload), usize, len(raw_name), 0, 0, 0, 0, 0, offset) + raw_name
    start = out.tell()
    out.write(central + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 2, 2, len(central), start, 0))
    path.write_bytes(out.getvalue())


def cp1258(text: str) -> bytes:
    """Encode `text` the way Windows-1258 stores Vietnamese: letter, then tone mark."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = b""
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            marks = unicodedata.normalize("NFD", char)
            base = unicodedata.normalize("NFC", "".join(m for m in marks if m not in tones))
            out += base.encode("cp1258") + "".join(m for m in marks if m in tones).encode("cp1258")
    return out


def patch_encrypted(data: bytes) -> bytes:
    """Set the 'encrypted' flag of every member, in local and central headers."""
    raw = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (start := raw.find(signature, start)) != -1:
            raw[start + offset] |= 1
            start += 4
    return bytes(raw)


def bad_files() -> dict[str, bytes]:
    good = xlsx(table())
    files: dict[str, bytes] = {
        "not-a-spreadsheet.xlsx": b"%PDF-1.4\n% a PDF saved with the wrong name\n",
        "truncated.xlsx": good[: len(good) * 2 // 3],
        "zip-without-workbook.xlsx": _zip({"readme.txt": b"not a workbook"}),
        "old-excel.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
        "encrypted-member.xlsx": patch_encrypted(good),
        "unsupported-compression.xlsx": _zip({"xl/workbook.xml": b"<workbook/>"},
                                             zipfile.ZIP_BZIP2),
        "empty.csv": b"",
        "binary.csv": bytes(range(256)) * 4,
        "broken-utf16.csv": b"\xff\xfe" + "STT,Tên".encode("utf-16-le") + b"\x00\xd8",
        "empty-sheet.xlsx": xlsx([]),
        "wrong-sheet-name.xlsx": xlsx(table(), "Bảng 1", {"Bảng 3": table()}),
        "no-header.xlsx": xlsx([["Kết quả năm 2024"], ["Đơn vị nào", "Điểm gì"],
                                ["Sở Nội vụ", Decimal("93.12")]]),
        "header-only.csv": csv_text([HEADER]).encode(),
        "duplicate-units.xlsx": xlsx(table((3, 1, "sở  nội vụ"))),
        "duplicate-columns.xlsx": xlsx([[*HEADER, "Tổng điểm"]] + [[*r, r[4]] for r in ROWS]),
        "negative-score.csv": csv_text(table((2, 3, "-5"))).encode(),
        "not-a-number.xlsx": xlsx(table((1, 2, "sáu lăm"))),
        "infinite-score.csv": csv_text(table((1, 3, "inf"))).encode(),
        "nan-score.csv": csv_text(table((3, 2, "NaN"))).encode(),
        "component-above-maximum.csv": csv_text(table((1, 3, Decimal("31")))).encode(),
        "field-above-maximum.xlsx": xlsx(fields_table()),
        "fields-not-adding-up.xlsx": xlsx(fields_table(bad_total=True)),
        "mixed-separators.csv": csv_text(table((2, 2, "1.063,10")), ";").encode(),
        "formula-without-value.xlsx": xlsx(table((1, 2, "=60+5.4"))),
        "error-value.xlsx": xlsx(table((2, 3, "#DIV/0!"))),
        "date-as-score.xlsx": xlsx(table((1, 3, datetime(2024, 3, 27)))),
        "boolean-score.xlsx": xlsx(table((3, 2, True))),
        "missing-score.xlsx": xlsx(table((2, 2, None))),
        "missing-name.csv": csv_text(table((2, 1, ""))).encode(),
        "missing-survey-column.csv": csv_text([r[:3] + r[4:] for r in table()]).encode(),
        "rank-not-integer.xlsx": xlsx(table((2, 5, "2,5"))),
        "total-above-maximum.csv": csv_text([["STT", "Tên đơn vị", "Tổng điểm"],
                                             [1, "Sở Nội vụ", "100,5"]]).encode(),
    }
    return files


def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = method
            archive.writestr(info, data)
    return out.getvalue()


def messy_files() -> dict[str, bytes]:
    names = ["Huyện Lang Chánh", "Thị xã Nghi Sơn", "Huyện Mường Lát"]
    rows = [["STT", "Tên đơn vị", "Tổng điểm"]] + [[i + 1, n, t] for i, (n, t) in enumerate(
        zip(names, ("79,12", "88,65", "75,40"), strict=True))]
    text = csv_text(rows)
    tcvn3 = {v: k for k, v in __import__("docgen.ingest.legacy", fromlist=["TCVN3"]).TCVN3.items()}
    vni = {v: k for k, v in __import__("docgen.ingest.legacy", fromlist=["VNI"]).VNI.items()}
    tcvn_text = "".join(tcvn3.get(c, c) for c in text.replace("Đ", "đ"))
    vni_text = "".join(vni.get(c, c) for c in unicodedata.normalize("NFC", text))
    nfd = [[unicodedata.normalize("NFD", c) if isinstance(c, str) else c for c in r]
           for r in rows]
    return {
        "utf8-bom.csv": b"\xef\xbb\xbf" + text.encode(),
        "semicolon-decimal-comma.csv": csv_text(rows, ";").encode(),
        "utf16-tab.csv": b"\xff\xfe" + csv_text(rows, "\t").encode("utf-16-le"),
        "windows-1258.csv": cp1258(text),
        "tcvn3.csv": tcvn_text.encode("latin-1"),
        "tcvn3.xlsx": xlsx([[tcvn_text_cell(c, tcvn3) for c in r] for r in rows]),
        "vni.xlsx": xlsx([[vni_cell(c, vni) for c in r] for r in rows]),
        "vni.csv": vni_text.encode("latin-1"),
        "nfd-text.xlsx": xlsx(nfd),
        "control-characters.csv": text.replace("Huyện Lang", "Huyện\x07 Lang\x0b").encode(),
        "text-numbers-nbsp.xlsx": xlsx([rows[0]] + [[r[0], r[1], f"\u00a0{r[2]}\u00a0"]
                                                    for r in rows[1:]]),
        "formula-cached.xlsx": with_cached_value(xlsx(table((1, 2, "=60+5.4"))),
                                                 "<f>60+5.4</f><v></v>",
                                                 "<f>60+5.4</f><v>65.4</v>"),
    }


def with_cached_value(data: bytes, old: str, new: str) -> bytes:
    """Return the workbook with a formula's cached value filled in, as Excel saves it
    (openpyxl writes formulas without one)."""
    members = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            members[name] = archive.read(name)
    sheet = "xl/worksheets/sheet1.xml"
    assert old.encode() in members[sheet]
    members[sheet] = members[sheet].replace(old.encode(), new.encode())
    return _zip(members)


def tcvn_text_cell(value: object, table: dict[str, str]) -> object:
    if not isinstance(value, str):
        return value
    return "".join(table.get(c, c) for c in value.replace("Đ", "đ"))


def vni_cell(value: object, table: dict[str, str]) -> object:
    return "".join(table.get(c, c) for c in value) if isinstance(value, str) else value


def main() -> None:
    BAD.mkdir(parents=True, exist_ok=True)
    MESSY.mkdir(parents=True, exist_ok=True)
    for name, data in bad_files().items():
        (BAD / name).write_bytes(data)
    for name, data in messy_files().items():
        (MESSY / name).write_bytes(data)
    bomb(None, 63, BAD / "zip-bomb-declared.xlsx")       # 1 GB, declared honestly
    bomb(2000, 63, BAD / "zip-bomb-lying.xlsx")          # 1 GB, declares 2.000 bytes
    bomb(None, 1, BAD / "zip-bomb-ratio.xlsx")           # 32 MB at a ratio above 1.000:1
    counts = len(list(BAD.iterdir())), len(list(MESSY.iterdir()))
    print(f"wrote {counts[0]} files in {BAD}, {counts[1]} in {MESSY}")  # noqa: T201


if __name__ == "__main__":
    main()

"""The size limits of spreadsheet input, and the zip check that enforces them.

An .xlsx file is a zip. A hostile or broken one can declare small members that inflate to
gigabytes (a "zip bomb"), and openpyxl would try to hold all of it in memory. Before
openpyxl sees a file, :func:`check_zip` refuses it when

* the file itself is larger than :data:`MAX_FILE_BYTES`;
* it has more than :data:`MAX_MEMBERS` members, an encrypted member, or a compression
  other than "stored" and "deflate" (what Excel writes);
* the members' declared uncompressed sizes add up to more than :data:`MAX_UNPACKED_BYTES`,
  or a member larger than 1 MB declares a ratio above :data:`MAX_RATIO`;
* and, not trusting those declarations, a member inflates to more than it declares: each
  member is inflated in 64 KB steps, counting, and reading stops as soon as the count
  passes the declaration (so memory stays at a few hundred kilobytes whatever the file).

A real "Bảng 2" of a hundred units is under 100 KB unpacked; the limits are generous.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from decimal import Decimal
from typing import BinaryIO

from docgen import bounds
from docgen.errors import InputError, Problem
from docgen.formatting.numbers import format_plain
from docgen.rounding import round_half_up

#: The bounds themselves are set in :mod:`docgen.bounds`, with every other input bound.
MAX_FILE_BYTES = bounds.MAX_SHEET_FILE_BYTES
MAX_UNPACKED_BYTES = bounds.MAX_UNPACKED_BYTES
MAX_RATIO = bounds.MAX_RATIO
MAX_MEMBERS = bounds.MAX_MEMBERS

_STEP = 64 * 1024
_MB = 2**20


def _mb(size: int) -> str:
    """Return a size in megabytes the Vietnamese way ("1.024 MB", "0,5 MB")."""
    return f"{format_plain(round_half_up(Decimal(size) / _MB, 1))} MB"


def check_zip(handle: BinaryIO, source: str, kind: str = "xlsx") -> None:
    """Raise InputError unless the zip in `handle` stays within the limits when inflated.

    `kind` names the file in the messages: ``xlsx``, or ``docx`` and ``zip`` for an
    agency's template set (a DOCX is a zip too)."""
    try:
        archive = zipfile.ZipFile(handle)
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise InputError([Problem(source, "tệp", f"một tệp .{kind} nguyên vẹn",
                                  "tệp hỏng hoặc bị cắt cụt, không đọc được như tệp nén "
                                  "ZIP")]) from exc
    if len(members) > MAX_MEMBERS:
        raise _refuse(source, f"tối đa {MAX_MEMBERS} thành phần trong tệp nén",
                      f"{len(members)} thành phần")
    declared = 0
    for info in members:
        if info.flag_bits & 0x1:
            raise _refuse(source, "một tệp không đặt mật khẩu", f"'{info.filename}' được mã hóa")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _refuse(source, "nén kiểu Excel (deflate)" if kind == "xlsx" else
                          "nén kiểu deflate (như Word, Excel)",
                          f"'{info.filename}' nén kiểu số {info.compress_type}")
        declared += info.file_size
        if declared > MAX_UNPACKED_BYTES:
            raise _refuse(source, f"tối đa {_mb(MAX_UNPACKED_BYTES)} khi giải nén",
                          f"khai báo {_mb(declared)} trở lên (nghi là bom giải nén)")
        if info.file_size > _MB and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise _refuse(source, f"tỷ lệ nén tối đa {MAX_RATIO}:1",
                          f"'{info.filename}' nén {ratio}:1 (nghi là bom giải nén)")
    for info in members:
        _inflate_within(handle, info, source, kind)


def _refuse(source: str, expected: str, found: str) -> InputError:
    return InputError([Problem(source, "tệp", expected, found)])


def _inflate_within(handle: BinaryIO, info: zipfile.ZipInfo, source: str,
                    kind: str = "xlsx") -> None:
    """Inflate one member in bounded steps; refuse it if it gives more than it declares."""
    handle.seek(info.header_offset)
    header = handle.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise _refuse(source, f"một tệp .{kind} nguyên vẹn", f"'{info.filename}' hỏng")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    handle.seek(info.header_offset + 30 + name_length + extra_length)
    remaining = info.compress_size
    if info.compress_type == zipfile.ZIP_STORED:
        if remaining != info.file_size:
            raise _refuse(source, f"một tệp .{kind} nguyên vẹn",
                          f"'{info.filename}' sai kích thước")
        return
    inflater = zlib.decompressobj(-15)
    produced = 0
    try:
        while remaining > 0:
            chunk = handle.read(min(_STEP, remaining))
            if not chunk:
                raise _refuse(source, f"một tệp .{kind} nguyên vẹn",
                              f"tệp bị cắt cụt giữa '{info.filename}'")
            remaining -= len(chunk)
            data = inflater.decompress(chunk, _STEP)
            produced += len(data)
            while inflater.unconsumed_tail and produced <= info.file_size:
                produced += len(inflater.decompress(inflater.unconsumed_tail, _STEP))
            if produced > info.file_size:
                raise _refuse(source, f"mỗi phần giải nén đúng kích thước khai báo (tối đa "
                                      f"{_mb(MAX_UNPACKED_BYTES)} cả tệp)",
                              f"'{info.filename}' khai báo {format_plain(info.file_size)} byte "
                              f"nhưng giải nén ra hơn {format_plain(produced)} byte "
                              "(nghi là bom giải nén)")
    except zlib.error as exc:
        raise _refuse(source, f"một tệp .{kind} nguyên vẹn",
                      f"'{info.filename}' hỏng ({exc})") from exc

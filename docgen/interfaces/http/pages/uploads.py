"""Files sent from a page: size-limited and type-checked like the CLI's inputs.

The size is checked while reading (never more than the limit plus one chunk is held), the
extension must be one the page expects, and the first bytes must agree with it (a PDF
begins with %PDF-, an .xlsx is a zip); the spreadsheet reader then applies its own limits
(zip bombs, rows) as it does for the CLI.
"""

from __future__ import annotations

from pathlib import PurePath

from fastapi import Request, UploadFile

from docgen.errors import InputError, Problem

CHUNK = 256 * 1024

#: What the first bytes of a file of each kind must be (None: text, checked by its reader).
MAGIC = {"pdf": b"%PDF-", "xlsx": b"PK\x03\x04", "png": b"\x89PNG\r\n\x1a\n"}


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} MB"


async def read_upload(file: UploadFile, limit: int, kinds: tuple[str, ...],
                      what: str) -> tuple[str, bytes]:
    """Return the file's name (no folder) and bytes; refuse a wrong kind or a larger file."""
    name = PurePath((file.filename or "").replace("\\", "/")).name or what
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    expected = ", ".join(f".{k}" for k in kinds)
    if suffix not in kinds:
        raise InputError([Problem(name, what, f"một tệp {expected}",
                                  f"tệp .{suffix}" if suffix else "tệp không có đuôi")])
    parts, size = [], 0
    while chunk := await file.read(CHUNK):
        size += len(chunk)
        if size > limit:
            raise InputError([Problem(name, what, f"một tệp tối đa {_mb(limit)}",
                                      f"tệp lớn hơn {_mb(limit)}")])
        parts.append(chunk)
    data = b"".join(parts)
    if not data:
        raise InputError([Problem(name, what, "một tệp có nội dung", "tệp rỗng")])
    magic = MAGIC.get(suffix)
    if magic is not None and not data.startswith(magic):
        raise InputError([Problem(name, what, f"nội dung của một tệp .{suffix}",
                                  "nội dung không đúng loại tệp")])
    return name, data


async def read_uploads(request: Request, limit: int, kinds: tuple[str, ...],
                       what: str) -> list[tuple[str, bytes]]:
    """Every file of a multipart form, each read as :func:`read_upload` does (a file input
    left empty is skipped)."""
    form = await request.form()
    try:
        return [await read_upload(value, limit, kinds, what)
                for _key, value in form.multi_items()
                if not isinstance(value, str) and value.filename]
    finally:
        await form.close()

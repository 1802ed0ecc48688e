"""Zip packages (DOCX, XLSX) with the same bytes for the same members.

Office files are zip archives; zipfile stamps each member with the current time and keeps
the order of writing. For identical input to give identical files, every package docgen
writes (documents, the results workbook, the shipped templates) goes through this one
function: fixed dates, attributes, compression level and member order.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping, Sequence

_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_ZIP_LEVEL = 6
#: Members written first, in this order (readers look for the content types first).
OPC_FIRST = ("[Content_Types].xml", "_rels/.rels")


def deterministic_zip(members: Mapping[str, bytes], first: Sequence[str] = OPC_FIRST) -> bytes:
    """Return a zip of `members`: those named in `first` in that order, then by name.

    >>> import zipfile, io
    >>> data = deterministic_zip({"b": b"2", "[Content_Types].xml": b"1"})
    >>> zipfile.ZipFile(io.BytesIO(data)).namelist()
    ['[Content_Types].xml', 'b']
    >>> data == deterministic_zip({"[Content_Types].xml": b"1", "b": b"2"})
    True
    """
    rank = {name: i for i, name in enumerate(first)}
    order = sorted(members, key=lambda n: (rank.get(n, len(rank)), n))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            archive.writestr(info, members[name], compresslevel=_ZIP_LEVEL)
    return out.getvalue()

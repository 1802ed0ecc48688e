"""An incremental PDF writer whose output depends only on its input and the changes made.

pyHanko's own writer draws a random second file identifier and stamps the current time
into the document information (and XMP) on every write. docgen wants the same bytes from
the same input (issued files are hashed and archived), and keeps WeasyPrint's metadata as
it was: the second identifier is derived from the bytes being extended, and the
information dictionary and XMP packet are left alone.
"""

from __future__ import annotations

import hashlib
from io import BytesIO

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader


class StableWriter(IncrementalPdfFileWriter):
    """An :class:`IncrementalPdfFileWriter` with a derived ID and untouched metadata."""

    @classmethod
    def _handle_id(cls, prev: PdfFileReader) -> generic.ArrayObject:
        stream = prev.stream
        position = stream.tell()
        stream.seek(0)
        digest = hashlib.sha256(stream.read()).digest()
        stream.seek(position)
        try:
            first, _ = prev.trailer["/ID"]
            first = generic.ByteStringObject(getattr(first, "original_bytes", first))
        except KeyError:
            first = generic.ByteStringObject(digest[16:32])
        return generic.ArrayObject([first, generic.ByteStringObject(digest[:16])])

    def _update_meta(self) -> None:
        """Keep the producer's information dictionary and XMP packet as they are."""


def open_writer(pdf: bytes) -> StableWriter:
    """Return a stable incremental writer over `pdf` (strict parsing)."""
    return StableWriter(BytesIO(pdf))


def written(writer: StableWriter) -> bytes:
    """Return the original bytes followed by the writer's incremental update."""
    out = BytesIO()
    writer.write(out)
    return out.getvalue()

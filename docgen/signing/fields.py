"""Empty signature fields at ND30's places, added to an issued PDF as an incremental update.

A signing tool that fills existing fields (the national CA's, Adobe's, pyHanko's) then
signs where the decree wants the signature, without anyone drawing a rectangle.
"""

from __future__ import annotations

from pyhanko.sign.fields import SigFieldSpec, append_signature_field

from docgen.errors import RenderError
from docgen.signing.places import PlaceNotFound, agency_corner, leader_place
from docgen.signing.writer import open_writer, written

#: Field of the competent person's signature (ô 7c) on the Quyết định.
LEADER_FIELD = "ChuKyNguoiKy"
#: Field of the agency's signature at the top-right of page 1 of an attached file (ô 14).
AGENCY_FIELD = "ChuKyCoQuan"

#: Document kinds signed by the leader in ô 7c; the others are attached files.
SIGNED_BY_LEADER = ("quyet_dinh",)


def prepare_for_signing(kind: str, pdf: bytes, signer_name: str) -> bytes:
    """Return `pdf` (the issued document `kind`) with its empty signature field added.

    The Quyết định gets :data:`LEADER_FIELD` in ô 7c, found from the text of the page
    (see :mod:`docgen.signing.places`); Báo cáo and Phụ lục get :data:`AGENCY_FIELD` at
    the top-right of page 1. The same input gives the same bytes. Raises
    :class:`RenderError` when the signer's name is not where the template puts it.
    """
    if kind in SIGNED_BY_LEADER:
        try:
            page, box = leader_place(pdf, signer_name)
        except PlaceNotFound as exc:
            raise RenderError(f"{kind}.pdf: không tìm thấy chỗ ký (ô 7c) giữa chức vụ và họ "
                              f"tên người ký {signer_name!r}") from exc
        spec = SigFieldSpec(LEADER_FIELD, on_page=page, box=_rounded(box))
    else:
        spec = SigFieldSpec(AGENCY_FIELD, on_page=0, box=_rounded(agency_corner(pdf)))
    writer = open_writer(pdf)
    append_signature_field(writer, spec)
    return written(writer)


def _rounded(box: tuple[float, float, float, float]) -> tuple[int, int, int, int]:
    # SigFieldSpec takes integers; a point is fine enough for a signature's place.
    x1, y1, x2, y2 = box
    return round(x1), round(y1), round(x2), round(y2)

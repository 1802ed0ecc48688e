"""The issued PDFs carry their empty signature fields at ND30's places, reproducibly."""

from __future__ import annotations

from io import BytesIO

import pypdf
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import enumerate_sig_fields

from docgen.signing.fields import AGENCY_FIELD, LEADER_FIELD, prepare_for_signing
from docgen.signing.places import page_lines

A4_WIDTH, A4_HEIGHT = 595.28, 841.89


def _fields(pdf: bytes) -> dict[str, tuple[int, list[float]]]:
    reader = PdfFileReader(BytesIO(pdf))
    kids = reader.root["/Pages"]["/Kids"]
    pages = [kids.raw_get(i).idnum for i in range(len(kids))]
    found = {}
    for name, value, ref in enumerate_sig_fields(reader):
        widget = ref.get_object()
        page = pages.index(widget.raw_get("/P").idnum) if "/P" in widget else -1
        found[name] = (page, [float(x) for x in widget["/Rect"]], value)
    return {name: (page, rect) for name, (page, rect, value) in found.items() if value is None}


def test_decision_has_the_leader_field_between_the_title_and_the_name(issued):
    fields = _fields(issued["quyet_dinh"])
    assert list(fields) == [LEADER_FIELD]
    page, (x1, y1, x2, y2) = fields[LEADER_FIELD]
    lines = page_lines(pypdf.PdfReader(BytesIO(issued["quyet_dinh"])).pages[page])
    name = next(line for line in lines if line.text == "Nguyễn Thành Công")
    title = next(line for line in lines if line.text == "PHÓ CHỦ TỊCH")
    # ô 7c: above the name's capitals, below the chức vụ line, centred on the name
    assert name.baseline + 0.7 * name.size < y1 < name.baseline + 1.2 * name.size
    assert title.baseline - 0.5 * title.size < y2 < title.baseline
    assert abs((x1 + x2) / 2 - (name.x1 + name.x2) / 2) < 1
    assert y2 - y1 > 70  # about 3 cm for the signature image
    # the right column of the signature row (30 mm + 40 % of 165 mm .. 195 mm)
    assert 96 * 72 / 25.4 < x1 < x2 < 195 * 72 / 25.4


def test_attached_files_have_the_agency_field_top_right_of_page_one(issued):
    for kind in ("bao_cao", "phu_luc"):
        fields = _fields(issued[kind])
        assert list(fields) == [AGENCY_FIELD], kind
        page, (x1, y1, x2, y2) = fields[AGENCY_FIELD]
        assert page == 0
        assert round(x2, 0) == round(A4_WIDTH - 15 * 72 / 25.4, 0)  # at the right margin
        assert y1 > A4_HEIGHT - 20 * 72 / 25.4  # in the top margin, above the Quốc hiệu
        assert x1 > A4_WIDTH / 2


def test_fields_are_an_incremental_update_and_reproducible(issued):
    for kind, pdf in issued.items():
        first_revision_end = pdf.index(b"%%EOF") + len(b"%%EOF")
        original = pdf[:first_revision_end + 1]
        again = prepare_for_signing(kind, original, "Nguyễn Thành Công")
        assert again == pdf, kind
        assert pdf.startswith(original)


def test_draft_has_no_field(final_dossier):
    from docgen.pipeline import render_package

    [draft] = render_package(final_dossier, formats=["pdf"], draft=True, kinds=["phu_luc"])
    assert b"/AcroForm" not in draft.data

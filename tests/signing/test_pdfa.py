"""Issued and signed PDFs keep what PDF/A-2b asks that can be checked without a validator:
the XMP identification, an output intent, every font embedded (page content, the signature
appearances), no encryption, no JavaScript. (veraPDF is not run: see the README.)"""

from __future__ import annotations

from datetime import timedelta, timezone
from io import BytesIO
from xml.etree import ElementTree

import pytest
from pki import leader_signed, seal_png
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader

from docgen.signing.agency import open_agency_signer, read_seal, sign_attachment, sign_decision
from docgen.signing.policy import AgencyKey

FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")


def _walk(obj, seen, found):
    """Collect every font dictionary reachable from `obj` (resources, XObjects, AP)."""
    if isinstance(obj, generic.IndirectObject):
        key = (obj.idnum, obj.generation)
        if key in seen:
            return
        seen.add(key)
        obj = obj.get_object()
    if isinstance(obj, generic.DictionaryObject):
        if obj.get("/Type") == "/Font":
            found.append(obj)
        for name in obj:
            if name not in ("/Parent", "/P"):
                _walk(obj.raw_get(name), seen, found)
    elif isinstance(obj, generic.ArrayObject):
        for index in range(len(obj)):
            _walk(obj.raw_get(index), seen, found)


def _fonts(reader: PdfFileReader) -> list[generic.DictionaryObject]:
    found: list = []
    _walk(reader.root.raw_get("/Pages"), set(), found)
    _walk(reader.root.raw_get("/AcroForm"), set(), found)
    return found


def _embedded(font: generic.DictionaryObject) -> bool:
    if font.get("/Subtype") == "/Type0":
        font = font["/DescendantFonts"][0].get_object()
    if font.get("/Subtype") == "/Type3":
        return True
    descriptor = font["/FontDescriptor"] if "/FontDescriptor" in font else None
    return descriptor is not None and any(k in descriptor for k in FONT_FILES)


def assert_pdfa(pdf: bytes) -> None:
    reader = PdfFileReader(BytesIO(pdf))
    xmp = ElementTree.fromstring(reader.root["/Metadata"].data)
    ns = "{http://www.aiim.org/pdfa/ns/id/}"
    ident = {(d.get(ns + "part"), d.get(ns + "conformance")) for d in xmp.iter()
             if d.get(ns + "part") is not None}
    assert ident == {("2", "B")}
    [intent] = reader.root["/OutputIntents"]
    assert intent["/S"] == "/GTS_PDFA1" and "/DestOutputProfile" in intent
    fonts = _fonts(reader)
    assert fonts and all(_embedded(f) for f in fonts), [f.get("/BaseFont") for f in fonts]
    assert "/Encrypt" not in reader.trailer
    names = reader.root.get("/Names")
    assert names is None or "/JavaScript" not in names
    assert "/OpenAction" not in reader.root and "/AA" not in reader.root
    assert b"/JavaScript" not in pdf and b"/JS " not in pdf


@pytest.mark.parametrize("kind", ["quyet_dinh", "bao_cao", "phu_luc"])
def test_issued_files_are_pdfa_2b(issued, kind):
    assert_pdfa(issued[kind])


@pytest.fixture(scope="module")
def agency_key(tmp_path_factory, pki) -> AgencyKey:
    path = tmp_path_factory.mktemp("p12-a") / "co-quan.p12"
    path.write_bytes(pki.agency.pkcs12([pki.root.cert], b"k"))
    return AgencyKey(pkcs12_file=path, pkcs12_password="k")


def test_signatures_docgen_adds_keep_it_pdfa(issued, agency_key):
    from datetime import datetime

    when = datetime(2025, 12, 16, 9, 30, tzinfo=timezone(timedelta(hours=7)))
    with open_agency_signer(agency_key) as agency:
        decision = sign_decision(leader_signed(issued["quyet_dinh"]), agency,
                                 read_seal(seal_png()), when=when)
        report = sign_attachment(issued["bao_cao"], agency, code="1234/QĐ-UBND", when=when)
    assert_pdfa(report)  # the 10 pt text: Liberation Serif (or Times New Roman), embedded
    reader = PdfFileReader(BytesIO(decision))
    # The seal: an image with a soft mask (transparency is allowed in PDF/A-2), no font.
    seal = next(s for s in reader.embedded_signatures if s.field_name == "DauCoQuan")
    assert seal.sig_field["/AP"]["/N"] is not None
    assert "/Encrypt" not in reader.trailer and b"/JavaScript" not in decision

"""The agency's signature after the leader's: from a SoftHSM2 token and a PKCS#12 file,
end to end through the workflow (issue Sơn La 2025, leader signs, upload, agency signs)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from io import BytesIO

import pytest
from extract import SON_LA
from pki import leader_signed, seal_png
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from service import Clock, users_of
from softhsm import KEY, MODULE, PIN, TOKEN, make_token

from docgen.archive.errors import ConflictError
from docgen.archive.store import Archive
from docgen.errors import InputError
from docgen.signing.agency import read_seal
from docgen.signing.policy import AgencyKey, SigningPolicy
from docgen.signing.trust import load_trust_anchors
from docgen.workflow.errors import ForbiddenError
from docgen.workflow.service import Workflow

NOW = datetime(2025, 12, 16, 2, 30, 5, tzinfo=UTC)  # 09:30:05 in Vietnam


@pytest.fixture(scope="module")
def token(tmp_path_factory, pki) -> AgencyKey:
    make_token(tmp_path_factory.mktemp("softhsm"), pki.agency)
    return AgencyKey(pkcs11_module=MODULE, pkcs11_token_label=TOKEN, pkcs11_key_label=KEY,
                     pkcs11_pin=PIN)


@pytest.fixture(scope="module")
def pkcs12(tmp_path_factory, pki) -> AgencyKey:
    path = tmp_path_factory.mktemp("p12") / "co-quan.p12"
    path.write_bytes(pki.agency.pkcs12([pki.root.cert], b"mat khau"))
    return AgencyKey(pkcs12_file=path, pkcs12_password="mat khau")


def _signed_dossier(tmp_path, pki, key: AgencyKey):
    archive = Archive(tmp_path / "data")
    wf = Workflow(archive, today=Clock(date(2025, 12, 16)), now=lambda: NOW,
                  issue_formats=("pdf",),
                  signing=SigningPolicy(trust_dir=pki.trust_dir, agency_key=key))
    staff = users_of(archive, "ubnd-son-la")
    dossier = wf.create(staff["chuyen_vien"], SON_LA.read_bytes(), "son-la.yaml")
    wf.render(staff["chuyen_vien"], dossier.id, formats=["docx"])
    wf.submit(staff["chuyen_vien"], dossier.id)
    wf.approve(staff["lanh_dao"], dossier.id)
    issued = {r.document.kind: r for r in wf.issue(staff["van_thu"], dossier.id)}
    issued_pdf = archive.read_file(issued["quyet_dinh"], "pdf")[1]
    upload = wf.upload_signed(staff["van_thu"], dossier.id, leader_signed(issued_pdf))
    assert upload.version.signatures[0]["accepted"]
    return archive, wf, staff, dossier.id, issued, issued_pdf


def _validate(pdf: bytes, anchors) -> list:
    reader = PdfFileReader(BytesIO(pdf))
    return [validate_pdf_signature(s, ValidationContext(trust_roots=anchors, allow_fetching=False))
            for s in reader.embedded_signatures]


def test_the_clerk_signs_as_the_agency_from_softhsm2(tmp_path, pki, token):
    archive, wf, staff, dossier_id, issued, issued_pdf = _signed_dossier(tmp_path, pki, token)
    with pytest.raises(ConflictError, match="chưa có ảnh dấu"):
        wf.agency_sign(staff["van_thu"], dossier_id)
    with pytest.raises(ForbiddenError):
        wf.set_seal(staff["lanh_dao"], seal_png())
    assert wf.set_seal(staff["van_thu"], seal_png())["width_mm"] == 36.0
    with pytest.raises(ForbiddenError):
        wf.agency_sign(staff["lanh_dao"], dossier_id)

    records = {r.document.kind: r for r in wf.agency_sign(staff["van_thu"], dossier_id)}
    assert set(records) == {"quyet_dinh", "bao_cao", "phu_luc"}
    anchors = load_trust_anchors(pki.trust_dir)

    decision = archive.read_file(records["quyet_dinh"], "pdf")[1]
    assert decision.startswith(issued_pdf)  # what was issued is still the signed revision
    leader, agency = _validate(decision, anchors)
    for status in (leader, agency):
        assert status.intact and status.valid and status.trusted, status.pretty_print_details()
    assert leader.signing_cert.subject.native["common_name"] == "Nguyễn Thành Công"
    assert agency.signing_cert.subject.native["common_name"] == "Ủy ban nhân dân tỉnh Sơn La"
    assert leader.docmdp_ok is not False  # the agency's signature is an allowed change
    roles = [s["role"] for s in records["quyet_dinh"].version.signatures]
    assert roles == ["leader", "agency"]
    stamp = records["quyet_dinh"].version.signatures[1]
    assert stamp["signing_time"] == "2025-12-16T09:30:05+07:00"
    assert stamp["serial"] == format(1002, "X")

    for kind in ("bao_cao", "phu_luc"):
        pdf = archive.read_file(records[kind], "pdf")[1]
        original = archive.read_file(issued[kind], "pdf")[1]
        assert pdf.startswith(original)
        [status] = _validate(pdf, anchors)
        assert status.intact and status.valid and status.trusted
        reader = PdfFileReader(BytesIO(pdf))
        [signature] = reader.embedded_signatures
        assert signature.field_name == "ChuKyCoQuan"
        appearance = signature.sig_field["/AP"]["/N"].data
        assert b"(\\376\\377\\0000\\0001\\000\\057" in appearance  # ActualText "01/QĐ-UBND"
        assert b"2025\\05512\\05516T09\\07230\\07205+07\\07200" in appearance or \
            b"2025-12-16T09:30:05+07:00" in appearance.replace(b"\\055", b"-").replace(
                b"\\072", b":").replace(b"\\053", b"+")
        assert b"/F1 10 Tf" in appearance  # 10 pt

    with pytest.raises(ConflictError, match="đã được ký số của cơ quan"):
        wf.agency_sign(staff["van_thu"], dossier_id)
    archive.close()


def test_the_agency_key_from_a_pkcs12_file(pki, pkcs12, issued):
    from docgen.signing.agency import (
        open_agency_signer,
        read_seal,
        sign_attachment,
        sign_decision,
    )

    when = NOW.astimezone(timezone(timedelta(hours=7)))
    anchors = load_trust_anchors(pki.trust_dir)
    with open_agency_signer(pkcs12) as agency:
        decision = sign_decision(leader_signed(issued["quyet_dinh"]), agency,
                                 read_seal(seal_png(40)), when=when)
        appendix = sign_attachment(issued["phu_luc"], agency, code="1234/QĐ-UBND", when=when)
    assert all(s.intact and s.trusted for s in _validate(decision, anchors))
    assert all(s.intact and s.trusted for s in _validate(appendix, anchors))


def test_a_wrong_pin_or_password_is_a_vietnamese_refusal(tmp_path, pki, token, pkcs12):
    from docgen.signing.agency import AgencySigningError, open_agency_signer

    for key in (AgencyKey(pkcs11_module=MODULE, pkcs11_token_label=TOKEN,
                          pkcs11_key_label=KEY, pkcs11_pin="0000"),
                AgencyKey(pkcs12_file=pkcs12.pkcs12_file, pkcs12_password="sai"),
                AgencyKey()):
        with pytest.raises(AgencySigningError) as caught, open_agency_signer(key):
            pass
        assert "cần" in str(caught.value) and "Error" not in str(caught.value)


def test_the_seal_must_be_a_transparent_png_with_its_size():
    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (300, 300), "red").save(out, format="PNG")
    with pytest.raises(InputError) as caught:
        read_seal(out.getvalue())
    text = str(caught.value)
    assert "nền trong suốt" in text and "DPI" in text
    assert read_seal(seal_png(42, dpi=200)).width_mm == 42.0

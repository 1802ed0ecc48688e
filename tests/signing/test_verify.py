"""The leader's signature is verified against the issued bytes; each failure has its
Vietnamese message."""

from __future__ import annotations

from io import BytesIO

import pytest
from pki import sign_pdf
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from docgen.errors import InputError
from docgen.signing.trust import load_trust_anchors
from docgen.signing.verify import verify_signed


@pytest.fixture(scope="module")
def anchors(pki):
    return load_trust_anchors(pki.trust_dir)


@pytest.fixture(scope="module")
def signed(pki, issued) -> bytes:
    return sign_pdf(issued["quyet_dinh"], pki.leader, [pki.root])


def _failed(report) -> list[str]:
    return [c.code for c in report.failures]


def test_a_good_signature_passes_every_check_and_is_described(signed, issued, anchors, pki):
    report = verify_signed(signed, issued["quyet_dinh"], trust_roots=anchors)
    assert [c.code for c in report.checks] == [
        "readable", "signed", "intact", "coverage", "issued", "trusted", "valid_at_signing",
        "later_changes"]
    assert report.accepted and not report.failures
    assert (report.signer, report.organisation, report.serial) == (
        "Nguyễn Thành Công", "UBND tỉnh Sơn La", format(1001, "X"))
    assert "CA gốc thử nghiệm" in report.issuer
    assert report.time_source == "signer" and report.signing_time.endswith("+00:00")
    assert report.to_dict()["accepted"] is True


def _refused(signed: bytes, issued: bytes, anchors, **options) -> list[str]:
    report = verify_signed(signed, issued, trust_roots=anchors, **options)
    with pytest.raises(InputError) as caught:
        report.refuse_unless_accepted("tệp đã ký tải lên")
    for problem in caught.value.problems:  # Vietnamese, naming the check
        assert problem.source == "tệp đã ký tải lên"
        assert problem.location.startswith("kiểm tra chữ ký số › ")
    return _failed(report), str(caught.value)


def test_an_unsigned_pdf_is_refused(issued, anchors):
    codes, message = _refused(issued["quyet_dinh"], issued["quyet_dinh"], anchors)
    assert codes == ["signed"]
    assert "tệp không có chữ ký số nào" in message


def test_a_signature_over_another_document_is_refused(pki, issued, anchors):
    other = sign_pdf(issued["bao_cao"], pki.leader, [pki.root], field="ChuKyCoQuan")
    codes, message = _refused(other, issued["quyet_dinh"], anchors)
    assert codes == ["issued"]
    assert "không phải đúng từng byte bản ban hành" in message


def test_a_regenerated_issued_file_signed_is_refused(pki, issued, anchors):
    # The same decision laid out again, its field added by another tool: the same pages,
    # other bytes (pyHanko's own writer draws a random file ID and stamps the time).
    from pyhanko.sign.fields import SigFieldSpec, append_signature_field

    pdf = issued["quyet_dinh"]
    layout = pdf[:pdf.index(b"%%EOF") + len(b"%%EOF\n")]
    writer = IncrementalPdfFileWriter(BytesIO(layout))
    append_signature_field(writer, SigFieldSpec("ChuKyNguoiKy", on_page=1,
                                                box=(328, 611, 498, 695)))
    out = BytesIO()
    writer.write(out)
    assert out.getvalue() != pdf
    codes, _ = _refused(sign_pdf(out.getvalue(), pki.leader, [pki.root]), pdf, anchors)
    assert codes == ["issued"]


def test_an_untrusted_ca_is_refused_unless_the_deployment_allows_it(pki, issued, anchors):
    stranger = sign_pdf(issued["quyet_dinh"], pki.stranger, [pki.other_root])
    codes, message = _refused(stranger, issued["quyet_dinh"], anchors)
    assert codes == ["trusted"]
    assert "không dẫn về CA gốc tin cậy" in message
    report = verify_signed(stranger, issued["quyet_dinh"], trust_roots=anchors,
                           allow_untrusted=True)
    assert report.accepted and report.untrusted_accepted


def test_no_trust_folder_trusts_nobody(signed, issued):
    assert _refused(signed, issued["quyet_dinh"], [])[0] == ["trusted"]


def test_an_expired_certificate_is_refused_even_when_untrusted_is_allowed(pki, issued, anchors):
    expired = sign_pdf(issued["quyet_dinh"], pki.expired, [pki.root])
    codes, message = _refused(expired, issued["quyet_dinh"], anchors, allow_untrusted=True)
    assert codes == ["valid_at_signing"]  # reported as expired, not as untrusted
    assert "không còn (hoặc chưa có) hiệu lực tại thời điểm ký" in message


def test_a_page_added_after_signing_is_refused(signed, issued, anchors):
    from pyhanko.pdf_utils import generic

    writer = IncrementalPdfFileWriter(BytesIO(signed))
    writer.insert_page(generic.DictionaryObject({
        generic.pdf_name("/Type"): generic.pdf_name("/Page"),
        generic.pdf_name("/MediaBox"): generic.ArrayObject(
            [generic.NumberObject(n) for n in (0, 0, 595, 842)]),
        generic.pdf_name("/Resources"): generic.DictionaryObject()}))
    out = BytesIO()
    writer.write(out)
    codes, message = _refused(out.getvalue(), issued["quyet_dinh"], anchors)
    assert codes == ["later_changes"]
    assert "thêm trang" in message


def test_a_further_signature_after_the_leader_is_allowed(pki, signed, issued, anchors):
    twice = sign_pdf(signed, pki.agency, [pki.root], field=None)
    report = verify_signed(twice, issued["quyet_dinh"], trust_roots=anchors)
    assert report.accepted, _failed(report)


@pytest.mark.parametrize("cut", [1, 200, 5000])
def test_a_truncated_file_is_refused(signed, issued, anchors, cut):
    codes, message = _refused(signed[:-cut], issued["quyet_dinh"], anchors)
    assert codes == ["readable"]
    assert "bị cắt cụt" in message


def test_a_changed_byte_in_the_signed_part_is_refused(signed, issued, anchors):
    # byte 100 lies in page 1's compressed content stream, inside the signed range
    tampered = signed[:100] + (b"X" if signed[100:101] != b"X" else b"Y") + signed[101:]
    codes, _ = _refused(tampered, issued["quyet_dinh"], anchors)
    assert "intact" in codes and "issued" in codes

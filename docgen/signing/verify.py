"""Verify the competent person's signature on the issued file, check by check.

What "signed" means to docgen, each a check with a Vietnamese message when it fails:

1. ``readable`` the upload is a PDF pyHanko can parse (a truncated file is not);
2. ``signed`` it holds a signature (the first one is the leader's);
3. ``intact`` the signed bytes hash to what the signature says, and the signature
   verifies with the certificate's key;
4. ``coverage`` the signature covers the whole revision it belongs to;
5. ``issued`` that revision begins with exactly the issued bytes: the upload starts with
   them and the signature is the very next revision (what was issued is what was signed);
6. ``trusted`` the certificate chains to one of the configured trust anchors;
7. ``valid_at_signing`` the certificate was valid at the signing time (the time-stamp's
   when there is one, else the time the signer's software wrote);
8. ``later_changes`` whatever was appended after the signature is only further
   signatures (pyHanko's difference analysis: form filling at most, no page, no content).

Revocation is not checked: the service fetches nothing from the network (no OCSP/CRL).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from io import BytesIO
from typing import Any

from asn1crypto import x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from docgen.errors import InputError, Problem
from docgen.signing.runner import outside_event_loop

#: Check -> (what it means, what the message says when it fails), in the order checked.
CHECKS: dict[str, tuple[str, str]] = {
    "readable": ("tệp PDF đọc được",
                 "tệp PDF hỏng hoặc bị cắt cụt, không đọc được cấu trúc của tệp"),
    "signed": ("có chữ ký số", "tệp không có chữ ký số nào"),
    "intact": ("chữ ký toàn vẹn",
               "chữ ký số không khớp với nội dung: tệp đã bị sửa sau khi ký hoặc chữ ký hỏng"),
    "coverage": ("chữ ký bao trùm cả phiên bản đã ký",
                 "chữ ký số không bao trùm toàn bộ phiên bản tệp mà nó ký"),
    "issued": ("bản đã ký đúng là bản ban hành",
               "phần đã ký không phải đúng từng byte bản ban hành (ký trên một văn bản khác, "
               "hoặc trên một tệp kết xuất lại)"),
    "trusted": ("chứng thư số thuộc CA tin cậy",
                "chứng thư số của người ký không dẫn về CA gốc tin cậy nào được cấu hình"),
    "valid_at_signing": ("chứng thư số còn hiệu lực khi ký",
                         "chứng thư số của người ký không còn (hoặc chưa có) hiệu lực tại "
                         "thời điểm ký"),
    "later_changes": ("sau khi ký chỉ thêm chữ ký số",
                      "tệp bị thay đổi sau khi ký (thêm trang, sửa nội dung hoặc chú thích), "
                      "không chỉ thêm chữ ký số"),
}

#: Modification levels pyHanko's analysis may report after the signature: further
#: signatures (a signature field filled or added, time-stamps, validation data).
_ALLOWED_AFTER = (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES,
                  ModificationLevel.FORM_FILLING)


@dataclass(frozen=True)
class Check:
    code: str
    ok: bool
    name: str
    message: str | None  #: why it failed (Vietnamese); None when it passed


@dataclass
class SignatureReport:
    """What docgen verified about one signature, as stored with the version."""

    checks: list[Check] = field(default_factory=list)
    signer: str | None = None  #: the certificate's common name
    organisation: str | None = None
    serial: str | None = None  #: hexadecimal
    issuer: str | None = None
    signing_time: str | None = None  #: ISO 8601
    time_source: str | None = None  #: "timestamp" or "signer" (the signer's own clock)
    untrusted_accepted: bool = False  #: intact but untrusted, accepted by the deployment

    def passed(self, code: str) -> bool:
        return any(c.code == code and c.ok for c in self.checks)

    @property
    def failures(self) -> list[Check]:
        return [c for c in self.checks if not c.ok]

    @property
    def accepted(self) -> bool:
        failed = {c.code for c in self.failures}
        return not failed or (failed == {"trusted"} and self.untrusted_accepted)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["accepted"] = self.accepted
        return data

    def refuse_unless_accepted(self, source: str) -> None:
        """Raise :class:`InputError` with one problem per failed check, unless accepted."""
        if not self.accepted:
            raise InputError([Problem(source, f"kiểm tra chữ ký số › {c.name}",
                                      "chữ ký số hợp lệ của người có thẩm quyền", c.message)
                              for c in self.failures])


def _check(report: SignatureReport, code: str, ok: bool) -> bool:
    name, message = CHECKS[code]
    report.checks.append(Check(code, ok, name, None if ok else message))
    return ok


def verify_signed(signed: bytes, issued: bytes, *, trust_roots: list[x509.Certificate],
                  allow_untrusted: bool = False) -> SignatureReport:
    """Return the report on the first signature of `signed` against the `issued` bytes.

    Every check is run that can be (a later one needs the signature an earlier one found);
    the report says which passed. An intact signature whose only failure is ``trusted``
    is accepted when `allow_untrusted` is set, and marked ``untrusted_accepted``.
    """
    report = SignatureReport()
    try:
        reader = PdfFileReader(BytesIO(signed), strict=True)
        signatures = reader.embedded_regular_signatures
        issued_revisions = PdfFileReader(BytesIO(issued)).xrefs.total_revisions
        ranges = [signature.sig_object["/ByteRange"] for signature in signatures]
    except Exception:  # noqa: BLE001 - any parse failure of an untrusted upload
        _check(report, "readable", False)
        return report
    # A signature claiming bytes past the end: the file was cut after it was signed.
    if not _check(report, "readable", all(r[2] + r[3] <= len(signed) for r in ranges)):
        return report
    if not _check(report, "signed", bool(signatures)):
        return report
    signature = signatures[0]
    try:
        _describe(report, signature)
        status = outside_event_loop(lambda: _validate(signature, trust_roots, report))
    except Exception:  # noqa: BLE001 - a malformed signature dictionary or CMS blob
        _check(report, "intact", False)
        return report
    _check(report, "intact", bool(status.intact and status.valid))
    _check(report, "coverage", status.coverage is not None
           and status.coverage >= SignatureCoverageLevel.ENTIRE_REVISION)
    _check(report, "issued", signed.startswith(issued)
           and signature.signed_revision == issued_revisions)
    in_time = _valid_at(signature.signer_cert, _moment(report))
    trusted = status.trusted if in_time else _trusted_when_valid(signature, trust_roots)
    _check(report, "trusted", bool(trusted))
    _check(report, "valid_at_signing", in_time)
    level = status.modification_level
    _check(report, "later_changes", level in _ALLOWED_AFTER and status.docmdp_ok is not False)
    report.untrusted_accepted = allow_untrusted and not report.passed("trusted")
    return report


def _describe(report: SignatureReport, signature: EmbeddedPdfSignature) -> None:
    cert = signature.signer_cert
    subject = cert.subject.native
    report.signer = subject.get("common_name")
    report.organisation = subject.get("organization_name")
    report.serial = format(cert.serial_number, "X")
    report.issuer = cert.issuer.human_friendly
    stamped = _timestamp_time(signature)
    when = stamped or signature.self_reported_timestamp
    report.time_source = "timestamp" if stamped is not None else "signer"
    if when is not None:
        report.signing_time = when.astimezone(UTC).isoformat()


def _timestamp_time(signature: EmbeddedPdfSignature) -> datetime | None:
    """Return the time of the signature's RFC 3161 time-stamp token, if it has one."""
    attributes = signature.signer_info["unsigned_attrs"]
    for attribute in attributes if attributes.native is not None else ():
        if attribute["type"].native == "signature_time_stamp_token":
            token = attribute["values"][0]["content"]
            info = token["encap_content_info"]["content"].parsed
            return info["gen_time"].native
    return None


def _moment(report: SignatureReport) -> datetime:
    if report.signing_time is None:
        return datetime.now(UTC)
    return datetime.fromisoformat(report.signing_time)


def _valid_at(cert: x509.Certificate, moment: datetime) -> bool:
    return cert.not_valid_before <= moment <= cert.not_valid_after


def _context(trust_roots: list[x509.Certificate], moment: datetime) -> ValidationContext:
    # No fetching: revocation is not checked (soft-fail), and nothing leaves the machine.
    return ValidationContext(trust_roots=list(trust_roots), moment=moment,
                             allow_fetching=False, revocation_mode="soft-fail")


#: Key usages a signing certificate may carry (national CA certificates vary).
_KEY_USAGE = KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"},
                                 match_all_key_usages=False)


def _validate(signature: EmbeddedPdfSignature, trust_roots: list[x509.Certificate],
              report: SignatureReport) -> Any:
    return validate_pdf_signature(signature, _context(trust_roots, _moment(report)),
                                  key_usage_settings=_KEY_USAGE)


def _trusted_when_valid(signature: EmbeddedPdfSignature,
                        trust_roots: list[x509.Certificate]) -> bool:
    """Return whether the chain reaches an anchor, judged inside the certificate's validity
    (so that an expired certificate is reported as expired, not as untrusted)."""
    moment = signature.signer_cert.not_valid_before + timedelta(seconds=1)
    status = outside_event_loop(lambda: validate_pdf_signature(
        signature, _context(trust_roots, moment), key_usage_settings=_KEY_USAGE,
        skip_diff=True))
    return bool(status.trusted)

"""A throwaway PKI for the signing tests: a root CA, an untrusted CA, and end-entity
certificates (a leader, an agency, an expired leader), made with `cryptography`.

EC P-256 keys keep generation and signing fast. Every certificate is valid from a fixed
date, so nothing depends on the day the tests run, except "now" lying inside the
validity of the valid ones (2025-2045) and after the end of the expired one.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

START = datetime(2025, 1, 1, tzinfo=UTC)
END = datetime(2045, 1, 1, tzinfo=UTC)


@dataclass
class Identity:
    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate

    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    def key_pem(self) -> bytes:
        return self.key.private_bytes(serialization.Encoding.PEM,
                                      serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption())

    def pkcs12(self, chain: list[x509.Certificate], password: bytes) -> bytes:
        return pkcs12.serialize_key_and_certificates(
            b"agency", self.key, self.cert, chain,
            serialization.BestAvailableEncryption(password))


def _name(common: str, org: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
                      x509.NameAttribute(NameOID.COMMON_NAME, common)])


def make_ca(common: str, serial: int) -> Identity:
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(common, "Tổ chức chứng thực thử nghiệm")
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(serial)
            .not_valid_before(START).not_valid_after(END)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(True, False, False, False, False, True, True, False,
                                         False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                           critical=False)
            .sign(key, hashes.SHA256()))
    return Identity(key, cert)


def make_person(ca: Identity, common: str, org: str, serial: int, *,
                start: datetime = START, end: datetime = END) -> Identity:
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder().subject_name(_name(common, org))
            .issuer_name(ca.cert.subject).public_key(key.public_key()).serial_number(serial)
            .not_valid_before(start).not_valid_after(end)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False,
                                         False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]),
                           critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                ca.key.public_key()), critical=False)
            .sign(ca.key, hashes.SHA256()))
    return Identity(key, cert)


@dataclass
class Pki:
    root: Identity
    other_root: Identity
    leader: Identity
    agency: Identity
    expired: Identity
    stranger: Identity  #: a leader certificate from the untrusted CA
    trust_dir: Path


def make_pki(folder: Path) -> Pki:
    root = make_ca("CA gốc thử nghiệm", 1)
    other = make_ca("CA lạ", 2)
    pki = Pki(
        root=root, other_root=other,
        leader=make_person(root, "Nguyễn Thành Công", "UBND tỉnh Sơn La", 1001),
        agency=make_person(root, "Ủy ban nhân dân tỉnh Sơn La", "UBND tỉnh Sơn La", 1002),
        expired=make_person(root, "Nguyễn Thành Công", "UBND tỉnh Sơn La", 1003,
                            start=datetime(2025, 1, 1, tzinfo=UTC),
                            end=datetime(2025, 6, 1, tzinfo=UTC)),
        stranger=make_person(other, "Nguyễn Thành Công", "UBND tỉnh Sơn La", 1004),
        trust_dir=folder / "trust")
    pki.trust_dir.mkdir()
    (pki.trust_dir / "root.pem").write_bytes(root.pem())
    return pki


def sign_pdf(pdf: bytes, who: Identity, chain: list[Identity], *,
             field: str | None = "ChuKyNguoiKy") -> bytes:
    """Return `pdf` signed by `who` into `field` (pyHanko, an incremental update)."""
    from io import BytesIO

    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    from docgen.signing.runner import outside_event_loop

    der = who.key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    signer = signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(
            who.cert.public_bytes(serialization.Encoding.DER)),
        signing_key=asn1_keys.PrivateKeyInfo.load(der),
        cert_registry=SimpleCertificateStore.from_certs(
            [asn1_x509.Certificate.load(c.cert.public_bytes(serialization.Encoding.DER))
             for c in chain]))
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(field_name=field or "ChuKyKhac")
    new_field = None if field else fields.SigFieldSpec("ChuKyKhac", box=(10, 10, 60, 40))
    pdf_signer = signers.PdfSigner(meta, signer, new_field_spec=new_field)
    # Playwright's sync API runs an event loop in the test's thread, where asyncio.run fails.
    return outside_event_loop(lambda: pdf_signer.sign_pdf(writer).getvalue())


@functools.cache
def kit() -> Pki:
    """Return one PKI per test process (its trust folder in a temporary directory)."""
    import tempfile

    return make_pki(Path(tempfile.mkdtemp(prefix="docgen-pki-")))


def leader_signed(pdf: bytes) -> bytes:
    """Return the issued decision `pdf` signed by the test leader into its ô 7c field."""
    pki = kit()
    return sign_pdf(pdf, pki.leader, [pki.root])


def seal_png(diameter_mm: float = 36, dpi: int = 300) -> bytes:
    """Return a red, transparent round seal image of `diameter_mm` at `dpi` (PNG)."""
    from io import BytesIO

    from PIL import Image, ImageDraw

    size = round(diameter_mm / 25.4 * dpi)
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    red = (218, 37, 29, 230)
    draw.ellipse((4, 4, size - 5, size - 5), outline=red, width=size // 30)
    draw.ellipse((size // 6, size // 6, size - size // 6, size - size // 6), outline=red,
                 width=size // 60)
    draw.regular_polygon((size / 2, size / 2, size / 8), 5, fill=red)
    out = BytesIO()
    image.save(out, format="PNG", dpi=(dpi, dpi))
    return out.getvalue()

"""Trust anchors: the CA certificates of a folder the deployment configures."""

from __future__ import annotations

from pathlib import Path

from asn1crypto import pem, x509

from docgen.errors import InputError, Problem

#: File endings read as certificates (PEM or DER).
CERT_SUFFIXES = (".pem", ".crt", ".cer", ".der")


def load_trust_anchors(folder: Path | None) -> list[x509.Certificate]:
    """Return every certificate in the files of `folder` (none when `folder` is None).

    Raises :class:`InputError` when the folder is missing or a file is not a certificate.
    """
    if folder is None:
        return []
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError([Problem(str(folder), "thư mục CA tin cậy",
                                  "một thư mục chứa chứng thư CA (.pem, .crt, .cer, .der)",
                                  "không có thư mục này")])
    anchors = []
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in CERT_SUFFIXES or not path.is_file():
            continue
        data = path.read_bytes()
        try:
            if pem.detect(data):
                anchors += [x509.Certificate.load(der) for _, _, der in pem.unarmor(data, True)]
            else:
                anchors.append(x509.Certificate.load(data))
            _ = [a.subject.human_friendly for a in anchors]  # parse now, not later
        except (ValueError, TypeError) as exc:
            raise InputError([Problem(str(path), "chứng thư CA", "chứng thư X.509 (PEM hoặc DER)",
                                      "tệp không đọc được")]) from exc
    return anchors

"""Small stand-ins for rendered versions, for archive tests that do not need real documents."""

from __future__ import annotations

from docgen.archive.store import Actor, Archive, NewVersion

KINDS = ["quyet_dinh", "bao_cao", "phu_luc"]
METADATA = {"type_name": "Quyết định", "code_number": None, "code_notation": "QĐ-UBND",
            "issued_date": None, "organ_name": "ỦY BAN NHÂN DÂN TỈNH SƠN LA",
            "subject": "Về việc công bố Chỉ số CCHC năm 2025", "signer_position": "PHÓ CHỦ TỊCH",
            "signer_name": "Nguyễn Thành Công", "recipients": ["Bộ Nội vụ"], "page_amount": 2}


def new_version(kind: str, payload: bytes, status: str = "draft") -> NewVersion:
    """Return a version of `kind` whose DOCX and PDF bytes are made from `payload`."""
    return NewVersion(kind=kind, status=status,
                      files={"docx": b"PK" + payload, "pdf": b"%PDF-" + payload},
                      docgen_version="0.1.0", template_hashes={"quyet_dinh/quyet_dinh.docx": "ab"},
                      summary={"blocks": []}, metadata=dict(METADATA))


def make_dossier(archive: Archive, actor: Actor, content: bytes = b'{"year":2025}') -> int:
    """Create a draft dossier with the three documents; return its id."""
    dossier, _ = archive.create_dossier(actor, year=2025, title="Chỉ số CCHC 2025",
                                        canonical=content, kinds=KINDS, register_type="QĐ")
    return dossier.id

"""The plain records the archive hands out and takes in, beside its table rows.

Kept apart from :mod:`docgen.archive.store` so that the store is only about transactions.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from docgen.archive.blobs import sha256_hex
from docgen.archive.errors import NotFoundError
from docgen.archive.schema import Document, Dossier, User, Version, VersionFile

#: The ND30 Phụ lục VI fields of an outgoing document that a version carries (columns of
#: :class:`~docgen.archive.schema.Version`), in the standard's order.
ND30_FIELDS = ("type_name", "code_number", "code_notation", "issued_date", "organ_name",
               "subject", "signer_position", "signer_name", "recipients", "page_amount")

#: Media type of each stored format.
MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "json": "application/json",
}


@dataclass(frozen=True)
class Actor:
    """Who does something: a user of the service, or an operator at the command line."""

    name: str
    agency: str
    user_id: int | None = None

    @classmethod
    def of(cls, user: User) -> Actor:
        return cls(name=user.name, agency=user.agency, user_id=user.id)


@dataclass
class NewVersion:
    """What a caller hands over to store one version of one document."""

    kind: str
    status: str
    files: dict[str, bytes]
    docgen_version: str
    template_hashes: dict[str, Any]
    summary: dict[str, Any]
    metadata: dict[str, Any]
    note: str | None = None
    signatures: list[dict[str, Any]] | None = None  #: what docgen verified or applied


@dataclass
class VersionRecord:
    """A stored version, its document and dossier, and its files."""

    version: Version
    document: Document
    dossier: Dossier
    files: list[VersionFile]

    def file(self, fmt: str) -> VersionFile:
        for item in self.files:
            if item.format == fmt:
                return item
        raise NotFoundError(f"Phiên bản {self.version.id} không có tệp {fmt.upper()}.")


@dataclass
class VerifyReport:
    """The outcome of :meth:`Archive.verify`."""

    checked: int = 0
    problems: list[tuple[str, str]] = field(default_factory=list)  # (sha256, what is wrong)
    unreferenced: list[str] = field(default_factory=list)
    #: Signs the database was changed behind docgen's back, one Vietnamese sentence each.
    findings: list[str] = field(default_factory=list)
    #: The agency checked (None: the whole deployment).
    agency: str | None = None
    #: For one agency: how many findings concern the deployment (for the quản trị).
    elsewhere: int = 0

    @property
    def clean(self) -> bool:
        return not self.problems and not self.findings and not self.elsewhere


def as_utc(moment: datetime) -> datetime:
    """Return a stored moment as an aware UTC datetime.

    SQLite hands back naive datetimes; everything was stored in UTC.
    """
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def hash_token(token: str) -> str:
    """Return the stored form of an API token (its SHA-256)."""
    return sha256_hex(token.encode("utf-8"))


#: Vietnamese names of the dossier states, for messages.
STATUS_NAMES = {
    "draft": "dự thảo",
    "submitted": "đã trình",
    "approved": "đã duyệt",
    "issued": "đã ban hành",
    "signed": "đã ký",
    "archived": "đã lưu trữ",
}


def register_key(issuer_lines: list[str]) -> str:
    """Return the name of the register an issuing body numbers its documents in: its name
    on one line, blanks collapsed, in capitals (as the header prints it).

    >>> register_key(["ỦY BAN NHÂN DÂN", "TỈNH  SƠN LA"])
    'ỦY BAN NHÂN DÂN TỈNH SƠN LA'
    >>> register_key(["Ủy ban nhân dân huyện Phù Yên"])
    'ỦY BAN NHÂN DÂN HUYỆN PHÙ YÊN'
    """
    text = unicodedata.normalize("NFC", " ".join(issuer_lines))
    return " ".join(text.split()).upper()

"""The archive's tables, as SQLAlchemy 2 models (the same on SQLite and PostgreSQL).

What may change after it is written: a dossier's status (only with the audit entry of the
change), its title, year and send-back reason and, once, its number and issue date; a
register counter (upwards); a user's ``active`` flag, password hash and tokens; an
agency's facts and the template set it renders with (only with the audit entry of the
choice); sign-in sessions and failed sign-in counts; a render job's
status and progress. Everything else — documents,
dossier revisions, versions and their files, template sets, blobs, the audit log, the
hash chain — is
written once. The migrations add database triggers that refuse what may not change, so
the rule holds even for someone with a SQL prompt and the application's credentials; the
hash chain (:mod:`docgen.archive.chain`) makes what a trigger cannot stop (triggers
dropped first) visible to ``verify``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

#: Constraint names are fixed so that migrations can refer to them on every database.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: Tables whose rows are never updated nor deleted (guarded by triggers).
APPEND_ONLY = ("dossier_revisions", "versions", "version_files", "blobs", "audit_log",
               "documents", "integrity_chain", "template_sets")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Agency(Base):
    """An agency (cơ quan) whose staff use the service, with the facts it issues under.

    `code` is what users and dossiers refer to (``ubnd-son-la``). The issuer facts are
    those of a dossier's ``cơ quan`` block (multi-line ones kept with newlines) and
    pre-fill a new dossier. Users refer to an agency by its code; the archive checks that
    it exists in the same transaction (a foreign key would mean rebuilding ``users`` on
    SQLite, which the append-only tables' references make unsafe).
    """

    __tablename__ = "agencies"

    code: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    parent: Mapped[str] = mapped_column(Text, default="")  #: cơ quan chủ quản, lines
    issuer: Mapped[str] = mapped_column(Text, default="")  #: cơ quan ban hành, lines
    place: Mapped[str] = mapped_column(String(100), default="")  #: địa danh
    abbreviation: Mapped[str] = mapped_column(String(30), default="")  #: viết tắt
    authority: Mapped[str] = mapped_column(String(300), default="")  #: thẩm quyền
    authority_name: Mapped[str] = mapped_column(String(300), default="")  #: tên thẩm quyền
    #: The template set the agency's documents are rendered with (None: the shipped one).
    template_set_id: Mapped[int | None] = mapped_column(Integer, nullable=True, default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class User(Base):
    """A person who uses the service, in one agency, with one role.

    `username` and `password_hash` let a person sign in in a browser; a user without
    them (created for a script) has API tokens only.
    """

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    agency: Mapped[str] = mapped_column(String(100), index=True)
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    username: Mapped[str | None] = mapped_column(String(100), unique=True, index=True,
                                                 nullable=True)
    password_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True),
                                                                 nullable=True)


class SignInSession(Base):
    """A browser session: the SHA-256 of its random id, its user, its CSRF token."""

    __tablename__ = "sessions"

    id_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SignInFailures(Base):
    """Failed sign-ins counted under one key (``user:<name>`` or ``client:<address>``)."""

    __tablename__ = "sign_in_failures"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    first_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ApiToken(Base):
    """An API token; only its SHA-256 is kept, the token itself is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Dossier(Base):
    """One evaluation round of one agency, and where it stands in the workflow."""

    __tablename__ = "dossiers"
    __table_args__ = (
        UniqueConstraint("register", "register_type", "register_year", "number",
                         name="uq_dossiers_register_number"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency: Mapped[str] = mapped_column(String(100), index=True)
    year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    register_type: Mapped[str] = mapped_column(String(20))
    register_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    number: Mapped[int | None] = mapped_column(Integer, nullable=True)
    issue_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: The register the number belongs to: the issuing body (cơ quan ban hành) of the
    #: content when it was numbered, normalised (see ``records.register_key``).
    register: Mapped[str | None] = mapped_column(String(300), nullable=True)
    #: The last send-back: why, by whom, when; and when the drafter submitted again.
    sent_back_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    sent_back_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    sent_back_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True),
                                                          nullable=True)
    resubmitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True),
                                                            nullable=True)


class DossierRevision(Base):
    """The validated dossier as canonical JSON (kept as a blob), one row per edit."""

    __tablename__ = "dossier_revisions"
    __table_args__ = (UniqueConstraint("dossier_id", "revision"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Document(Base):
    """One document of a dossier: quyet_dinh, bao_cao or phu_luc."""

    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("dossier_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))


class Version(Base):
    """An immutable version of a document: provenance and ND30 Phụ lục VI metadata."""

    __tablename__ = "versions"
    __table_args__ = (UniqueConstraint("document_id", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    dossier_revision_id: Mapped[int] = mapped_column(ForeignKey("dossier_revisions.id"))
    dossier_sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    docgen_version: Mapped[str] = mapped_column(String(40))
    template_hashes: Mapped[dict[str, Any]] = mapped_column(JSON)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    # ND30 Phụ lục VI (văn bản đi): TypeName, CodeNumber, CodeNotation, IssuedDate,
    # OrganName, Subject, SignerInfo (Position, FullName), To, PageAmount.
    type_name: Mapped[str] = mapped_column(String(100))
    code_number: Mapped[str | None] = mapped_column(String(11), nullable=True)
    code_notation: Mapped[str] = mapped_column(String(30))
    issued_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    organ_name: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(500))
    signer_position: Mapped[str] = mapped_column(String(100))
    signer_name: Mapped[str] = mapped_column(String(50))
    recipients: Mapped[list[str]] = mapped_column(JSON)
    page_amount: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: What docgen verified or applied of the file's signatures (signing.verify reports,
    #: each with its ``role``: leader, agency); None for unsigned versions.
    signatures: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON, nullable=True)


class AgencySeal(Base):
    """An agency's seal image (a red PNG with transparency) and its real size."""

    __tablename__ = "agency_seals"

    agency: Mapped[str] = mapped_column(String(100), primary_key=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))
    width_mm: Mapped[float] = mapped_column(Float)
    height_mm: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class VersionFile(Base):
    """One file of a version (its DOCX or its PDF): the blob it points to."""

    __tablename__ = "version_files"
    __table_args__ = (UniqueConstraint("version_id", "format"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id"), index=True)
    format: Mapped[str] = mapped_column(String(10))
    media_type: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))
    size: Mapped[int] = mapped_column(BigInteger)


class Blob(Base):
    """A blob known to the database; its bytes live in the blob folder."""

    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RegisterCounter(Base):
    """The last number given in a register (an issuing body) for one document type and year."""

    __tablename__ = "register_counters"

    register: Mapped[str] = mapped_column(String(300), primary_key=True)
    doc_type: Mapped[str] = mapped_column(String(20), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer)


class AuditEntry(Base):
    """One line of the append-only audit log: who did what to which object, when."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    actor: Mapped[str] = mapped_column(String(200))
    agency: Mapped[str] = mapped_column(String(100), index=True)
    action: Mapped[str] = mapped_column(String(40))
    object_type: Mapped[str] = mapped_column(String(20))
    object_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    dossier_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)


class TemplateSet(Base):
    """One version of an agency's own templates: written once, checked when uploaded.

    `files` maps each file of the set (``quyet_dinh.docx``, ``bao_cao.docx``,
    ``phu_luc.docx``; a document it lacks uses the shipped template) to the SHA-256 of its
    blob; `sha256` is the hash of the whole set (see
    :func:`docgen.archive.templatesets.set_sha256`).
    """

    __tablename__ = "template_sets"
    __table_args__ = (UniqueConstraint("agency", "version",
                                       name="uq_template_sets_agency_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency: Mapped[str] = mapped_column(String(100), index=True)
    version: Mapped[int] = mapped_column(Integer)  #: 1, 2, … within the agency
    sha256: Mapped[str] = mapped_column(String(64))
    files: Mapped[dict[str, str]] = mapped_column(JSON)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ChainEntry(Base):
    """One link of the hash chain over the written-once rows (see :mod:`docgen.archive.chain`)."""

    __tablename__ = "integrity_chain"
    __table_args__ = (UniqueConstraint("kind", "row_id", name="uq_integrity_chain_kind"),)

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(20))
    row_id: Mapped[int] = mapped_column(Integer)
    row_sha256: Mapped[str] = mapped_column(String(64))
    prev_sha256: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RenderJob(Base):
    """A render (or an issue) run as a job by a worker process, its status and progress.

    Not append-only: a job moves queued → running → done (or refused, failed, cancelled)
    and its progress changes while it runs. The versions a job stores are committed in the
    same transaction that marks it done, so a job retried after its worker died stores
    them once: a retry finds it done and does nothing.
    """

    __tablename__ = "render_jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action: Mapped[str] = mapped_column(String(20))  #: render | issue
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    agency: Mapped[str] = mapped_column(String(100), index=True)
    #: queued, running, done, refused (the workflow said no), failed, cancelled.
    status: Mapped[str] = mapped_column(String(20), index=True)
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    progress: Mapped[int] = mapped_column(Integer, default=0)  #: percent
    stage: Mapped[str] = mapped_column(String(200), default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    worker: Mapped[str | None] = mapped_column(String(200), nullable=True)  #: host:pid
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    result: Mapped[list[int] | None] = mapped_column(JSON, nullable=True)  #: version ids
    error_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True),
                                                         nullable=True)

"""The archive: one object that stores and reads dossiers, versions, users and the audit log.

Every write is one database transaction that starts by locking the dossier's row (on
SQLite the whole database, through ``BEGIN IMMEDIATE``), so the status checks, the
sequence numbers and the register numbers it hands out cannot race. Bytes are written to
the blob folder (durably) *before* the transaction that makes them visible; a crash in
between leaves an unreferenced blob, never a version without its bytes. The audit line of
an action is written in the same transaction as the action.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Table, event, func, make_url, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session

from docgen.archive import binding, chain
from docgen.archive.accounts import AccountStore, require_agency, require_free_username
from docgen.archive.blobs import BlobStore
from docgen.archive.database import (
    WRITE,
    Timeouts,
    make_engine,
    normalise_url,
    require_current,
    sqlite_url,
    storage_errors,
    unavailable,
)
from docgen.archive.errors import (
    ConflictError,
    CorruptBlobError,
    DataFolderError,
    NotFoundError,
)
from docgen.archive.integrity import agency_blobs, check_database
from docgen.archive.jobs import JobStore, mark_done
from docgen.archive.records import (
    MEDIA_TYPES,
    STATUS_NAMES,
    Actor,
    NewVersion,
    VerifyReport,
    VersionRecord,
    hash_token,
)
from docgen.archive.schema import (
    AgencySeal,
    ApiToken,
    AuditEntry,
    Blob,
    Document,
    Dossier,
    DossierRevision,
    RegisterCounter,
    TemplateSet,
    User,
    Version,
    VersionFile,
)
from docgen.archive.templatesets import TemplateSetStore
from docgen.atomic import os_reason


#: Each version with its document and its dossier, for building a VersionRecord.
_VERSION_ROWS = (select(Version, Document, Dossier)
                 .join(Document, Version.document_id == Document.id)
                 .join(Dossier, Document.dossier_id == Dossier.id))


def now() -> datetime:
    return datetime.now(UTC)


LOG = logging.getLogger("docgen.archive")

#: Session.info key: the written-once rows a transaction added, to be chained.
_CHAIN = "docgen_chain"
_KIND_OF = {Document: "document", DossierRevision: "revision", Version: "version",
            VersionFile: "file", AuditEntry: "audit", TemplateSet: "template_set"}


class _ChainedSession(Session):
    """A session that remembers the written-once rows it inserts (see ``_writing``)."""


@event.listens_for(_ChainedSession, "after_flush")
def _remember_new_rows(session: Session, _context: Any) -> None:
    rows = session.info.setdefault(_CHAIN, [])
    for item in session.new:
        kind = _KIND_OF.get(type(item))
        if kind is not None:
            rows.append((kind, item.id))


def upgrade_command(data_dir: Path | str, database_url: str | None) -> str:
    """The command that brings the archive in `data_dir` to the code's schema."""
    command = f"docgen db upgrade --data {data_dir}"
    if database_url:
        shown = make_url(database_url).render_as_string(hide_password=True)
        command += f" --database {shown}"
    return command


class Archive(AccountStore, JobStore, TemplateSetStore):
    """A data directory (blobs, and the SQLite file by default) plus a database.

    Opening one changes no schema: a database whose schema is not the code's is refused
    (:class:`~docgen.archive.errors.SchemaError`, naming ``docgen db upgrade``).
    """

    def __init__(self, data_dir: Path | str, database_url: str | None = None, *,
                 schema: str | None = None, timeouts: Timeouts | None = None):
        """Open the archive; every way this can fail is a StartupError (see errors.py):
        a folder that cannot be written, a URL docgen cannot use, a folder that belongs to
        another database, a database that is unreachable, missing or silent."""
        self.data_dir = Path(data_dir)
        self.timeouts = timeouts or Timeouts()
        url = normalise_url(database_url) if database_url else None
        binding.check(self.data_dir, url, schema)
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            self.blobs = BlobStore(self.data_dir / "blobs")
            self.blobs.check_writable()
        except OSError as error:
            raise DataFolderError(
                f"không tạo hoặc ghi được thư mục dữ liệu {self.data_dir} "
                f"({os_reason(error)}); hãy chọn thư mục khác (--data, data_dir) hoặc "
                "cấp quyền ghi cho người dùng chạy docgen.") from error
        self.url = url or sqlite_url(self.data_dir)
        self.engine = make_engine(self.url, schema=schema, timeouts=self.timeouts)
        #: What another process needs to open the same archive (a worker).
        self.database_url, self.schema = url, schema
        self._writer = self.engine.execution_options(**{WRITE: True})
        try:
            with self._translated():
                require_current(self.engine, upgrade_command(data_dir, database_url))
        except BaseException:
            self.engine.dispose()
            raise
        binding.record(self.data_dir, url, schema)

    def close(self) -> None:
        self.engine.dispose()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    # -- transactions ---------------------------------------------------------------------

    @contextmanager
    def _translated(self) -> Iterator[None]:
        """Turn the driver's "database unavailable, silent or busy" into
        DatabaseUnavailableError (HTTP 503); any other error passes unchanged."""
        try:
            yield
        except (DBAPIError, PoolTimeout) as error:
            translated = unavailable(error, self.url, self.timeouts)
            if translated is None:
                raise
            raise translated from error

    @contextmanager
    def _reading(self) -> Iterator[Session]:
        with self._translated(), Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def _writing(self) -> Iterator[Session]:
        """A write transaction; the written-once rows it adds are chained before COMMIT
        and the chain's new head is checkpointed in the blob folder after it."""
        with self._translated(), _ChainedSession(self._writer, expire_on_commit=False) as session:
            try:
                yield session
                session.flush()
                head = chain.append(session.connection(), session.info.pop(_CHAIN, []), now())
                session.commit()
            except BaseException:
                session.rollback()
                raise
        if head is not None:
            self._checkpoint(*head)

    def _checkpoint(self, seq: int, sha256: str) -> None:
        """Record the chain's head outside the database (a failure only weakens evidence)."""
        try:
            chain.write_checkpoint(self.blobs, seq, sha256)
        except OSError as error:
            LOG.warning("chain checkpoint %s not written: %s", seq, error)

    def _audit(self, session: Session, actor: Actor, action: str, object_type: str,
               object_id: int | None, *, dossier_id: int | None = None,
               sha256: str | None = None, **detail: Any) -> None:
        session.add(AuditEntry(at=now(), user_id=actor.user_id, actor=actor.name,
                               agency=actor.agency, action=action, object_type=object_type,
                               object_id=object_id, dossier_id=dossier_id, sha256=sha256,
                               detail=detail))

    def _put_blob(self, session: Session, data: bytes) -> str:
        """Write `data` to the blob folder (durably) and register it in this transaction."""
        digest = self.blobs.put(data)
        self._register_blob(session, digest, len(data))
        return digest

    def _register_blob(self, session: Session, digest: str, size: int) -> None:
        # Another transaction may register the same bytes at the same moment.
        self._insert_if_absent(session, Blob.__table__, sha256=digest, size=size,
                               created_at=now())

    def _insert_if_absent(self, session: Session, table: Table, **values: Any) -> None:
        """Insert one row unless a row with the same unique key exists (``ON CONFLICT DO
        NOTHING``, in the dialect of the database)."""
        dialect = postgresql if self.dialect == "postgresql" else sqlite
        session.execute(dialect.insert(table).values(**values).on_conflict_do_nothing())

    # -- users ----------------------------------------------------------------------------

    def add_user(self, actor: Actor, *, name: str, agency: str, role: str,
                 username: str | None = None, password_hash: str | None = None
                 ) -> tuple[User, str]:
        """Create a user with a fresh API token; return the user and the token (shown once).

        The agency must exist; a user name, when given, must be free.
        """
        token = secrets.token_urlsafe(32)
        with self._writing() as session:
            require_agency(session, agency)
            if username is not None:
                require_free_username(session, username)
            user = User(name=name, agency=agency, role=role, active=True, created_at=now(),
                        username=username, password_hash=password_hash,
                        password_changed_at=now() if password_hash else None)
            session.add(user)
            session.flush()
            session.add(ApiToken(user_id=user.id, token_sha256=hash_token(token),
                                 created_at=now()))
            self._audit(session, actor, "user_add", "user", user.id, role=role,
                        user_agency=agency, user_name=name)
        return user, token

    def user_for_token(self, token: str) -> User | None:
        """Return the active user holding `token`, or None."""
        with self._reading() as session:
            return session.scalars(
                select(User).join(ApiToken, ApiToken.user_id == User.id)
                .where(ApiToken.token_sha256 == hash_token(token), User.active.is_(True))
            ).first()

    def deactivate_user(self, actor: Actor, user_id: int, agency: str | None = None) -> User:
        """Deactivate a user (of `agency`, when given): their tokens and sessions stop at once."""
        return self.set_user_active(actor, user_id, False, agency=agency)

    def list_users(self, agency: str | None = None) -> list[User]:
        with self._reading() as session:
            query = select(User).order_by(User.id)
            if agency is not None:
                query = query.where(User.agency == agency)
            return list(session.scalars(query))

    # -- dossiers -------------------------------------------------------------------------

    def create_dossier(self, actor: Actor, *, year: int, title: str, canonical: bytes,
                       kinds: Sequence[str], register_type: str) -> tuple[Dossier, DossierRevision]:
        """Create a dossier in the actor's agency with its first revision and its documents."""
        with self._writing() as session:
            dossier = Dossier(agency=actor.agency, year=year, title=title, status="draft",
                              register_type=register_type, created_by=actor.user_id,
                              created_at=now())
            session.add(dossier)
            session.flush()
            session.add_all(Document(dossier_id=dossier.id, kind=kind) for kind in kinds)
            revision = self._add_revision(session, actor, dossier, canonical)
            self._audit(session, actor, "dossier_create", "dossier", dossier.id,
                        dossier_id=dossier.id, sha256=revision.sha256, revision=1)
        return dossier, revision

    def add_revision(self, actor: Actor, dossier_id: int, canonical: bytes, *, title: str,
                     year: int, allowed: Sequence[str]) -> tuple[Dossier, DossierRevision]:
        """Record a new revision of the dossier's content (allowed only in `allowed` states)."""
        with self._writing() as session:
            dossier = self._lock(session, dossier_id, actor.agency)
            _require(dossier, allowed)
            dossier.title, dossier.year = title, year
            revision = self._add_revision(session, actor, dossier, canonical)
            self._audit(session, actor, "dossier_update", "dossier", dossier.id,
                        dossier_id=dossier.id, sha256=revision.sha256,
                        revision=revision.revision)
        return dossier, revision

    def _add_revision(self, session: Session, actor: Actor, dossier: Dossier,
                      canonical: bytes) -> DossierRevision:
        last = session.scalar(select(func.max(DossierRevision.revision))
                              .where(DossierRevision.dossier_id == dossier.id)) or 0
        revision = DossierRevision(dossier_id=dossier.id, revision=last + 1,
                                   sha256=self._put_blob(session, canonical),
                                   created_by=actor.user_id, created_at=now())
        session.add(revision)
        session.flush()
        return revision

    def _lock(self, session: Session, dossier_id: int, agency: str | None) -> Dossier:
        """Return the dossier, its row locked until the end of the transaction."""
        dossier = session.scalars(select(Dossier).where(Dossier.id == dossier_id)
                                  .with_for_update()).first()
        if dossier is None or (agency is not None and dossier.agency != agency):
            raise NotFoundError(f"Không tìm thấy hồ sơ số {dossier_id}.")
        return dossier

    def get_dossier(self, dossier_id: int, agency: str | None = None) -> Dossier:
        """Return the dossier; one of another agency is reported as not found."""
        with self._reading() as session:
            dossier = session.get(Dossier, dossier_id)
        if dossier is None or (agency is not None and dossier.agency != agency):
            raise NotFoundError(f"Không tìm thấy hồ sơ số {dossier_id}.")
        return dossier

    def list_dossiers(self, agency: str | None, *, limit: int, offset: int
                      ) -> tuple[list[Dossier], int]:
        with self._reading() as session:
            query = select(Dossier)
            if agency is not None:
                query = query.where(Dossier.agency == agency)
            total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
            items = session.scalars(query.order_by(Dossier.id).limit(limit).offset(offset))
            return list(items), total

    def latest_revision(self, dossier_id: int) -> DossierRevision:
        with self._reading() as session:
            return _latest_revision(session, dossier_id)

    def read_blob(self, sha256: str) -> bytes:
        """Return the bytes of a blob, re-hashed; raise CorruptBlobError if altered."""
        return self.blobs.get(sha256)

    def transition(self, actor: Actor, dossier_id: int, *, allowed: Sequence[str], to: str,
                   action: str, check: Callable[[Session, Dossier], None] | None = None,
                   then: Callable[[Dossier], None] | None = None, **detail: Any) -> Dossier:
        """Move the dossier from one of `allowed` states to `to`, atomically, with its audit;
        `then` changes the dossier's other columns in the same transaction."""
        with self._writing() as session:
            dossier = self._lock(session, dossier_id, actor.agency)
            _require(dossier, allowed)
            if check is not None:
                check(session, dossier)
            if then is not None:
                then(dossier)
            self._change_status(session, actor, dossier, to, action, **detail)
        return dossier

    def _change_status(self, session: Session, actor: Actor, dossier: Dossier, to: str,
                       action: str, **detail: Any) -> None:
        """Move the dossier to `to`: its audit entry first (the database's trigger accepts a
        status change only after the entry that records it), then the status."""
        self._audit(session, actor, action, "dossier", dossier.id, dossier_id=dossier.id,
                    before=dossier.status, after=to, **detail)
        session.flush()
        dossier.status = to

    def require_latest_rendered(self, session: Session, dossier: Dossier) -> None:
        """Refuse unless every document has a version of the dossier's latest revision."""
        latest = session.scalar(select(func.max(DossierRevision.id))
                                .where(DossierRevision.dossier_id == dossier.id))
        missing = session.scalars(
            select(Document.kind).where(Document.dossier_id == dossier.id)
            .where(~select(Version.id).where(Version.document_id == Document.id,
                                             Version.dossier_revision_id == latest).exists())
            .order_by(Document.id)).all()
        if missing:
            raise ConflictError("Nội dung mới nhất của hồ sơ chưa được kết xuất thành văn bản "
                                f"({', '.join(missing)}); hãy kết xuất trước khi trình.")

    def allocate_number(self, actor: Actor, dossier_id: int, *, allowed: Sequence[str],
                        issue_date: date, register: str, number: int | None = None
                        ) -> Dossier:
        """Give the dossier its number in `register` (the issuing body) for its type and
        the year of `issue_date`.

        Without `number`, the register's next number; with one (entered from the agency's
        own register book, or the dossier's own final number), that number, refused with
        the document that has it when it is already used in the register and year; the
        counter then moves up to it, so docgen's next number follows the book.
        Idempotent: a dossier that already has its number keeps it (a retried issue does
        not waste a number; asking for another one is refused). The counter is bumped
        with one atomic ``UPDATE … RETURNING`` (row-locked on PostgreSQL, under ``BEGIN
        IMMEDIATE`` on SQLite); the unique constraint on (register, type, year, number)
        backs it up.
        """
        with self._writing() as session:
            dossier = self._lock(session, dossier_id, actor.agency)
            _require(dossier, allowed)
            if dossier.number is not None:
                if number is not None and (number, issue_date) != (dossier.number,
                                                                   dossier.issue_date):
                    raise ConflictError(
                        f"Hồ sơ số {dossier.id} đã được cấp số {dossier.number:02d} ngày "
                        f"{dossier.issue_date:%d/%m/%Y}; không cấp số khác được.")
                return dossier
            year, doc_type = issue_date.year, dossier.register_type
            if number is None:
                number = self._next_number(session, register, doc_type, year)
                while self._holder(session, register, doc_type, year, number) is not None:
                    number = self._next_number(session, register, doc_type, year)
                taken = "register"
            else:
                holder = self._holder(session, register, doc_type, year, number)
                if holder is not None:
                    raise ConflictError(
                        f"Số {number:02d}/{doc_type} năm {year} trong sổ của "
                        f"{register} đã dùng cho hồ sơ số {holder.id} ({holder.title}"
                        + (f", ngày {holder.issue_date:%d/%m/%Y}" if holder.issue_date else "")
                        + "); hãy kiểm tra lại sổ đăng ký văn bản.")
                self._raise_counter(session, register, doc_type, year, number)
                taken = "entered"
            dossier.number, dossier.register_year, dossier.issue_date = number, year, issue_date
            dossier.register = register
            self._audit(session, actor, "number_allocate", "dossier", dossier.id,
                        dossier_id=dossier.id, number=number, year=year, register=register,
                        register_type=doc_type, issue_date=issue_date.isoformat(),
                        source=taken)
        return dossier

    @staticmethod
    def _holder(session: Session, register: str, doc_type: str, year: int,
                number: int) -> Dossier | None:
        """Return the dossier holding `number` in the register and year, if any."""
        return session.scalars(select(Dossier).where(
            Dossier.register == register, Dossier.register_type == doc_type,
            Dossier.register_year == year, Dossier.number == number)).first()

    def _counter(self, session: Session, register: str, doc_type: str, year: int) -> Any:
        table = RegisterCounter.__table__
        self._insert_if_absent(session, table, register=register, doc_type=doc_type,
                               year=year, last_number=0)
        return table, (table.c.register == register, table.c.doc_type == doc_type,
                       table.c.year == year)

    def _next_number(self, session: Session, register: str, doc_type: str, year: int) -> int:
        table, where = self._counter(session, register, doc_type, year)
        bump = (update(table).where(*where).values(last_number=table.c.last_number + 1)
                .returning(table.c.last_number))
        return int(session.execute(bump).scalar_one())

    def _raise_counter(self, session: Session, register: str, doc_type: str, year: int,
                       number: int) -> None:
        table, where = self._counter(session, register, doc_type, year)
        session.execute(update(table).where(*where, table.c.last_number < number)
                        .values(last_number=number))

    # -- versions -------------------------------------------------------------------------

    def store_versions(self, actor: Actor, dossier_id: int, items: Sequence[NewVersion], *,
                       allowed: Sequence[str], action: str, new_status: str | None = None,
                       expected_revision: int | None = None, new_revision: bytes | None = None,
                       job_id: int | None = None) -> list[VersionRecord]:
        """Store one version of each item, all in one transaction, and optionally move the
        dossier to `new_status`.

        The versions belong to the dossier's latest revision, which must still be
        `expected_revision` (the one that was rendered); `new_revision`, if given, is
        recorded first and the versions belong to it (the issued content, with its number).
        The bytes reach the blob folder (fsynced) before the rows that point to them are
        committed; until the commit no one sees the versions. The bytes are written after
        every check of the transaction passed (state, revision, job), so a refused store
        writes no blob; a crash before the commit can still leave one unreferenced, which
        ``verify`` lists.

        With `job_id`, the job must be running (not done by another attempt, not cancelled)
        and is marked done with the stored versions in the same transaction.
        """
        with self._writing() as session:
            dossier = self._lock(session, dossier_id, actor.agency)
            _require(dossier, allowed)
            job = self._claim_job(session, job_id) if job_id is not None else None
            revision = _latest_revision(session, dossier.id)
            if expected_revision is not None and revision.id != expected_revision:
                raise ConflictError(f"Nội dung hồ sơ số {dossier_id} đã thay đổi trong lúc kết "
                                    "xuất; hãy kết xuất lại.")
            stored = [{fmt: (self.blobs.put(data), len(data))
                       for fmt, data in item.files.items()} for item in items]
            if new_revision is not None:
                revision = self._add_revision(session, actor, dossier, new_revision)
            records = [self._store_one(session, actor, dossier, revision, item, files, action)
                       for item, files in zip(items, stored, strict=True)]
            if new_status is not None and new_status != dossier.status:
                self._change_status(session, actor, dossier, new_status, "status_change")
            session.flush()
            if job is not None:
                mark_done(job, [r.version.id for r in records])
        return records

    def require_state(self, dossier_id: int, allowed: Sequence[str],
                      agency: str | None = None) -> Dossier:
        """Refuse (ConflictError) unless the dossier is in one of `allowed` states now;
        asked before rendering, so that a refused action does no work."""
        dossier = self.get_dossier(dossier_id, agency)
        _require(dossier, allowed)
        return dossier

    def _store_one(self, session: Session, actor: Actor, dossier: Dossier,
                   revision: DossierRevision, item: NewVersion,
                   blobs: dict[str, tuple[str, int]], action: str) -> VersionRecord:
        document = session.scalars(select(Document).where(
            Document.dossier_id == dossier.id, Document.kind == item.kind)).first()
        if document is None:
            raise NotFoundError(f"Hồ sơ số {dossier.id} không có văn bản {item.kind}.")
        last = session.scalar(select(func.max(Version.seq))
                              .where(Version.document_id == document.id)) or 0
        version = Version(document_id=document.id, seq=last + 1, status=item.status,
                          dossier_revision_id=revision.id, dossier_sha256=revision.sha256,
                          created_by=actor.user_id, created_at=now(),
                          docgen_version=item.docgen_version,
                          template_hashes=item.template_hashes, summary=item.summary,
                          note=item.note, signatures=item.signatures, **item.metadata)
        session.add(version)
        session.flush()
        files = []
        for fmt, (digest, size) in blobs.items():
            self._register_blob(session, digest, size)
            files.append(VersionFile(version_id=version.id, format=fmt,
                                     media_type=MEDIA_TYPES[fmt], sha256=digest, size=size))
        session.add_all(files)
        session.flush()
        self._audit(session, actor, action, "version", version.id, dossier_id=dossier.id,
                    sha256=next((f.sha256 for f in files if f.format == "pdf"), files[0].sha256),
                    kind=item.kind, seq=version.seq, status=item.status,
                    files={f.format: f.sha256 for f in files})
        return VersionRecord(version, document, dossier, files)

    def list_documents(self, dossier_id: int
                       ) -> list[tuple[Document, VersionRecord | None, int]]:
        """Return each document with its latest version (and its files) and its number of
        versions."""
        with self._reading() as session:
            dossier = session.get(Dossier, dossier_id)
            documents = session.scalars(select(Document).where(Document.dossier_id == dossier_id)
                                        .order_by(Document.id)).all()
            rows = []
            for document in documents:
                latest = session.scalars(select(Version).where(Version.document_id == document.id)
                                         .order_by(Version.seq.desc())).first()
                count = session.scalar(select(func.count(Version.id))
                                       .where(Version.document_id == document.id)) or 0
                rows.append((document, latest, count))
            files = self._files(session, [v.id for _, v, _ in rows if v is not None])
            return [(document, None if latest is None else
                     VersionRecord(latest, document, dossier, files.get(latest.id, [])), count)
                    for document, latest, count in rows]

    def list_versions(self, dossier_id: int, kind: str, *, limit: int, offset: int
                      ) -> tuple[list[VersionRecord], int]:
        """Return one page of a document's versions, oldest first, and their total."""
        with self._reading() as session:
            document = session.scalars(select(Document).where(
                Document.dossier_id == dossier_id, Document.kind == kind)).first()
            if document is None:
                raise NotFoundError(f"Hồ sơ số {dossier_id} không có văn bản {kind!r}.")
            dossier = session.get(Dossier, dossier_id)
            total = session.scalar(select(func.count(Version.id))
                                   .where(Version.document_id == document.id)) or 0
            versions = session.scalars(select(Version).where(Version.document_id == document.id)
                                       .order_by(Version.seq).limit(limit).offset(offset)).all()
            files = self._files(session, [v.id for v in versions])
            return [VersionRecord(v, document, dossier, files.get(v.id, []))
                    for v in versions], total

    def all_versions(self) -> list[VersionRecord]:
        """Return every version of every dossier (for the operator's listing)."""
        with self._reading() as session:
            rows = session.execute(
                _VERSION_ROWS.order_by(Dossier.id, Document.id, Version.seq)).all()
            files = self._files(session, [row[0].id for row in rows])
            return [VersionRecord(v, d, s, files.get(v.id, [])) for v, d, s in rows]

    @staticmethod
    def _files(session: Session, version_ids: list[int]) -> dict[int, list[VersionFile]]:
        out: dict[int, list[VersionFile]] = {}
        if not version_ids:
            return out
        for item in session.scalars(select(VersionFile)
                                    .where(VersionFile.version_id.in_(version_ids))
                                    .order_by(VersionFile.id)):
            out.setdefault(item.version_id, []).append(item)
        return out

    def get_version(self, version_id: int, agency: str | None = None) -> VersionRecord:
        """Return a version; one of another agency is reported as not found."""
        with self._reading() as session:
            row = session.execute(_VERSION_ROWS.where(Version.id == version_id)).first()
            if row is None or (agency is not None and row[2].agency != agency):
                raise NotFoundError(f"Không tìm thấy phiên bản số {version_id}.")
            version, document, dossier = row
            return VersionRecord(version, document, dossier,
                                 self._files(session, [version.id]).get(version.id, []))

    def latest_version(self, dossier_id: int, kind: str, status: str) -> VersionRecord | None:
        with self._reading() as session:
            version_id = session.scalar(
                select(Version.id).join(Document, Version.document_id == Document.id)
                .where(Document.dossier_id == dossier_id, Document.kind == kind,
                       Version.status == status).order_by(Version.seq.desc()).limit(1))
        return None if version_id is None else self.get_version(version_id)

    def read_file(self, record: VersionRecord, fmt: str) -> tuple[VersionFile, bytes]:
        """Return a version's file and its bytes, re-hashed against the recorded SHA-256."""
        item = record.file(fmt)
        self._require_chained_file(item)
        data = self.blobs.get(item.sha256)
        if len(data) != item.size:
            raise CorruptBlobError(item.sha256, "kích thước không khớp")
        return item, data

    def _require_chained_file(self, item: VersionFile) -> None:
        """Refuse a file row that no longer matches its hash-chain entry (repointed at other
        bytes with SQL): its bytes are not the version's."""
        with self.engine.connect() as connection:
            intact = chain.matches(connection, "file", item.id)
        if not intact:
            raise CorruptBlobError(item.sha256, "dòng tệp trong cơ sở dữ liệu đã bị sửa, không "
                                                "khớp chuỗi băm")

    # -- audit ----------------------------------------------------------------------------

    def set_agency_seal(self, actor: Actor, agency: str, png: bytes, *, width_mm: float,
                        height_mm: float) -> AgencySeal:
        """Keep `png` as the agency's seal image (replacing the previous one), audited."""
        with self._writing() as session:
            require_agency(session, agency)
            digest = self._put_blob(session, png)
            seal = session.get(AgencySeal, agency)
            if seal is None:
                seal = AgencySeal(agency=agency)
                session.add(seal)
            seal.sha256, seal.width_mm, seal.height_mm = digest, width_mm, height_mm
            seal.updated_at = now()
            self._audit(session, actor, "agency_seal", "agency", None, sha256=digest,
                        agency_code=agency, width_mm=width_mm, height_mm=height_mm)
            session.flush()
            return seal

    def agency_seal(self, agency: str) -> tuple[AgencySeal, bytes] | None:
        """Return the agency's seal row and image bytes (re-hashed), or None."""
        with self._reading() as session:
            seal = session.get(AgencySeal, agency)
        return None if seal is None else (seal, self.read_blob(seal.sha256))

    def record(self, actor: Actor, action: str, object_type: str, object_id: int | None, *,
               dossier_id: int | None = None, sha256: str | None = None, **detail: Any) -> None:
        """Append one audit line on its own (for reads such as downloads)."""
        with self._writing() as session:
            self._audit(session, actor, action, object_type, object_id, dossier_id=dossier_id,
                        sha256=sha256, **detail)

    def audit_entries(self, *, dossier_id: int | None = None, agency: str | None = None,
                      limit: int, offset: int) -> tuple[list[AuditEntry], int]:
        with self._reading() as session:
            query = select(AuditEntry)
            if dossier_id is not None:
                query = query.where(AuditEntry.dossier_id == dossier_id)
            if agency is not None:
                query = query.where(AuditEntry.agency == agency)
            total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
            items = session.scalars(query.order_by(AuditEntry.id).limit(limit).offset(offset))
            return list(items), total

    # -- integrity ------------------------------------------------------------------------

    def verify(self, agency: str | None = None,
               progress: Callable[[int, int], None] | None = None) -> VerifyReport:
        """Check the archive: re-hash every blob the database refers to (of `agency`'s
        dossiers only, when given), and look for rows changed behind docgen's back (the
        hash chain, the triggers, the dossiers against their audit; see
        :mod:`docgen.archive.integrity`). A clean deployment-wide check checkpoints the
        chain's head. `progress` is told (done, total) after each blob."""
        with storage_errors():
            return self._verify(agency, progress)

    def _verify(self, agency: str | None,
                progress: Callable[[int, int], None] | None) -> VerifyReport:
        report = VerifyReport(agency=agency)
        with self._snapshot() as connection:
            known = dict(connection.execute(select(Blob.sha256, Blob.size)).all())
            if agency is not None:
                wanted = agency_blobs(connection, agency)
                known = {sha: size for sha, size in known.items() if sha in wanted}
            findings = check_database(connection, chain.read_checkpoint(self.blobs), agency)
            head = chain.head(connection)
        report.findings, report.elsewhere = findings.lines, findings.elsewhere
        for digest, size in sorted(known.items()):
            report.checked += 1
            if progress is not None:
                progress(report.checked, len(known))
            problem = self.blobs.check(digest, size)
            if problem is not None:
                report.problems.append((digest, problem))
        if agency is None:
            names = set(self.blobs.names())
            report.unreferenced = sorted(names - set(known))
            if report.clean and head[0]:
                self._checkpoint(*head)
        return report

    @contextmanager
    def _snapshot(self) -> Iterator[Any]:
        """One read-only view of the whole database (REPEATABLE READ on PostgreSQL; a read
        transaction, which sees one snapshot, on SQLite in WAL mode)."""
        with self.engine.connect() as connection:
            if self.dialect == "postgresql":
                connection = connection.execution_options(isolation_level="REPEATABLE READ")
            with connection.begin():
                yield connection


def _latest_revision(session: Session, dossier_id: int) -> DossierRevision:
    revision = session.scalars(
        select(DossierRevision).where(DossierRevision.dossier_id == dossier_id)
        .order_by(DossierRevision.revision.desc())).first()
    if revision is None:
        raise NotFoundError(f"Hồ sơ số {dossier_id} chưa có nội dung.")
    return revision


def _require(dossier: Dossier, allowed: Sequence[str]) -> None:
    if dossier.status not in allowed:
        raise ConflictError(f"Hồ sơ số {dossier.id} đang ở trạng thái "
                            f"{STATUS_NAMES.get(dossier.status, dossier.status)}; thao tác này chỉ "
                            f"làm được khi hồ sơ ở trạng thái "
                            f"{' hoặc '.join(STATUS_NAMES.get(s, s) for s in allowed)}.")


__all__ = ["STATUS_NAMES", "Actor", "Archive", "NewVersion", "VerifyReport", "VersionRecord",
           "hash_token", "storage_errors"]

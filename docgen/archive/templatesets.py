"""Agencies' own template sets: immutable, hashed versions, and the one each agency uses.

A mixin of :class:`docgen.archive.store.Archive`. A set is one row of ``template_sets``
(written once, chained like every written-once row) naming the blobs of its DOCX files;
uploading it gives it the agency's next version number (1, 2, …) in the transaction that
locks the agency's row, so two uploads at the same moment cannot take the same number.
Which set an agency renders with is ``agencies.template_set_id`` (None: the shipped
templates); it changes only together with a ``template_activate`` audit entry, which
``verify`` replays (:mod:`docgen.archive.integrity`).

Rendering needs files on disk: :meth:`TemplateSetStore.template_folder` writes a set's
files once into ``<data>/template-cache/<set SHA-256>/`` (built under a temporary name and
renamed, so a folder with that name is always whole) and re-hashes them on every use; a
damaged cache is rebuilt from the blobs, which are re-hashed when read.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from docgen.archive import chain
from docgen.archive.accounts import require_agency
from docgen.archive.blobs import BlobStore, sha256_hex
from docgen.archive.errors import CorruptBlobError, NotFoundError
from docgen.archive.records import Actor
from docgen.archive.schema import Agency, TemplateSet
from docgen.atomic import fsync_dir

#: Where materialised sets are kept, relative to the data folder (derived: not backed up).
CACHE = "template-cache"


def set_sha256(files: dict[str, str]) -> str:
    """The hash of a whole set: SHA-256 of its ``SHA256SUMS`` listing ("<sha256>  <name>"
    per file, sorted by name), so ``sha256sum`` can recompute it from the files.

    >>> set_sha256({"bao_cao.docx": "0" * 64})[:12]
    'fbd9c9dfa7b3'
    """
    listing = "".join(f"{files[name]}  {name}\n" for name in sorted(files))
    return hashlib.sha256(listing.encode("utf-8")).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


class TemplateSetStore:
    """Template sets (mixed into Archive)."""

    # Provided by Archive.
    data_dir: Path
    blobs: BlobStore
    engine: Engine

    def _reading(self) -> AbstractContextManager[Session]: ...  # pragma: no cover
    def _writing(self) -> AbstractContextManager[Session]: ...  # pragma: no cover
    def _put_blob(self, session: Session, data: bytes) -> str: ...  # pragma: no cover
    _audit: Callable[..., None]

    def add_template_set(self, actor: Actor, agency: str, files: dict[str, bytes], *,
                         activate: bool = True) -> TemplateSet:
        """Store `files` (name -> DOCX bytes, already checked) as the agency's next set
        version, audited; with `activate`, the agency renders with it from now on."""
        with self._writing() as session:
            row = self._lock_agency(session, agency)
            last = session.scalar(select(func.max(TemplateSet.version))
                                  .where(TemplateSet.agency == agency)) or 0
            hashes = {name: self._put_blob(session, data) for name, data in sorted(files.items())}
            item = TemplateSet(agency=agency, version=last + 1, sha256=set_sha256(hashes),
                               files=hashes, created_by=actor.user_id, created_at=_now())
            session.add(item)
            session.flush()
            self._audit(session, actor, "template_upload", "template_set", item.id,
                        sha256=item.sha256, agency_code=agency, version=item.version,
                        files=hashes)
            if activate:
                self._activate(session, actor, row, item)
            return item

    def activate_template_set(self, actor: Actor, agency: str, version: int | None
                              ) -> TemplateSet | None:
        """Make the agency render with its set `version` (None: the shipped templates)."""
        with self._writing() as session:
            row = self._lock_agency(session, agency)
            item = None if version is None else _one(session, agency, version)
            self._activate(session, actor, row, item)
            return item

    def _activate(self, session: Session, actor: Actor, agency: Agency,
                  item: TemplateSet | None) -> None:
        agency.template_set_id = None if item is None else item.id
        self._audit(session, actor, "template_activate", "template_set",
                    None if item is None else item.id,
                    sha256=None if item is None else item.sha256, agency_code=agency.code,
                    set_id=None if item is None else item.id,
                    version=None if item is None else item.version)

    @staticmethod
    def _lock_agency(session: Session, agency: str) -> Agency:
        require_agency(session, agency)
        row = session.scalars(select(Agency).where(Agency.code == agency)
                              .with_for_update()).one()
        return row

    def list_template_sets(self, agency: str) -> tuple[list[TemplateSet], int | None]:
        """Return the agency's sets, newest first, and the id of the one in use (None:
        the shipped templates)."""
        with self._reading() as session:
            active = session.scalar(select(Agency.template_set_id).where(Agency.code == agency))
            items = session.scalars(select(TemplateSet).where(TemplateSet.agency == agency)
                                    .order_by(TemplateSet.version.desc())).all()
            return list(items), active

    def get_template_set(self, agency: str, version: int) -> TemplateSet:
        with self._reading() as session:
            return _one(session, agency, version)

    def active_template_set(self, agency: str) -> TemplateSet | None:
        """The set the agency renders with now (None: the shipped templates)."""
        with self._reading() as session:
            set_id = session.scalar(select(Agency.template_set_id)
                                    .where(Agency.code == agency))
            return None if set_id is None else session.get(TemplateSet, set_id)

    def read_template_file(self, item: TemplateSet, name: str) -> bytes:
        """Return one file of a set, re-hashed against its recorded SHA-256; a set row
        that no longer matches its hash-chain entry (repointed at other bytes with SQL)
        is refused."""
        if name not in item.files:
            raise NotFoundError(f"Bộ mẫu phiên bản {item.version} của cơ quan {item.agency} "
                                f"không có tệp {name}; có: {', '.join(sorted(item.files))}.")
        with self.engine.connect() as connection:
            intact = chain.matches(connection, "template_set", item.id)
        if not intact:
            raise CorruptBlobError(item.files[name], "dòng bộ mẫu trong cơ sở dữ liệu đã bị "
                                                     "sửa, không khớp chuỗi băm")
        return self.blobs.get(item.files[name])

    def template_folder(self, item: TemplateSet) -> Path:
        """Return a folder holding exactly the set's files, intact (see the module)."""
        folder = self.data_dir / CACHE / item.sha256
        if _intact(folder, item.files):
            return folder
        folder.parent.mkdir(parents=True, exist_ok=True)
        work = folder.parent / f".{item.sha256}.{secrets.token_hex(4)}.partial"
        work.mkdir()
        try:
            for name in sorted(item.files):
                with (work / name).open("wb") as handle:
                    handle.write(self.read_template_file(item, name))
                    handle.flush()
                    os.fsync(handle.fileno())
            fsync_dir(work)
            if _intact(folder, item.files):  # another process built it meanwhile
                shutil.rmtree(work, ignore_errors=True)
                return folder
            if folder.exists():  # damaged: rebuilt from the blobs
                shutil.rmtree(folder, ignore_errors=True)
            os.rename(work, folder)
            fsync_dir(folder.parent)
        except OSError:
            shutil.rmtree(work, ignore_errors=True)
            if not _intact(folder, item.files):  # not another process's rename either
                raise
        return folder


def _one(session: Session, agency: str, version: int) -> TemplateSet:
    item = session.scalars(select(TemplateSet).where(TemplateSet.agency == agency,
                                                     TemplateSet.version == version)).first()
    if item is None:
        raise NotFoundError(f"Cơ quan {agency} không có bộ mẫu phiên bản {version}.")
    return item


def _intact(folder: Path, files: dict[str, Any]) -> bool:
    """True when `folder` holds exactly `files` (name -> SHA-256), each matching."""
    try:
        names = {p.name for p in folder.iterdir()}
    except OSError:
        return False
    if names != set(files):
        return False
    try:
        return all(sha256_hex((folder / name).read_bytes()) == sha
                   for name, sha in files.items())
    except OSError:
        return False

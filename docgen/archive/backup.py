"""Backups that restore: a bundle of the database, the blobs and a manifest of hashes.

A bundle is a folder::

    manifest.json        what it holds: schema revision, database kind, rows per table,
                         blob count and bytes, the hash chain's head, SHA256SUMS's hash
    SHA256SUMS           "<sha256>  <path>" for every other file (``sha256sum -c`` works)
    database.sqlite3     SQLite: a copy made with SQLite's online backup API
    database.jsonl       PostgreSQL: every table, read in one REPEATABLE READ transaction
    blobs/ab/cdef…       every blob the database snapshot knows, re-hashed while copied

It is consistent while the service runs: the database is read first, in one snapshot,
and then exactly the blobs that snapshot lists are copied; blobs reach the disk before the
rows naming them are committed and are never changed or removed, so every one is there.
The bundle is written under a temporary name beside the destination and renamed into
place at the end: a folder with the destination's name is always a complete bundle.

Restoring checks every hash first, then fills a new data folder and an empty database
(SQLite copied back page for page; otherwise the schema is created at the bundle's
revision and every row inserted, so a SQLite bundle can become a PostgreSQL deployment
and back). The database snapshot format for PostgreSQL is docgen's own JSON lines rather
than ``pg_dump``: it needs no client tools matching the server's version and restores into
either database.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import shutil
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import (
    JSON,
    Connection,
    Date,
    DateTime,
    Engine,
    LargeBinary,
    MetaData,
    Table,
    inspect,
    select,
    text,
)

from docgen.archive.blobs import BlobStore
from docgen.archive.database import has_tables, make_engine, sqlite_url, upgrade
from docgen.archive.errors import BackupError, DamagedBackupError
from docgen.atomic import fsync_dir, write_atomically

#: The bundle format this code writes and reads.
FORMAT = "docgen-backup/1"

MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
SQLITE_FILE = "database.sqlite3"
ROWS_FILE = "database.jsonl"

#: Tables that are Alembic's bookkeeping, not the archive's data.
_BOOKKEEPING = {"alembic_version"}

#: Rows inserted per statement when restoring.
_BATCH = 500


@dataclass
class BackupSummary:
    """What a bundle holds (the manifest, as read or written)."""

    path: Path
    revision: str | None
    dialect: str
    tables: dict[str, int]
    blobs: int
    bytes: int
    chain: dict[str, Any] | None
    created_at: str
    problems: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, path: Path, manifest: dict[str, Any]) -> BackupSummary:
        return cls(path, manifest["schema_revision"], manifest["dialect"], manifest["tables"],
                   manifest["blobs"], manifest["bytes"], manifest.get("chain"),
                   manifest["created_at"])


# -- backup -------------------------------------------------------------------------------


def backup(engine: Engine, blobs: BlobStore, dest: Path, *, link: bool = False,
           at: datetime | None = None) -> BackupSummary:
    """Write a bundle of the archive (its database on `engine`, its `blobs`) to `dest`.

    `dest` must not exist, or be an empty folder. With `link`, blobs are hard-linked
    instead of copied when `dest` is on the same file system (blobs never change in place,
    so a link is as good as a copy against a failed upgrade, not against a lost disk).
    """
    dest = Path(dest)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise BackupError(f"{dest}: thư mục sao lưu đã có nội dung; hãy chọn một thư mục "
                          "mới (bản sao lưu không ghi đè lên gì).")
    dest.parent.mkdir(parents=True, exist_ok=True)
    work = dest.parent / f".{dest.name}.{secrets.token_hex(4)}.partial"
    work.mkdir()
    try:
        summary = _write_bundle(engine, blobs, work, link=link, at=at or datetime.now(UTC))
        if dest.exists():
            dest.rmdir()
        os.rename(work, dest)
        fsync_dir(dest.parent)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    summary.path = dest
    return summary


def _write_bundle(engine: Engine, blobs: BlobStore, work: Path, *, link: bool,
                  at: datetime) -> BackupSummary:
    dialect = engine.dialect.name
    if dialect == "sqlite":
        database = work / SQLITE_FILE
        _sqlite_snapshot(engine, database)
        snapshot = make_engine(f"sqlite:///{database}")
        try:
            with snapshot.connect() as connection:
                facts = _facts(connection)
        finally:
            snapshot.dispose()
    else:
        database = work / ROWS_FILE
        with engine.connect() as connection:
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
            with connection.begin():
                connection.execute(text("SET TRANSACTION READ ONLY"))
                facts = _facts(connection)
                with database.open("w", encoding="utf-8") as handle:
                    _dump_rows(connection, handle)
                    handle.flush()
                    os.fsync(handle.fileno())
    sums = [(_file_sha256(database), database.name)]
    total = 0
    problems = []
    for digest, size in facts["blobs"]:
        target = work / "blobs" / digest[:2] / digest[2:]
        problem = _copy_blob(blobs, digest, target, link=link)
        if problem is not None:
            problems.append(f"tệp {digest}: {problem}")
            continue
        total += size
        sums.append((digest, f"blobs/{digest[:2]}/{digest[2:]}"))
    if problems:
        raise DamagedBackupError("Không sao lưu được: kho có tệp hỏng ("
                                 + "; ".join(problems[:5])
                                 + (f"; và {len(problems) - 5} tệp khác" if len(problems) > 5
                                    else "")
                                 + "); hãy chạy docgen archive verify.")
    for folder in sorted((work / "blobs").glob("*")):
        fsync_dir(folder)
    fsync_dir(work / "blobs")
    sums_text = "".join(f"{digest}  {name}\n" for digest, name in sums)
    write_atomically(work / SUMS, sums_text.encode("ascii"))
    manifest = {
        "format": FORMAT,
        "created_at": at.isoformat(timespec="seconds"),
        "schema_revision": facts["revision"],
        "dialect": engine.dialect.name,
        "database_file": database.name,
        "tables": facts["tables"],
        "blobs": len(facts["blobs"]),
        "bytes": total,
        "chain": facts["chain"],
        "sha256sums": hashlib.sha256(sums_text.encode("ascii")).hexdigest(),
    }
    write_atomically(work / MANIFEST, (json.dumps(manifest, ensure_ascii=False, indent=2)
                                       + "\n").encode("utf-8"))
    return BackupSummary.of(work, manifest)


def _sqlite_snapshot(engine: Engine, target: Path) -> None:
    """Copy the SQLite database with its online backup API (one step: one snapshot)."""
    source_path = engine.url.database
    if not source_path:
        raise BackupError("Cơ sở dữ liệu SQLite trong bộ nhớ không sao lưu được.")
    _sqlite_copy(Path(source_path), target, journal="DELETE")


def _sqlite_copy(source: Path, target: Path, *, journal: str) -> None:
    """Copy a SQLite database page for page (online backup API), durably."""
    reader = sqlite3.connect(source, timeout=60)
    writer = sqlite3.connect(target)
    try:
        reader.backup(writer)
        writer.execute(f"PRAGMA journal_mode={journal}")
    finally:
        writer.close()
        reader.close()
    with target.open("rb+") as handle:
        os.fsync(handle.fileno())


def _facts(connection: Connection) -> dict[str, Any]:
    """The snapshot's revision, rows per table, blobs (sha256, size) and chain head."""
    names = [n for n in inspect(connection).get_table_names() if n not in _BOOKKEEPING]
    tables = {name: int(connection.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one())
              for name in sorted(names)}
    found = connection.execute(text("SELECT sha256, size FROM blobs ORDER BY sha256")).all() \
        if "blobs" in names else []
    return {"revision": _revision(connection), "tables": tables,
            "blobs": [(row[0], int(row[1])) for row in found],
            "chain": _chain_head(connection) if "integrity_chain" in names else None}


def _revision(connection: Connection) -> str | None:
    from alembic.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def _chain_head(connection: Connection) -> dict[str, Any] | None:
    row = connection.execute(text("SELECT seq, sha256 FROM integrity_chain "
                                  "ORDER BY seq DESC LIMIT 1")).first()
    return None if row is None else {"seq": int(row[0]), "sha256": row[1]}


def _copy_blob(blobs: BlobStore, digest: str, target: Path, *, link: bool) -> str | None:
    """Copy (or link) one blob into the bundle, re-hashing it; return what is wrong, if any."""
    source = blobs.path(digest)
    target.parent.mkdir(parents=True, exist_ok=True)
    if not source.exists():
        return "không tìm thấy tệp"
    if link:
        try:
            os.link(source, target)
        except OSError:
            pass
        else:
            if _file_sha256(target) != digest:
                target.unlink()
                return "mã băm SHA-256 không khớp"
            return None
    hasher = hashlib.sha256()
    with source.open("rb") as reader, target.open("wb") as writer:
        for chunk in iter(lambda: reader.read(1 << 20), b""):
            hasher.update(chunk)
            writer.write(chunk)
        writer.flush()
        os.fsync(writer.fileno())
    if hasher.hexdigest() != digest:
        target.unlink()
        return "mã băm SHA-256 không khớp"
    return None


def _file_sha256(path: Path) -> str:
    hasher = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


# -- the rows format ----------------------------------------------------------------------


def _dump_rows(connection: Connection, handle: IO[str]) -> None:
    """Write every table as one header line then one JSON array per row, in key order."""
    metadata = MetaData()
    metadata.reflect(bind=connection)
    handle.write(json.dumps({"format": "docgen-rows/1"}) + "\n")
    for table in metadata.sorted_tables:
        if table.name in _BOOKKEEPING:
            continue
        columns = [c.name for c in table.columns]
        handle.write(json.dumps({"table": table.name, "columns": columns}) + "\n")
        order = list(table.primary_key.columns) or list(table.columns)
        for row in connection.execute(select(table).order_by(*order)):
            handle.write(json.dumps([_encode(v) for v in row], ensure_ascii=False,
                                    separators=(",", ":")) + "\n")


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def _decode(column: Any, value: Any) -> Any:
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, DateTime):
        moment = datetime.fromisoformat(value) if isinstance(value, str) else value
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    if isinstance(kind, Date) and isinstance(value, str):
        return date.fromisoformat(value)
    if isinstance(kind, LargeBinary) and isinstance(value, str):
        return base64.b64decode(value)
    return value


def _read_rows(path: Path) -> Iterator[tuple[str, list[str], Iterator[list[Any]]]]:
    """Yield (table, columns, rows) from a ``database.jsonl``, streaming."""
    with path.open(encoding="utf-8") as handle:
        header = json.loads(handle.readline())
        if header.get("format") != "docgen-rows/1":
            raise DamagedBackupError(f"{path}: không phải tệp dữ liệu của docgen.")
        pending: dict[str, Any] | None = None
        rows: list[list[Any]] = []
        for line in handle:
            item = json.loads(line)
            if isinstance(item, dict):
                if pending is not None:
                    yield pending["table"], pending["columns"], iter(rows)
                pending, rows = item, []
            else:
                rows.append(item)
        if pending is not None:
            yield pending["table"], pending["columns"], iter(rows)


def _sqlite_rows(path: Path) -> Iterator[tuple[str, list[str], Iterator[list[Any]]]]:
    """Yield (table, columns, rows) from a bundle's SQLite copy."""
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            metadata = MetaData()
            metadata.reflect(bind=connection)
            for table in metadata.sorted_tables:
                if table.name in _BOOKKEEPING:
                    continue
                order = list(table.primary_key.columns) or list(table.columns)
                rows = [[_encode(v) for v in row]
                        for row in connection.execute(select(table).order_by(*order))]
                yield table.name, [c.name for c in table.columns], iter(rows)
    finally:
        engine.dispose()


# -- restore ------------------------------------------------------------------------------


def read_manifest(bundle: Path) -> dict[str, Any]:
    """Return a bundle's manifest; refuse what is not a docgen bundle."""
    try:
        manifest = json.loads((Path(bundle) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise DamagedBackupError(f"{bundle}: không đọc được {MANIFEST} "
                                 f"({getattr(error, 'strerror', None) or error}); đây không "
                                 "phải một bản sao lưu của docgen.") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise DamagedBackupError(f"{bundle}: {MANIFEST} không phải định dạng {FORMAT}.")
    return manifest


def check_bundle(bundle: Path) -> BackupSummary:
    """Re-hash every file of a bundle against SHA256SUMS and the manifest; the summary's
    `problems` list what does not match (empty: the bundle is intact)."""
    bundle = Path(bundle)
    manifest = read_manifest(bundle)
    summary = BackupSummary.of(bundle, manifest)
    try:
        sums = (bundle / SUMS).read_bytes()
    except OSError:
        summary.problems.append(f"thiếu tệp {SUMS}")
        return summary
    if hashlib.sha256(sums).hexdigest() != manifest.get("sha256sums"):
        summary.problems.append(f"{SUMS} không khớp với {MANIFEST}")
    listed = [line.split("  ", 1) for line in sums.decode("ascii", "replace").splitlines()
              if line]
    names = {name for _digest, name in listed}
    if manifest.get("database_file") not in names:
        summary.problems.append("thiếu bản sao cơ sở dữ liệu")
    if sum(1 for name in names if name.startswith("blobs/")) != manifest.get("blobs"):
        summary.problems.append("số tệp trong bản sao lưu không khớp với bản kê")
    for digest, name in listed:
        path = bundle / name
        if not path.is_file():
            summary.problems.append(f"thiếu {name}")
        elif _file_sha256(path) != digest:
            summary.problems.append(f"{name}: mã băm SHA-256 không khớp")
    return summary


@dataclass
class Restored:
    """What :func:`restore` rebuilt."""

    summary: BackupSummary
    data_dir: Path
    database_url: str | None


def restore(bundle: Path, data_dir: Path, database_url: str | None = None, *,
            schema: str | None = None) -> Restored:
    """Rebuild a deployment from `bundle` into the new (or empty) folder `data_dir` and the
    empty database `database_url` (None: SQLite in `data_dir`).

    Every hash is checked before anything is written; on any failure what was written is
    removed (the folder, if this call created it; the database rows, in one transaction).
    """
    bundle, data_dir = Path(bundle), Path(data_dir)
    summary = check_bundle(bundle)
    if summary.problems:
        raise DamagedBackupError(f"Bản sao lưu {bundle} bị hỏng, không khôi phục: "
                                 + "; ".join(summary.problems[:5]) + ".")
    if data_dir.exists() and (not data_dir.is_dir() or any(data_dir.iterdir())):
        raise BackupError(f"{data_dir}: thư mục dữ liệu mới phải trống; khôi phục không ghi "
                          "đè lên một kho đang có.")
    engine = make_engine(database_url or sqlite_url(data_dir), schema=schema)
    created = not data_dir.exists()
    try:
        if database_url and has_tables(engine):
            raise BackupError("Cơ sở dữ liệu đích đã có bảng; khôi phục cần một cơ sở dữ "
                              "liệu (hoặc schema) trống.")
        data_dir.mkdir(parents=True, exist_ok=True)
        store = BlobStore(data_dir / "blobs")
        for path in sorted((bundle / "blobs").glob("*/*")):
            store.put(path.read_bytes())
        database = bundle / str(read_manifest(bundle)["database_file"])
        if summary.dialect == "sqlite" and not database_url:
            engine.dispose()
            _sqlite_copy(database, data_dir / "archive.sqlite3", journal="WAL")
        else:
            rows = _sqlite_rows(database) if database.name == SQLITE_FILE \
                else _read_rows(database)
            _load(engine, summary.revision, rows)
        if summary.chain:
            from docgen.archive.chain import write_checkpoint

            write_checkpoint(store, summary.chain["seq"], summary.chain["sha256"])
    except BaseException:
        engine.dispose()
        if created:
            shutil.rmtree(data_dir, ignore_errors=True)
        elif data_dir.exists():
            for child in data_dir.iterdir():
                shutil.rmtree(child) if child.is_dir() else child.unlink()
        raise
    engine.dispose()
    return Restored(summary, data_dir, database_url)


def _load(engine: Engine, revision: str | None,
          rows: Iterable[tuple[str, list[str], Iterator[list[Any]]]]) -> None:
    """Create the schema at `revision` and insert every table's rows, all in the
    migrations' transaction (on PostgreSQL the DDL is transactional too: a failure leaves
    the database empty; on SQLite the caller removes the file)."""

    def fill(connection: Connection) -> None:
        if _revision(connection) != revision:
            raise BackupError(f"Không tạo được lược đồ ở phiên bản {revision}.")
        metadata = MetaData()
        metadata.reflect(bind=connection)
        for name, columns, values in rows:
            table = metadata.tables.get(name)
            if table is None:
                raise BackupError(f"Bảng {name} của bản sao lưu không có trong lược đồ "
                                  f"{revision}.")
            _insert(connection, table, columns, values)
        if connection.dialect.name == "postgresql":
            _reset_sequences(connection, metadata)

    upgrade(engine, revision or "base", then=fill)


def _insert(connection: Connection, table: Table, columns: list[str],
            values: Iterator[list[Any]]) -> None:
    targets = [table.columns[name] for name in columns]
    batch: list[dict[str, Any]] = []
    for row in values:
        batch.append({c.name: _decode(c, v) if not isinstance(c.type, JSON) else v
                      for c, v in zip(targets, row, strict=True)})
        if len(batch) >= _BATCH:
            connection.execute(table.insert(), batch)
            batch = []
    if batch:
        connection.execute(table.insert(), batch)


def _reset_sequences(connection: Connection, metadata: MetaData) -> None:
    """Move each serial column's sequence past the restored ids."""
    for table in metadata.sorted_tables:
        for column in table.primary_key.columns:
            sequence = connection.execute(text("SELECT pg_get_serial_sequence(:t, :c)"),
                                          {"t": table.name, "c": column.name}).scalar()
            if sequence:
                connection.execute(text(
                    f'SELECT setval(:s, coalesce((SELECT max("{column.name}") FROM '
                    f'"{table.name}"), 0) + 1, false)'), {"s": sequence})

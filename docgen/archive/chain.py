"""Tamper evidence: every written-once row, chained by SHA-256 to the one before it.

Each row of ``documents``, ``dossier_revisions``, ``versions``, ``version_files``,
``audit_log`` and ``template_sets`` gets one entry in ``integrity_chain``, in the
transaction that writes it::

    row_sha256 = SHA-256 of the row's columns (a fixed list per kind, canonical JSON)
    sha256     = SHA-256 of "<previous sha256>\\n<seq>\\n<kind>\\n<row id>\\n<row_sha256>"

so changing, removing or inserting a row, or an entry, breaks the chain from that point
on. The dossiers' own columns that change (status, number) are checked against the
chained audit log, which records every change. The head of the chain (its last ``seq`` and
``sha256``) is checkpointed outside the database after every commit, in the blob folder
(``blobs/integrity/checkpoint.json``) and in every backup manifest: rewriting the whole
chain consistently is then detected too, for everything up to the last checkpoint.

This is evidence, not prevention (triggers prevent): someone who can write the database
*and* knows this format can append new, well-chained rows after the last checkpoint. They
cannot change or remove what was there before it without ``verify`` saying so.

The canonical form and the chain rule below are part of the archive's format: changing
them makes every existing chain fail to verify, so they never change (a new kind or column
means a new ``kind`` name).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Connection,
    Date,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    select,
    text,
)

from docgen.atomic import write_atomically

#: The first entry's "previous" hash.
GENESIS = "0" * 64

#: Where the chain's head is checkpointed, relative to the blob folder.
CHECKPOINT = Path("integrity") / "checkpoint.json"

#: PostgreSQL advisory lock that serialises appends to the chain (SQLite: BEGIN IMMEDIATE).
CHAIN_LOCK = 804357014

_meta = MetaData()

#: kind -> the table and the columns its row hash covers (fixed forever).
CHAINED: dict[str, Table] = {
    "document": Table("documents", _meta, Column("id", Integer), Column("dossier_id", Integer),
                      Column("kind", String)),
    "revision": Table("dossier_revisions", _meta, Column("id", Integer),
                      Column("dossier_id", Integer), Column("revision", Integer),
                      Column("sha256", String), Column("created_by", Integer),
                      Column("created_at", DateTime(timezone=True))),
    "version": Table("versions", _meta, Column("id", Integer), Column("document_id", Integer),
                     Column("seq", Integer), Column("status", String),
                     Column("dossier_revision_id", Integer), Column("dossier_sha256", String),
                     Column("created_by", Integer), Column("created_at", DateTime(timezone=True)),
                     Column("docgen_version", String), Column("template_hashes", JSON),
                     Column("summary", JSON), Column("note", Text), Column("type_name", String),
                     Column("code_number", String), Column("code_notation", String),
                     Column("issued_date", Date), Column("organ_name", String),
                     Column("subject", String), Column("signer_position", String),
                     Column("signer_name", String), Column("recipients", JSON),
                     Column("page_amount", Integer)),
    "file": Table("version_files", _meta, Column("id", Integer), Column("version_id", Integer),
                  Column("format", String), Column("media_type", String),
                  Column("sha256", String), Column("size", BigInteger)),
    "audit": Table("audit_log", _meta, Column("id", Integer),
                   Column("at", DateTime(timezone=True)), Column("user_id", Integer),
                   Column("actor", String), Column("agency", String), Column("action", String),
                   Column("object_type", String), Column("object_id", Integer),
                   Column("dossier_id", Integer), Column("sha256", String),
                   Column("detail", JSON)),
    "template_set": Table("template_sets", _meta, Column("id", Integer),
                          Column("agency", String), Column("version", Integer),
                          Column("sha256", String), Column("files", JSON),
                          Column("created_by", Integer),
                          Column("created_at", DateTime(timezone=True))),
}

#: The order rows of one transaction are chained in (parents before children).
KIND_ORDER = {kind: n for n, kind in enumerate(CHAINED)}

#: Table name -> kind.
KIND_OF_TABLE = {table.name: kind for kind, table in CHAINED.items()}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, date):
        return value.isoformat()
    return value


def row_sha256(kind: str, values: Sequence[Any]) -> str:
    """The hash of one row: its kind and its columns' values, as canonical JSON."""
    payload = json.dumps([kind, [_plain(v) for v in values]], ensure_ascii=False,
                         sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def link(previous: str, seq: int, kind: str, row_id: int, digest: str) -> str:
    """The hash of a chain entry."""
    return hashlib.sha256(f"{previous}\n{seq}\n{kind}\n{row_id}\n{digest}".encode()).hexdigest()


def row_digests(connection: Connection, kind: str, ids: Iterable[int] | None = None
                ) -> dict[int, str]:
    """Return row id -> row hash for the rows of `kind` (all, or those in `ids`)."""
    table = CHAINED[kind]
    query = select(*table.columns).order_by(table.c.id)
    if ids is not None:
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        query = query.where(table.c.id.in_(wanted))
    return {row[0]: row_sha256(kind, row) for row in connection.execute(query)}


def matches(connection: Connection, kind: str, row_id: int) -> bool:
    """True when the row is chained and unchanged since (checked before its bytes are
    served: a row repointed at other bytes with SQL must not serve them)."""
    recorded = connection.execute(text(
        "SELECT row_sha256 FROM integrity_chain WHERE kind = :k AND row_id = :i"),
        {"k": kind, "i": row_id}).scalar()
    return recorded is not None and recorded == row_digests(connection, kind, [row_id]).get(row_id)


def head(connection: Connection) -> tuple[int, str]:
    """The last entry of the chain: (seq, sha256); (0, GENESIS) when it is empty."""
    row = connection.execute(text("SELECT seq, sha256 FROM integrity_chain "
                                  "ORDER BY seq DESC LIMIT 1")).first()
    return (0, GENESIS) if row is None else (int(row[0]), str(row[1]))


def append(connection: Connection, rows: Iterable[tuple[str, int]], at: datetime
           ) -> tuple[int, str] | None:
    """Chain the given (kind, row id) rows, written in this transaction; return the new
    head, or None when there was nothing to chain."""
    pending = sorted(set(rows), key=lambda item: (KIND_ORDER[item[0]], item[1]))
    if not pending:
        return None
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": CHAIN_LOCK})
    seq, previous = head(connection)
    digests: dict[tuple[str, int], str] = {}
    for kind in {kind for kind, _ in pending}:
        found = row_digests(connection, kind, [i for k, i in pending if k == kind])
        digests.update({(kind, i): d for i, d in found.items()})
    entries = []
    for kind, row_id in pending:
        seq += 1
        digest = digests[(kind, row_id)]
        current = link(previous, seq, kind, row_id, digest)
        entries.append({"seq": seq, "kind": kind, "row_id": row_id, "row_sha256": digest,
                        "prev_sha256": previous, "sha256": current, "at": at})
        previous = current
    connection.execute(CHAIN_TABLE.insert(), entries)
    return seq, previous


#: The chain's table, for inserts (the models live in :mod:`docgen.archive.schema`).
CHAIN_TABLE = Table("integrity_chain", _meta, Column("seq", BigInteger),
                    Column("kind", String), Column("row_id", Integer),
                    Column("row_sha256", String), Column("prev_sha256", String),
                    Column("sha256", String), Column("at", DateTime(timezone=True)))


# -- the checkpoint outside the database --------------------------------------------------


def write_checkpoint(blobs: Any, seq: int, sha256: str) -> None:
    """Record the chain's head in the blob folder, unless a later head is recorded there."""
    path = Path(blobs.root) / CHECKPOINT
    found = read_checkpoint(blobs)
    if found is not None and found.seq >= seq:
        return
    write_atomically(path, (json.dumps({"seq": seq, "sha256": sha256}) + "\n").encode())


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    sha256: str


def read_checkpoint(blobs: Any) -> Checkpoint | None:
    """The head last recorded in the blob folder (None: none yet, or unreadable)."""
    try:
        data = json.loads((Path(blobs.root) / CHECKPOINT).read_text())
        return Checkpoint(int(data["seq"]), str(data["sha256"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None

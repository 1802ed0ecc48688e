"""Connecting to the archive's database and bringing its schema up to date.

The embedded default is a SQLite file in WAL mode (readers never wait for the writer);
every write transaction starts with ``BEGIN IMMEDIATE`` so that two writers queue on the
lock instead of failing half-way with "database is locked". PostgreSQL is used as is,
with row locks where order matters. Alembic migrations ship inside the package and run
programmatically (``upgrade head``) whenever an archive is opened.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic.migration import MigrationContext
from alembic.operations import Operations
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

#: How long a SQLite writer waits for the lock before giving up (seconds).
SQLITE_LOCK_TIMEOUT = 60

#: How long a request waits for a free database connection (seconds).
POOL_TIMEOUT = 60

#: Execution option marking an engine whose transactions write (BEGIN IMMEDIATE on SQLite).
WRITE = "docgen_write"


def sqlite_url(data_dir: Path) -> str:
    """Return the URL of the embedded database in `data_dir`."""
    return f"sqlite:///{Path(data_dir).resolve() / 'archive.sqlite3'}"


def make_engine(url: str, *, schema: str | None = None) -> Engine:
    """Return an engine for `url`; `schema` (PostgreSQL only) becomes the search path."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False,
                                                  "timeout": SQLITE_LOCK_TIMEOUT},
                               pool_size=5, max_overflow=15, pool_timeout=POOL_TIMEOUT)
        _configure_sqlite(engine)
        return engine
    connect_args: dict[str, Any] = {}
    if schema:
        connect_args["options"] = f"-csearch_path={schema}"
    # At most 20 connections per process: requests queue for one (up to POOL_TIMEOUT)
    # rather than exhaust the server's max_connections (100 by default).
    return create_engine(url, connect_args=connect_args, pool_pre_ping=True,
                         pool_size=5, max_overflow=15, pool_timeout=POOL_TIMEOUT)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take over transaction control from the driver, so that BEGIN is ours to emit.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_LOCK_TIMEOUT * 1000}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        writes = connection.get_execution_options().get(WRITE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


def upgrade(engine: Engine) -> None:
    """Apply every migration not yet applied (Alembic ``upgrade head``), in one transaction."""
    script = ScriptDirectory(str(MIGRATIONS))

    def to_head(revision: Any, _context: Any) -> Any:
        return script._upgrade_revs("head", revision)

    with engine.execution_options(**{WRITE: True}).connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # SQLite's own procedure for changing a table that others refer to: foreign
            # keys off (only possible outside a transaction), rebuild, check, back on.
            _raw_sqlite(connection, "PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                if not sqlite:
                    # Two services starting at once must not both create the tables.
                    connection.execute(text("SELECT pg_advisory_xact_lock(804357001)"))
                context = MigrationContext.configure(connection,
                                                     opts={"script": script, "fn": to_head})
                with Operations.context(context):
                    context.run_migrations()
                if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first():
                    raise RuntimeError("a migration broke a foreign key")  # rolls back
        finally:
            if sqlite:
                _raw_sqlite(connection, "PRAGMA foreign_keys=ON")


def _raw_sqlite(connection: Any, statement: str) -> None:
    """Run `statement` on the driver's connection, outside any transaction."""
    connection.connection.driver_connection.execute(statement)


def current_revision(engine: Engine) -> str | None:
    """Return the schema revision the database is at (None before the first migration)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()

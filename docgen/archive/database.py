"""Connecting to the archive's database and bringing its schema up to date.

The embedded default is a SQLite file in WAL mode (readers never wait for the writer);
every write transaction starts with ``BEGIN IMMEDIATE`` so that two writers queue on the
lock instead of failing half-way with "database is locked". PostgreSQL is used as is,
with row locks where order matters. Alembic migrations ship inside the package and run
programmatically, only when asked (``docgen db upgrade``): opening an archive checks that
its schema is the code's (:func:`require_current`) and changes nothing.
"""

from __future__ import annotations

import errno
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alembic.migration import MigrationContext
from alembic.operations import Operations
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, inspect, text

from docgen.archive.errors import SchemaError, StorageFullError

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


def upgrade(engine: Engine, target: str = "head",
            then: Callable[[Connection], None] | None = None) -> None:
    """Apply every migration not yet applied up to `target` (Alembic ``upgrade``), in one
    transaction; `then`, if given, runs in the same transaction afterwards."""
    script = ScriptDirectory(str(MIGRATIONS))

    def to_head(revision: Any, _context: Any) -> Any:
        return script._upgrade_revs(target, revision)

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
                if then is not None:
                    then(connection)
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


def head_revision() -> str:
    """Return the schema revision this code works with (the last migration)."""
    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    assert head is not None
    return head


@dataclass(frozen=True)
class SchemaState:
    """Where a database's schema stands against the code's."""

    current: str | None  #: its revision; None: no archive in it yet
    head: str  #: the code's revision
    #: The migrations `docgen db upgrade` would apply, oldest first: (revision, what).
    pending: list[tuple[str, str]] = field(default_factory=list)
    #: The revision is not one this code knows (a newer docgen wrote it).
    unknown: bool = False

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head


def schema_state(engine: Engine) -> SchemaState:
    """Return the database's schema revision and the migrations it still needs."""
    script = ScriptDirectory(str(MIGRATIONS))
    current = current_revision(engine)
    head = head_revision()
    known = {rev.revision for rev in script.walk_revisions()}
    if current is not None and current not in known:
        return SchemaState(current, head, unknown=True)
    return SchemaState(current, head, steps_after(current))


def steps_after(current: str | None) -> list[tuple[str, str]]:
    """The migrations from `current` (None: an empty database) to the code's head, oldest
    first, each with its description."""
    script = ScriptDirectory(str(MIGRATIONS))
    return [(rev.revision, _describe(rev.module))
            for rev in reversed(list(script.iterate_revisions(head_revision(), current)))]


def _describe(module: Any) -> str:
    """A migration's one-line description: its ``summary`` (Vietnamese), else its
    docstring's first line."""
    summary = getattr(module, "summary", None) or DESCRIPTIONS.get(module.revision)
    if summary:
        return str(summary)
    return (module.__doc__ or "").strip().splitlines()[0] if module.__doc__ else ""


#: Vietnamese descriptions of the migrations released before they carried a ``summary``.
DESCRIPTIONS = {
    "0001": "tạo các bảng: người dùng, hồ sơ, phiên bản, tệp, nhật ký; chặn sửa và xóa "
            "bảng chỉ ghi thêm",
    "9a01": "cơ quan thành bản ghi; đăng nhập (tên, mật khẩu, phiên); sổ đăng ký theo cơ "
            "quan ban hành; lý do trả lại hồ sơ",
}


def has_tables(engine: Engine) -> bool:
    """Whether the database (or schema) holds any table at all."""
    with engine.connect() as connection:
        return bool(inspect(connection).get_table_names())


def require_current(engine: Engine, command: str) -> None:
    """Refuse a database whose schema is not the code's; `command` is what to run to fix
    it (``docgen db upgrade --data …``)."""
    state = schema_state(engine)
    if state.up_to_date:
        return
    if state.unknown:
        raise SchemaError(f"Kho lưu trữ ở phiên bản lược đồ {state.current}, mới hơn phần mềm "
                          f"này ({state.head}); hãy dùng bản docgen đã nâng cấp kho.")
    if state.current is None:
        raise SchemaError("Cơ sở dữ liệu chưa có kho lưu trữ (chưa khởi tạo); hãy chạy: "
                          f"{command}")
    raise SchemaError(f"Kho lưu trữ ở phiên bản lược đồ {state.current}, phần mềm cần "
                      f"{state.head}; hãy chạy: {command} (có sao lưu trước khi nâng cấp)")


#: errno values meaning "no space left" (the disk, or the user's quota).
_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}


def is_storage_full(error: BaseException) -> bool:
    """Whether `error` says the disk (or the database server's disk) is full."""
    if isinstance(error, OSError):
        return error.errno in _FULL_ERRNOS
    original = getattr(error, "orig", None)
    if original is not None and original is not error:
        if getattr(original, "sqlstate", None) == "53100":  # PostgreSQL disk_full
            return True
        if getattr(original, "sqlite_errorname", None) == "SQLITE_FULL":
            return True
        return "database or disk is full" in str(original)
    return False


@contextmanager
def storage_errors() -> Iterator[None]:
    """Turn "no space left" (from a file write or from the database) into StorageFullError."""
    try:
        yield
    except Exception as error:
        if not is_storage_full(error):
            raise
        raise StorageFullError(
            "Không ghi được vào kho lưu trữ: ổ đĩa đã đầy (không còn chỗ trống). Hãy giải "
            "phóng dung lượng ổ chứa dữ liệu (hoặc của máy chủ cơ sở dữ liệu) rồi chạy "
            "lại.") from error

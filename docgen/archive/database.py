"""Connecting to the archive's database and bringing its schema up to date.

The embedded default is a SQLite file in WAL mode (readers never wait for the writer);
every write transaction starts with ``BEGIN IMMEDIATE`` so that two writers queue on the
lock instead of failing half-way with "database is locked". PostgreSQL is used as is,
with row locks where order matters. Alembic migrations ship inside the package and run
programmatically (``upgrade head``) whenever an archive is opened.

Every connection has three bounds (:class:`Timeouts`): how long connecting may take, how
long one statement may run and how long a lock may be waited for. On PostgreSQL they are
``connect_timeout``, ``statement_timeout`` and ``lock_timeout`` (plus ``tcp_user_timeout``
so that a host that vanished is noticed); on SQLite the lock bound is ``busy_timeout`` and
statements are interrupted by a progress handler. A database that is unreachable, silent,
missing or busy past those bounds becomes :class:`DatabaseUnavailableError` with a
Vietnamese message (:func:`unavailable`); the pool checks connections before use, so the
service recovers when the database is back.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic.migration import MigrationContext
from alembic.operations import Operations
from alembic.script import ScriptDirectory
from sqlalchemy import URL, Engine, create_engine, event, exc, make_url, text

from docgen.archive.errors import DatabaseUnavailableError, DatabaseUrlError, SchemaOutdatedError

LOG = logging.getLogger("docgen.archive")
LOG.addHandler(logging.NullHandler())

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

#: How long a request waits for a free database connection (seconds).
POOL_TIMEOUT = 60

#: Execution option marking an engine whose transactions write (BEGIN IMMEDIATE on SQLite).
WRITE = "docgen_write"


def sqlite_url(data_dir: Path) -> str:
    """Return the URL of the embedded database in `data_dir`."""
    return f"sqlite:///{Path(data_dir).resolve() / 'archive.sqlite3'}"


@dataclass(frozen=True)
class Timeouts:
    """Bounds on waiting for the database, in seconds (see the module's description)."""

    #: Connecting (PostgreSQL; at least 2 s, libpq's minimum).
    connect: float = 10
    #: One statement.
    statement: float = 60
    #: Waiting for a lock held by another transaction.
    lock: float = 60


#: The drivers docgen ships with; other URL schemes are refused (or rewritten, see ALIASES).
DRIVERS = ("sqlite", "postgresql+psycopg")

#: Usual spellings of a PostgreSQL URL, and the one SQLAlchemy needs for psycopg 3.
ALIASES = {"postgres": "postgresql+psycopg", "postgresql": "postgresql+psycopg",
           "postgres+psycopg": "postgresql+psycopg", "sqlite+pysqlite": "sqlite"}


def normalise_url(url: str) -> str:
    """Return `url` with its scheme in the form SQLAlchemy loads; refuse what docgen cannot
    use with a message that says what to write.

    >>> normalise_url("postgres://docgen@db:5432/docgen")
    'postgresql+psycopg://docgen@db:5432/docgen'
    """
    scheme, sep, rest = url.partition("://")
    scheme = ALIASES.get(scheme.lower(), scheme.lower())
    expected = ("cần sqlite:///đường/dẫn/tệp.sqlite3 hoặc "
                "postgresql+psycopg://người_dùng@máy:5432/tên_cơ_sở_dữ_liệu")
    if not sep or scheme not in DRIVERS:
        found = f"{url.partition('://')[0]}://" if sep else url[:40]
        raise DatabaseUrlError(f"URL cơ sở dữ liệu có dạng không dùng được ({found!r}): "
                               f"{expected} (postgres:// cũng được chấp nhận).")
    normalised = f"{scheme}://{rest}"
    try:
        make_url(normalised)
    except exc.ArgumentError as error:
        raise DatabaseUrlError(f"URL cơ sở dữ liệu không đọc được: {expected}.") from error
    return normalised


def display_url(url: str) -> str:
    """`url` with its password hidden, for messages."""
    return make_url(url).render_as_string(hide_password=True)


def make_engine(url: str, *, schema: str | None = None,
                timeouts: Timeouts | None = None) -> Engine:
    """Return an engine for `url` (normalised first, see :func:`normalise_url`) bounded by
    `timeouts`; `schema` (PostgreSQL only) becomes the search path."""
    url = normalise_url(url)
    timeouts = timeouts or Timeouts()
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False,
                                                  "timeout": timeouts.lock},
                               pool_size=5, max_overflow=15, pool_timeout=POOL_TIMEOUT)
        _configure_sqlite(engine, timeouts)
        return engine
    options = [f"-cstatement_timeout={int(timeouts.statement * 1000)}",
               f"-clock_timeout={int(timeouts.lock * 1000)}"]
    if schema:
        options.append(f"-csearch_path={schema}")
    connect_args: dict[str, Any] = {
        "connect_timeout": max(2, round(timeouts.connect)), "options": " ".join(options),
        # Unacknowledged data for this long: the host is gone (Linux).
        "tcp_user_timeout": int((timeouts.statement + timeouts.connect) * 1000),
        "keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10,
        "keepalives_count": 3}
    # At most 20 connections per process: requests queue for one (up to POOL_TIMEOUT)
    # rather than exhaust the server's max_connections (100 by default).
    return create_engine(url, connect_args=connect_args, pool_pre_ping=True,
                         pool_size=5, max_overflow=15, pool_timeout=POOL_TIMEOUT)


def _configure_sqlite(engine: Engine, timeouts: Timeouts) -> None:
    deadlines: dict[int, float] = {}

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take over transaction control from the driver, so that BEGIN is ours to emit.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(timeouts.lock * 1000)}")
        cursor.close()
        key = id(dbapi_connection)
        # Called every 10 000 virtual machine steps: a non-zero answer interrupts the
        # statement (sqlite3.OperationalError "interrupted").
        dbapi_connection.set_progress_handler(
            lambda: time.monotonic() > deadlines.get(key, float("inf")), 10_000)

    @event.listens_for(engine, "before_cursor_execute")
    def _start(connection: Any, *_args: Any) -> None:
        deadlines[id(connection.connection.dbapi_connection)] = (time.monotonic()
                                                                 + timeouts.statement)

    @event.listens_for(engine, "after_cursor_execute")
    def _end(connection: Any, *_args: Any) -> None:
        deadlines.pop(id(connection.connection.dbapi_connection), None)

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


def head_revision() -> str:
    """The schema revision this code expects (the newest migration shipped)."""
    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    assert head is not None, "no migration shipped"
    return head


def require_current_schema(engine: Engine) -> None:
    """Raise SchemaOutdatedError (exit code 9, "run docgen db upgrade") unless the
    database is at the code's revision; for whoever must not migrate by itself (the
    service at start, once migrations run only through ``docgen db upgrade``)."""
    current, head = current_revision(engine), head_revision()
    if current != head:
        raise SchemaOutdatedError(current, head)


def current_revision(engine: Engine) -> str | None:
    """Return the schema revision the database is at (None before the first migration)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


#: SQLSTATE codes of PostgreSQL that mean "try again later".
_PG_LATER = {"55P03": "lock", "57014": "statement", "57P01": "down", "57P02": "down",
             "57P03": "down", "53300": "busy"}


def unavailable(error: BaseException, url: str,
                timeouts: Timeouts) -> DatabaseUnavailableError | None:
    """Return the DatabaseUnavailableError that driver `error` means, or None when it is
    something else (a bug, a constraint) that must stay as it is."""
    if isinstance(error, exc.TimeoutError):  # no free connection in the pool
        return DatabaseUnavailableError(
            f"cơ sở dữ liệu đang quá tải: chờ kết nối quá {POOL_TIMEOUT} giây; hãy thử lại sau.")
    if not isinstance(error, exc.DBAPIError):
        return None
    original = error.orig
    where = display_url(url)
    LOG.warning("database unavailable (%s): %s", where, original)
    if isinstance(original, sqlite3.OperationalError):
        text_ = str(original)
        if "locked" in text_ or "busy" in text_:
            return DatabaseUnavailableError(
                f"cơ sở dữ liệu đang bận: chờ khóa quá {_seconds(timeouts.lock)} giây "
                "(database_lock_timeout); hãy thử lại sau.")
        if "interrupted" in text_:
            return _statement_timeout(timeouts)
        if "unable to open" in text_ or "disk I/O" in text_ or "readonly" in text_:
            return DatabaseUnavailableError(
                f"không mở được tệp cơ sở dữ liệu {where} (thư mục không tồn tại, không ghi "
                "được, hoặc đĩa lỗi); hãy kiểm tra thư mục dữ liệu.", retry_after=30)
        return None
    kind = _PG_LATER.get(getattr(original, "sqlstate", None) or "")
    if kind == "lock":
        return DatabaseUnavailableError(
            f"cơ sở dữ liệu đang bận: chờ khóa quá {_seconds(timeouts.lock)} giây "
            "(database_lock_timeout); hãy thử lại sau.")
    if kind == "statement":
        return _statement_timeout(timeouts)
    if kind in ("down", "busy") or error.connection_invalidated or (
            isinstance(error, exc.OperationalError) and not getattr(original, "sqlstate", None)):
        return DatabaseUnavailableError(_connection_problem(str(original), url, timeouts))
    return None


def _seconds(value: float) -> str:
    """A number of seconds the Vietnamese way: ``0,5``, ``60``."""
    return f"{value:g}".replace(".", ",")


def _statement_timeout(timeouts: Timeouts) -> DatabaseUnavailableError:
    return DatabaseUnavailableError(
        f"truy vấn chạy quá {_seconds(timeouts.statement)} giây (database_statement_timeout) và đã "
        "bị dừng, không có gì thay đổi; hãy thử lại sau.")


def _connection_problem(message: str, url: str, timeouts: Timeouts) -> str:
    """One Vietnamese line for a failure to connect, from the driver's (English) message."""
    parsed: URL = make_url(url)
    server = f"{parsed.host or 'máy cục bộ'}:{parsed.port or 5432}"
    lowered = message.lower()
    if "does not exist" in lowered and "database" in lowered:
        return (f"cơ sở dữ liệu '{parsed.database}' không có trên máy chủ {server}; hãy tạo "
                f"nó (createdb {parsed.database}) hoặc sửa URL cơ sở dữ liệu.")
    if "authentication" in lowered or "password" in lowered or "role" in lowered:
        return (f"máy chủ {server} từ chối người dùng '{parsed.username}' (sai mật khẩu, "
                "không có quyền hoặc chưa được tạo); hãy sửa URL cơ sở dữ liệu.")
    if "timeout" in lowered or "timed out" in lowered:
        return (f"cơ sở dữ liệu {display_url(url)} không trả lời sau "
                f"{max(2, round(timeouts.connect))} giây (database_connect_timeout); hãy kiểm "
                "tra máy chủ PostgreSQL và mạng.")
    if "refused" in lowered or "could not connect" in lowered or "no route" in lowered:
        return (f"không kết nối được cơ sở dữ liệu {display_url(url)}: máy chủ {server} không "
                "nhận kết nối; hãy kiểm tra PostgreSQL đã chạy và URL đúng.")
    if "name or service" in lowered or "could not translate" in lowered or "resolve" in lowered:
        return (f"không tìm thấy máy chủ '{parsed.host}' của cơ sở dữ liệu; hãy sửa URL "
                "cơ sở dữ liệu.")
    return (f"không dùng được cơ sở dữ liệu {display_url(url)} (mất kết nối hoặc máy chủ "
            "đang khởi động lại); hãy thử lại sau.")

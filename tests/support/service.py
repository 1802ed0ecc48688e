"""Shared pieces of the archive, workflow and HTTP tests: databases, users, a live server.

PostgreSQL tests run against ``$DOCGEN_TEST_POSTGRES`` (default: the server on this
machine, database ``test``), each in a schema of its own that is dropped afterwards.
When no server answers, those tests are skipped with the URL and the error as reason.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy import create_engine, text

from docgen.archive.database import make_engine, sqlite_url, upgrade
from docgen.archive.schema import User
from docgen.archive.store import Actor, Archive
from docgen.interfaces.http.guard import server_config
from docgen.workflow.roles import Role

PG_URL = os.environ.get("DOCGEN_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
ROLES = [r.value for r in Role]
OPERATOR = Actor("test", "-")


@dataclass(frozen=True)
class Database:
    """Where an archive's tables go: SQLite in the data folder, or a PostgreSQL schema."""

    name: str
    url: str | None = None
    schema: str | None = None

    @property
    def cli_url(self) -> str | None:
        """The URL for ``--database`` (None: SQLite in the data folder)."""
        return self.url

    @property
    def cli_env(self) -> dict[str, str]:
        """The environment a command needs for this database (the test's schema)."""
        return {"DOCGEN_DATABASE_SCHEMA": self.schema} if self.schema else {}

    def open(self, data_dir: Path) -> Archive:
        """Create the archive's schema (as ``docgen db upgrade`` does) and open it."""
        prepare_archive(data_dir, self.url, self.schema)
        return Archive(data_dir, self.url, schema=self.schema)


def prepare_archive(data_dir: Path, url: str | None = None, schema: str | None = None) -> None:
    """Bring the database of a test archive to the code's schema (opening one no longer
    migrates; the deployment's step is ``docgen db upgrade``)."""
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    engine = make_engine(url or sqlite_url(Path(data_dir)), schema=schema)
    try:
        upgrade(engine)
    finally:
        engine.dispose()


_reachable: dict[str, str | None] = {}


def postgres_problem() -> str | None:
    """Return why PostgreSQL cannot be used (None when it can); asked once per run."""
    if PG_URL not in _reachable:
        try:
            engine = create_engine(PG_URL)
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            engine.dispose()
            _reachable[PG_URL] = None
        except Exception as exc:  # any failure to connect means: skip, saying why
            _reachable[PG_URL] = f"{type(exc).__name__}: {exc}".splitlines()[0]
    return _reachable[PG_URL]


@contextmanager
def database(kind: str) -> Iterator[Database]:
    """Yield a fresh database of `kind` ("sqlite" or "postgresql"), removed afterwards."""
    if kind == "sqlite":
        yield Database("sqlite")
        return
    problem = postgres_problem()
    if problem is not None:
        pytest.skip(f"PostgreSQL not reachable at {PG_URL} ({problem}); "
                    "set DOCGEN_TEST_POSTGRES to a server to run these tests")
    schema = f"docgen_test_{uuid.uuid4().hex[:12]}"
    engine = create_engine(PG_URL)
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield Database("postgresql", PG_URL, schema)
    finally:
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


class Clock:
    """A settable today(), so that a test can cross New Year."""

    def __init__(self, day: date):
        self.day = day

    def __call__(self) -> date:
        return self.day


def ensure_agency(archive: Archive, code: str) -> None:
    """Create the agency `code` (with Sơn La's issuer facts) unless it exists."""
    if code not in {a.code for a in archive.list_agencies()}:
        archive.add_agency(OPERATOR, code, {
            "name": f"Cơ quan {code}", "issuer": "ỦY BAN NHÂN DÂN\nTỈNH SƠN LA",
            "place": "Sơn La", "abbreviation": "UBND",
            "authority": "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH",
            "authority_name": "Chủ tịch Ủy ban nhân dân tỉnh"}, at=datetime.now(UTC))


def users_of(archive: Archive, agency: str) -> dict[str, User]:
    """Create one user per role in `agency` (and the agency); return role -> user."""
    ensure_agency(archive, agency)
    return {role: archive.add_user(OPERATOR, name=f"{role} {agency}", agency=agency,
                                   role=role)[0] for role in ROLES}


def add_users(archive: Archive, agency: str) -> dict[str, str]:
    """Create one user per role in `agency` (and the agency); return role -> API token."""
    ensure_agency(archive, agency)
    return {role: archive.add_user(OPERATOR, name=f"{role} {agency}", agency=agency,
                                   role=role)[1] for role in ROLES}


class LiveServer:
    """A real uvicorn server on a free loopback port, running in a thread."""

    def __init__(self, app: object):
        self.app = app
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", 0))
        self.port = self._socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        # the service's own configuration (guards included), as `docgen serve` runs it
        config = server_config(app, app.state.settings, log_level="warning")  # type: ignore[attr-defined]
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run,
                                        kwargs={"sockets": [self._socket]}, daemon=True)

    def __enter__(self) -> LiveServer:
        self._thread.start()
        deadline = time.monotonic() + 30
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=30)
        self._socket.close()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}

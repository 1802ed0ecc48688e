"""Every archive test runs on the embedded SQLite default and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from service import Database, database, ensure_agency

from docgen.archive.store import Archive


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest) -> Iterator[Database]:
    with database(request.param) as found:
        yield found


@pytest.fixture
def archive(db: Database, tmp_path: Path) -> Iterator[Archive]:
    opened = db.open(tmp_path / "data")
    for code in ("son-la", "phu-yen"):
        ensure_agency(opened, code)
    yield opened
    opened.close()

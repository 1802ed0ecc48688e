"""Upgrading an archive of the first schema: agencies appear for the codes in use, numbers
already given keep their register, and every reference survives the SQLite rebuild."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic.migration import MigrationContext
from alembic.operations import Operations
from alembic.script import ScriptDirectory
from service import database
from sqlalchemy import Engine, text

from docgen.archive.database import MIGRATIONS, WRITE, make_engine, sqlite_url, upgrade


@pytest.fixture(params=["sqlite", "postgresql"])
def old_engine(request: pytest.FixtureRequest, tmp_path) -> Iterator[Engine]:
    with database(request.param) as db:
        engine = make_engine(db.url or sqlite_url(tmp_path), schema=db.schema)
        _upgrade_to(engine, "0001")
        yield engine
        engine.dispose()


def _upgrade_to(engine: Engine, target: str) -> None:
    script = ScriptDirectory(str(MIGRATIONS))
    with engine.execution_options(**{WRITE: True}).begin() as connection:
        context = MigrationContext.configure(connection, opts={
            "script": script, "fn": lambda rev, _ctx: script._upgrade_revs(target, rev)})
        with Operations.context(context):
            context.run_migrations()


def test_an_archive_of_the_first_schema_upgrades_with_its_agencies_and_numbers(
        old_engine: Engine) -> None:
    with old_engine.execution_options(**{WRITE: True}).begin() as c:
        c.execute(text("INSERT INTO users (id, name, agency, role, active, created_at) VALUES "
                       "(1, 'A', 'ubnd-son-la', 'chuyen_vien', true, '2025-01-01'), "
                       "(2, 'B', 'ubnd-phu-yen', 'van_thu', true, '2025-01-01')"))
        c.execute(text("INSERT INTO dossiers (id, agency, year, title, status, register_type, "
                       "register_year, number, created_by, created_at) VALUES "
                       "(1, 'ubnd-son-la', 2025, 't', 'issued', 'QĐ', 2025, 3, 1, '2025-01-01'),"
                       "(2, 'ubnd-son-la', 2025, 'u', 'draft', 'QĐ', NULL, NULL, 1, '2025-01-01')"))
        c.execute(text("INSERT INTO documents (id, dossier_id, kind) VALUES (1, 1, 'quyet_dinh')"))
        c.execute(text("INSERT INTO register_counters VALUES ('ubnd-son-la', 'QĐ', 2025, 3)"))
    upgrade(old_engine)
    with old_engine.connect() as c:
        assert c.execute(text("SELECT code, name FROM agencies ORDER BY code")).all() == [
            ("ubnd-phu-yen", "ubnd-phu-yen"), ("ubnd-son-la", "ubnd-son-la")]
        assert c.execute(text("SELECT id, register, number FROM dossiers ORDER BY id")).all() == [
            (1, "ubnd-son-la", 3), (2, None, None)]
        assert c.execute(text('SELECT "register", last_number FROM register_counters')).all() == [
            ("ubnd-son-la", 3)]
        assert c.execute(text("SELECT dossier_id FROM documents")).all() == [(1,)]
        if old_engine.dialect.name == "sqlite":
            assert c.execute(text("PRAGMA foreign_key_check")).all() == []
            assert "REFERENCES dossiers" in c.execute(text(
                "SELECT sql FROM sqlite_master WHERE name = 'documents'")).scalar_one()
    with pytest.raises(Exception, match="(?i)unique"), \
            old_engine.execution_options(**{WRITE: True}).begin() as c:
        c.execute(text("UPDATE dossiers SET register = 'ubnd-son-la', register_year = 2025, "
                       "number = 3 WHERE id = 2"))



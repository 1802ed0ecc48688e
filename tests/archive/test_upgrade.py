"""Migrations run only through `docgen db upgrade`, from the previous release's schema.

The old archive is built at revision 0001 with raw SQL (as that release wrote it, not with
today's store); opening it anywhere else is refused with one line naming the command; the
upgrade says what it changes, writes a backup first, and afterwards `verify` is clean and
every version downloads byte for byte.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from service import Database, database
from sqlalchemy import text
from typer.testing import CliRunner

from docgen.archive.blobs import BlobStore
from docgen.archive.database import WRITE, head_revision, make_engine, sqlite_url, upgrade
from docgen.archive.errors import SchemaError
from docgen.archive.store import Actor, Archive
from docgen.interfaces.cli import app

runner = CliRunner()

#: The files of the old archive's two versions (a DOCX and a PDF each).
FILES = {1: {"docx": b"PK old decision", "pdf": b"%PDF-1.7 old decision"},
         2: {"docx": b"PK old report", "pdf": b"%PDF-1.7 old report"}}
CONTENT = b'{"year":2024,"title":"old"}'


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest) -> Iterator[Database]:
    with database(request.param) as found:
        yield found


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build_release_0001(data: Path, db: Database) -> None:
    """An archive as the first release left it: schema 0001 and rows written with SQL."""
    engine = make_engine(db.url or sqlite_url(data), schema=db.schema)
    blobs = BlobStore(data / "blobs")
    upgrade(engine, "0001")
    moment = "2024-12-20 08:00:00"
    with engine.execution_options(**{WRITE: True}).begin() as c:
        run = lambda sql, **values: c.execute(text(sql), values)  # noqa: E731
        run("INSERT INTO users (id, name, agency, role, active, created_at) VALUES "
            "(1, 'Phạm Thị Soạn', 'ubnd-son-la', 'chuyen_vien', true, :at)", at=moment)
        for data_bytes in [CONTENT, *(f for v in FILES.values() for f in v.values())]:
            blobs.put(data_bytes)
            run("INSERT INTO blobs (sha256, size, created_at) VALUES (:s, :n, :at)",
                s=sha(data_bytes), n=len(data_bytes), at=moment)
        run("INSERT INTO dossiers (id, agency, year, title, status, register_type, "
            "register_year, number, issue_date, created_by, created_at) VALUES "
            "(1, 'ubnd-son-la', 2024, 'Chỉ số CCHC 2024', 'issued', 'QĐ', 2024, 7, "
            "'2024-12-20', 1, :at)", at=moment)
        run("INSERT INTO dossier_revisions (id, dossier_id, revision, sha256, created_by, "
            "created_at) VALUES (1, 1, 1, :s, 1, :at)", s=sha(CONTENT), at=moment)
        for doc_id, kind in ((1, "quyet_dinh"), (2, "bao_cao")):
            run("INSERT INTO documents (id, dossier_id, kind) VALUES (:i, 1, :k)", i=doc_id,
                k=kind)
            run("INSERT INTO versions (id, document_id, seq, status, dossier_revision_id, "
                "dossier_sha256, created_by, created_at, docgen_version, template_hashes, "
                "summary, note, type_name, code_number, code_notation, issued_date, "
                "organ_name, subject, signer_position, signer_name, recipients, page_amount) "
                "VALUES (:i, :i, 1, 'final', 1, :s, 1, :at, '0.1.0', '{}', '{\"blocks\": []}', "
                "NULL, 'Quyết định', '07', 'QĐ-UBND', '2024-12-20', 'UBND TỈNH SƠN LA', "
                "'Về việc công bố', 'CHỦ TỊCH', 'Nguyễn Văn A', '[\"Bộ Nội vụ\"]', 2)",
                i=doc_id, s=sha(CONTENT), at=moment)
            for fmt, data_bytes in FILES[doc_id].items():
                run("INSERT INTO version_files (version_id, format, media_type, sha256, size) "
                    "VALUES (:v, :f, 'application/octet-stream', :s, :n)", v=doc_id, f=fmt,
                    s=sha(data_bytes), n=len(data_bytes))
        for action, detail in (("dossier_create", {"revision": 1}),
                               ("status_change", {"before": "approved", "after": "issued"})):
            run("INSERT INTO audit_log (at, user_id, actor, agency, action, object_type, "
                "object_id, dossier_id, sha256, detail) VALUES (:at, 1, 'Phạm Thị Soạn', "
                "'ubnd-son-la', :a, 'dossier', 1, 1, NULL, :d)", at=moment, a=action,
                d=json.dumps(detail))
        run("INSERT INTO register_counters VALUES ('ubnd-son-la', 'QĐ', 2024, 7)")
    engine.dispose()


def cli(data: Path, db: Database, *args: str):  # type: ignore[no-untyped-def]
    options = ["--data", str(data)] + (["--database", db.cli_url] if db.cli_url else [])
    return runner.invoke(app, [*args, *options], env=db.cli_env)


def test_an_old_archive_is_refused_until_db_upgrade_then_verifies_and_downloads_the_same(
        db: Database, tmp_path: Path) -> None:
    data = tmp_path / "data"
    build_release_0001(data, db)

    with pytest.raises(SchemaError, match="docgen db upgrade --data"):
        Archive(data, db.url, schema=db.schema)
    listing = cli(data, db, "archive", "list")
    assert listing.exit_code == 9
    assert listing.stderr.count("\n") == 1
    assert listing.stderr.startswith(f"Lỗi: Kho lưu trữ ở phiên bản lược đồ 0001, phần mềm cần "
                                     f"{head_revision()}; hãy chạy: docgen db upgrade --data")

    served = cli(data, db, "serve")  # refused before the server starts
    assert served.exit_code == 9 and "hãy chạy: docgen db upgrade" in served.stderr

    status = cli(data, db, "db", "status")
    assert status.exit_code == 9
    assert status.stdout.splitlines()[0].startswith(
        f"Lược đồ kho lưu trữ: 0001; phần mềm cần {head_revision()}.")
    assert "  9a01: cơ quan thành bản ghi" in status.stdout
    assert "  9b15: bộ mẫu văn bản riêng của từng cơ quan" in status.stdout

    dry = cli(data, db, "db", "upgrade", "--dry-run")
    assert dry.exit_code == 0 and "(--dry-run: không thay đổi gì.)" in dry.stdout
    assert cli(data, db, "archive", "list").exit_code == 9  # still the old schema

    done = cli(data, db, "db", "upgrade")
    assert done.exit_code == 0, done.output
    lines = done.stdout.splitlines()
    assert lines[0] == f"Nâng cấp lược đồ kho lưu trữ từ 0001 lên {head_revision()}:"
    assert lines[-1] == f"Đã nâng cấp kho lưu trữ: lược đồ {head_revision()}."
    checkpoint = json.loads((data / "blobs" / "integrity" / "checkpoint.json").read_text())
    # 2 documents, 1 revision, 2 versions, 4 files, 2 audit entries and 1 baseline, chained
    assert checkpoint["seq"] == 2 + 1 + 2 + 4 + 3
    backups = list((data / "backups").iterdir())
    assert len(backups) == 1 and backups[0].name.startswith("truoc-nang-cap-0001-")
    manifest = json.loads((backups[0] / "manifest.json").read_text())
    assert manifest["schema_revision"] == "0001" and manifest["blobs"] == 5
    assert manifest["tables"]["versions"] == 2 and manifest["tables"]["audit_log"] == 2

    again = cli(data, db, "db", "upgrade")
    assert again.exit_code == 0 and "không có gì để nâng cấp" in again.stdout
    assert cli(data, db, "db", "status").exit_code == 0

    verified = cli(data, db, "archive", "verify")
    assert verified.exit_code == 0, verified.output
    assert "Kho lưu trữ nguyên vẹn." in verified.stdout
    upgraded = Archive(data, db.url, schema=db.schema)
    try:  # the upgraded agency renders with the shipped set until it uploads its own
        assert upgraded.active_template_set("ubnd-son-la") is None
        made = upgraded.add_template_set(Actor("Phạm Thị Soạn", "ubnd-son-la", 1), "ubnd-son-la",
                                         {"bao_cao.docx": b"PK agency report"})
        assert (made.version, upgraded.active_template_set("ubnd-son-la").id) == (1, made.id)
    finally:
        upgraded.close()
    again_verified = cli(data, db, "archive", "verify")
    assert again_verified.exit_code == 0, again_verified.output
    for version_id, files in FILES.items():
        for fmt, data_bytes in files.items():
            out = tmp_path / f"v{version_id}.{fmt}"
            got = cli(data, db, "archive", "get", str(version_id), "--format", fmt,
                      "-o", str(out))
            assert got.exit_code == 0, got.output
            assert out.read_bytes() == data_bytes


def test_a_new_database_is_created_only_by_db_upgrade(db: Database, tmp_path: Path) -> None:
    data = tmp_path / "new"
    if db.url is None:
        status = cli(data, db, "db", "status")
        assert status.exit_code == 9 and "chưa khởi tạo" in status.stdout
        assert not (data / "archive.sqlite3").exists()  # asking creates nothing
    refused = cli(data, db, "user", "list")
    assert refused.exit_code == 9
    assert "Cơ sở dữ liệu chưa có kho lưu trữ (chưa khởi tạo); hãy chạy: docgen db upgrade" \
        in refused.stderr
    done = cli(data, db, "db", "upgrade")
    assert done.exit_code == 0, done.output
    assert done.stdout.splitlines()[0] == f"Khởi tạo kho lưu trữ mới (lược đồ {head_revision()}):"
    assert not (data / "backups").exists()  # nothing to back up
    assert cli(data, db, "user", "list").exit_code == 0

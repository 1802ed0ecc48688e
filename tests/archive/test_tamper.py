"""A database rewritten behind docgen's back: triggers refuse it, and when they were dropped
first, `verify` says what was changed (the issue's attacks, done with raw SQL)."""

from __future__ import annotations

import errno
import json
from pathlib import Path

import pytest
from service import OPERATOR
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from versions import KINDS, make_dossier, new_version

from docgen.archive.blobs import BlobStore
from docgen.archive.database import WRITE
from docgen.archive.errors import CorruptBlobError, StorageFullError
from docgen.archive.store import Actor, Archive


def sql(archive: Archive, statement: str, **values: object) -> None:
    with archive.engine.execution_options(**{WRITE: True}).begin() as connection:
        connection.execute(text(statement), values)


def drop_trigger(archive: Archive, sqlite_name: str, postgres_name: str, table: str) -> None:
    if archive.dialect == "sqlite":
        sql(archive, f"DROP TRIGGER {sqlite_name}")
    else:
        sql(archive, f"DROP TRIGGER {postgres_name} ON {table}")


def submitted_dossier(archive: Archive, agency: str) -> tuple[int, Actor]:
    user, _ = archive.add_user(OPERATOR, name=f"Chuyên viên {agency}", agency=agency,
                               role="chuyen_vien")
    actor = Actor.of(user)
    dossier_id = make_dossier(archive, actor)
    archive.store_versions(actor, dossier_id,
                           [new_version(kind, f"{agency} {kind}".encode()) for kind in KINDS],
                           allowed=["draft"], action="render")
    archive.transition(actor, dossier_id, allowed=["draft"], to="submitted", action="submit")
    return dossier_id, actor


def pdf_file_row(archive: Archive, dossier_id: int) -> tuple[int, int, str]:
    """(file row id, version id, sha256) of the dossier's first PDF."""
    with archive.engine.connect() as connection:
        row = connection.execute(text(
            "SELECT f.id, f.version_id, f.sha256 FROM version_files f JOIN versions v ON "
            "v.id = f.version_id JOIN documents d ON d.id = v.document_id WHERE d.dossier_id "
            "= :d AND f.format = 'pdf' ORDER BY f.id LIMIT 1"), {"d": dossier_id}).one()
    return row[0], row[1], row[2]


def test_a_clean_archive_verifies_and_its_chain_head_is_checkpointed_outside_the_database(
        archive: Archive) -> None:
    submitted_dossier(archive, "son-la")
    report = archive.verify()
    assert report.clean, report.findings
    assert report.findings == [] and report.checked == 7  # content + 3 DOCX + 3 PDF
    checkpoint = json.loads((archive.data_dir / "blobs" / "integrity" / "checkpoint.json")
                            .read_text())
    with archive.engine.connect() as connection:
        seq, sha = connection.execute(text(
            "SELECT seq, sha256 FROM integrity_chain ORDER BY seq DESC LIMIT 1")).one()
    assert checkpoint == {"seq": seq, "sha256": sha}
    assert "integrity" not in set(BlobStore(archive.data_dir / "blobs").names())


def test_a_status_set_with_sql_is_refused_and_with_the_trigger_dropped_verify_names_it(
        archive: Archive) -> None:
    dossier_id, _ = submitted_dossier(archive, "son-la")
    with pytest.raises(DBAPIError, match="only through the workflow"):
        sql(archive, "UPDATE dossiers SET status = 'approved' WHERE id = :d", d=dossier_id)
    with pytest.raises(DBAPIError, match="never change"):
        sql(archive, "UPDATE dossiers SET agency = 'phu-yen' WHERE id = :d", d=dossier_id)
    with pytest.raises(DBAPIError, match="DELETE on dossiers"):
        sql(archive, "DELETE FROM dossiers WHERE id = :d", d=dossier_id)
    assert archive.verify().clean

    drop_trigger(archive, "dossiers_status_by_workflow", "dossiers_guard", "dossiers")
    sql(archive, "UPDATE dossiers SET status = 'approved' WHERE id = :d", d=dossier_id)
    report = archive.verify()
    assert not report.clean
    assert (f"Hồ sơ số {dossier_id} đang ở trạng thái “đã duyệt” nhưng nhật ký ghi “đã trình”: "
            "trạng thái đã bị sửa ngoài quy trình.") in report.findings
    missing = "dossiers_status_by_workflow" if archive.dialect == "sqlite" else "dossiers_guard"
    assert (f"Thiếu trigger bảo vệ {missing}: ai đó đã gỡ bỏ nó, dữ liệu có thể đã bị sửa "
            "trực tiếp trong cơ sở dữ liệu.") in report.findings


def test_a_file_row_repointed_at_another_agencys_blob_is_found(archive: Archive) -> None:
    mine, _ = submitted_dossier(archive, "son-la")
    theirs, _ = submitted_dossier(archive, "phu-yen")
    row_id, version_id, _ = pdf_file_row(archive, mine)
    _, _, other_sha = pdf_file_row(archive, theirs)
    with pytest.raises(DBAPIError, match="append-only"):
        sql(archive, "UPDATE version_files SET sha256 = :s WHERE id = :i", s=other_sha, i=row_id)

    drop_trigger(archive, "version_files_no_update", "version_files_append_only", "version_files")
    sql(archive, "UPDATE version_files SET sha256 = :s WHERE id = :i", s=other_sha, i=row_id)
    report = archive.verify()
    assert (f"Dòng tệp số {row_id} (version_files) đã bị sửa sau khi ghi — phiên bản "
            f"{version_id}, tệp pdf, nay trỏ tới {other_sha[:12]}… (không khớp chuỗi băm).") \
        in report.findings
    # The repointed row does not serve the other agency's PDF.
    with pytest.raises(CorruptBlobError, match="dòng tệp trong cơ sở dữ liệu đã bị sửa"):
        archive.read_file(archive.get_version(version_id), "pdf")
    # Phù Yên's lưu trữ sees its own files intact and one sign elsewhere, unnamed.
    scoped = archive.verify("phu-yen")
    assert scoped.findings == [] and scoped.elsewhere >= 1 and not scoped.clean
    assert scoped.checked == 7


def test_deleted_audit_rows_and_a_cut_chain_are_found(archive: Archive) -> None:
    dossier_id, actor = submitted_dossier(archive, "son-la")
    archive.record(actor, "download", "version", 1, dossier_id=dossier_id, format="pdf")
    assert archive.verify().clean  # checkpoints the head
    with archive.engine.connect() as connection:
        downloads = [r[0] for r in connection.execute(text(
            "SELECT id FROM audit_log WHERE action = 'download'"))]
    with pytest.raises(DBAPIError, match="append-only"):
        sql(archive, "DELETE FROM audit_log WHERE id = :i", i=downloads[0])

    drop_trigger(archive, "audit_log_no_delete", "audit_log_append_only", "audit_log")
    sql(archive, "DELETE FROM audit_log WHERE id = :i", i=downloads[0])
    report = archive.verify()
    assert (f"Dòng nhật ký số {downloads[0]} đã bị xóa khỏi cơ sở dữ liệu (chuỗi băm vẫn ghi "
            "nó).") in report.findings

    # Removing the chain's entries too (its tail) is caught by the checkpoint.
    drop_trigger(archive, "integrity_chain_no_delete", "integrity_chain_append_only",
                 "integrity_chain")
    with archive.engine.connect() as connection:
        last = connection.execute(text("SELECT max(seq) FROM integrity_chain")).scalar_one()
    sql(archive, "DELETE FROM integrity_chain WHERE seq >= :s", s=last - 1)
    cut = archive.verify()
    assert any(line.startswith(f"Chuỗi băm ngắn hơn điểm kiểm tra lưu ngoài cơ sở dữ liệu "
                               f"(mục {last}, có {last - 2} mục)") for line in cut.findings)


def test_a_row_inserted_with_sql_is_not_in_the_chain(archive: Archive) -> None:
    dossier_id, _ = submitted_dossier(archive, "son-la")
    sql(archive, "INSERT INTO audit_log (at, actor, agency, action, object_type, object_id, "
        "dossier_id, detail) VALUES ('2025-12-16 08:00:00', 'x', 'son-la', 'approve', "
        "'dossier', :d, :d, '{}')", d=dossier_id)
    report = archive.verify()
    assert any(line.endswith("không có trong chuỗi băm: được ghi thẳng vào cơ sở dữ liệu, "
                             "không qua docgen.") for line in report.findings)


def test_a_full_disk_during_verify_is_a_storage_full_error(
        archive: Archive, monkeypatch: pytest.MonkeyPatch) -> None:
    submitted_dossier(archive, "son-la")

    def full(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(BlobStore, "check", full)
    with pytest.raises(StorageFullError, match="ổ đĩa đã đầy"):
        archive.verify()

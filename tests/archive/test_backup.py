"""`docgen archive backup` while the archive is written to, and `restore` into a new
deployment: verify clean, every version byte-identical; SQLite and PostgreSQL, both ways."""

from __future__ import annotations

import json
import subprocess
import threading
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from service import OPERATOR, Database, database, ensure_agency
from typer.testing import CliRunner
from versions import KINDS, make_dossier, new_version

from docgen.archive.backup import backup, restore
from docgen.archive.database import head_revision
from docgen.archive.errors import BackupError, DamagedBackupError
from docgen.archive.store import Actor, Archive
from docgen.interfaces.cli import app

runner = CliRunner()


@pytest.fixture
def databases(request: pytest.FixtureRequest) -> Iterator[tuple[Database, Database]]:
    source, target = request.param
    with ExitStack() as stack:
        yield stack.enter_context(database(source)), stack.enter_context(database(target))


def fill(archive: Archive, rounds: int = 2) -> Actor:
    ensure_agency(archive, "son-la")
    user, _ = archive.add_user(OPERATOR, name="Chuyên viên", agency="son-la", role="chuyen_vien")
    actor = Actor.of(user)
    for n in range(rounds):
        dossier_id = make_dossier(archive, actor, content=f'{{"n":{n}}}'.encode())
        archive.store_versions(actor, dossier_id,
                               [new_version(kind, f"{n} {kind}".encode()) for kind in KINDS],
                               allowed=["draft"], action="render")
        archive.transition(actor, dossier_id, allowed=["draft"], to="submitted", action="submit")
    return actor


def files_of(archive: Archive) -> dict[tuple[int, str], bytes]:
    return {(record.version.id, item.format): archive.read_file(record, item.format)[1]
            for record in archive.all_versions() for item in record.files}


@pytest.mark.parametrize("databases", [("sqlite", "sqlite"), ("postgresql", "postgresql"),
                                       ("sqlite", "postgresql"), ("postgresql", "sqlite")],
                         indirect=True, ids=lambda pair: "-to-".join(pair))
def test_a_backup_taken_while_writing_restores_clean_and_byte_identical(
        databases: tuple[Database, Database], tmp_path: Path) -> None:
    source_db, target_db = databases
    source = source_db.open(tmp_path / "data")
    actor = fill(source)
    stop, written = threading.Event(), []

    def writer() -> None:  # the service keeps working during the backup
        while not stop.is_set():
            dossier_id = make_dossier(source, actor, content=f'{{"w":{len(written)}}}'.encode())
            source.store_versions(actor, dossier_id,
                                  [new_version("quyet_dinh", f"w{len(written)}".encode())],
                                  allowed=["draft"], action="render")
            written.append(dossier_id)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 2:
            stop.wait(0.01)
        made = backup(source.engine, source.blobs, tmp_path / "bundle")
    finally:
        stop.set()
        thread.join(timeout=60)
    before = files_of(source)
    source.close()

    restore(tmp_path / "bundle", tmp_path / "restored", target_db.url, schema=target_db.schema)
    restored = Archive(tmp_path / "restored", target_db.url, schema=target_db.schema)
    try:
        report = restored.verify()
        assert report.clean, (report.problems, report.findings)
        assert report.checked == made.blobs
        after = files_of(restored)
        assert len(after) == 2 * made.tables["versions"] >= 2 * (2 * len(KINDS) + 2)
        assert all(before[key] == data for key, data in after.items())
        assert restored.list_dossiers(None, limit=100, offset=0)[1] == made.tables["dossiers"]
        # The restored deployment keeps working: new ids follow the restored ones.
        dossier_id = make_dossier(restored, actor)
        assert dossier_id == made.tables["dossiers"] + 1
        assert restored.verify().clean
    finally:
        restored.close()


@pytest.mark.parametrize("databases", [("sqlite", "postgresql"), ("postgresql", "sqlite")],
                         indirect=True, ids=lambda pair: "-to-".join(pair))
def test_agency_template_sets_are_carried_by_backup_and_restore(
        databases: tuple[Database, Database], tmp_path: Path) -> None:
    source_db, target_db = databases
    source = source_db.open(tmp_path / "data")
    actor = fill(source, rounds=1)
    first = source.add_template_set(actor, "son-la", {"bao_cao.docx": b"PK report v1"})
    source.add_template_set(actor, "son-la", {"bao_cao.docx": b"PK report v2",
                                              "phu_luc.docx": b"PK appendix v2"})
    source.activate_template_set(actor, "son-la", 1)
    made = backup(source.engine, source.blobs, tmp_path / "bundle")
    source.close()
    assert made.tables["template_sets"] == 2

    restore(tmp_path / "bundle", tmp_path / "restored", target_db.url, schema=target_db.schema)
    restored = Archive(tmp_path / "restored", target_db.url, schema=target_db.schema)
    try:
        report = restored.verify()
        assert report.clean, (report.problems, report.findings)
        items, active = restored.list_template_sets("son-la")
        assert [(i.version, i.sha256) for i in items][1] == (1, first.sha256)
        assert active == first.id
        assert restored.read_template_file(items[0], "phu_luc.docx") == b"PK appendix v2"
        # Numbering goes on after the restored versions.
        assert restored.add_template_set(actor, "son-la", {"bao_cao.docx": b"PK v3"}).version == 3
        assert restored.verify().clean
    finally:
        restored.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest) -> Iterator[Database]:
    with database(request.param) as found:
        yield found


def test_a_damaged_bundle_is_refused_before_anything_is_written(db: Database,
                                                                tmp_path: Path) -> None:
    source = db.open(tmp_path / "data")
    fill(source, rounds=1)
    made = backup(source.engine, source.blobs, tmp_path / "bundle")
    source.close()
    assert made.chain is not None and made.chain["seq"] > 0
    blob = next((tmp_path / "bundle" / "blobs").glob("*/*"))
    blob.write_bytes(blob.read_bytes() + b"!")
    with pytest.raises(DamagedBackupError, match=f"blobs/{blob.parent.name}/{blob.name}: mã "
                                                 "băm SHA-256 không khớp"):
        restore(tmp_path / "bundle", tmp_path / "restored")
    checked = runner.invoke(app, ["archive", "restore", str(tmp_path / "bundle"), "--check"])
    assert checked.exit_code == 5
    assert f"HỎNG: blobs/{blob.parent.name}/{blob.name}: mã băm SHA-256 không khớp" \
        in checked.stdout
    assert not (tmp_path / "restored").exists()
    with pytest.raises(BackupError, match="đã có nội dung"):
        backup(source.engine, source.blobs, tmp_path / "bundle")


def test_backup_and_restore_from_the_command_line(db: Database, tmp_path: Path) -> None:
    source = db.open(tmp_path / "data")
    fill(source, rounds=1)
    source.close()
    database_option = ["--database", db.cli_url] if db.cli_url else []
    done = runner.invoke(app, ["archive", "backup", str(tmp_path / "bundle"), "--data",
                               str(tmp_path / "data"), *database_option], env=db.cli_env)
    assert done.exit_code == 0, done.output
    assert done.stdout.startswith(
        f"Đã sao lưu vào {tmp_path / 'bundle'}: lược đồ {head_revision()}")
    manifest = json.loads((tmp_path / "bundle" / "manifest.json").read_text())
    assert manifest["dialect"] == db.name and manifest["blobs"] == 7
    intact = runner.invoke(app, ["archive", "restore", str(tmp_path / "bundle"), "--check"])
    assert intact.exit_code == 0 and intact.stdout.rstrip().endswith("nguyên vẹn.")
    checked = subprocess.run(["sha256sum", "--quiet", "-c", "SHA256SUMS"],
                             cwd=tmp_path / "bundle", capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr

    with database(db.name) as target:
        target_option = ["--database", target.cli_url] if target.cli_url else []
        back = runner.invoke(app, ["archive", "restore", str(tmp_path / "bundle"), "--data",
                                   str(tmp_path / "new"), *target_option], env=target.cli_env)
        assert back.exit_code == 0, back.output
        assert "Kho lưu trữ nguyên vẹn." in back.stdout
        again = runner.invoke(app, ["archive", "restore", str(tmp_path / "bundle"), "--data",
                                    str(tmp_path / "new"), *target_option], env=target.cli_env)
        assert again.exit_code == 2
        assert "thư mục dữ liệu mới phải trống" in again.stderr

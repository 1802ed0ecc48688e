"""`docgen archive verify [--agency CODE]` and `POST /archive/verify`: one agency checks
only its own files; a full disk is one clear line (exit 11, HTTP 507), never a traceback."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

import httpx
import pytest
from service import OPERATOR, Clock, LiveServer, add_users, ensure_agency, prepare_archive
from sqlalchemy.exc import OperationalError
from typer.testing import CliRunner
from versions import KINDS, make_dossier, new_version

from docgen.archive.blobs import BlobStore
from docgen.archive.store import Actor, Archive
from docgen.interfaces.cli import app

runner = CliRunner()


def fill(archive: Archive, agency: str) -> None:
    ensure_agency(archive, agency)
    user, _ = archive.add_user(OPERATOR, name=f"CV {agency}", agency=agency, role="chuyen_vien")
    actor = Actor.of(user)
    for n in range(2 if agency == "son-la" else 1):
        dossier_id = make_dossier(archive, actor, content=f'{{"{agency}":{n}}}'.encode())
        archive.store_versions(actor, dossier_id,
                               [new_version(k, f"{agency}{n}{k}".encode()) for k in KINDS],
                               allowed=["draft"], action="render")


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    prepare_archive(folder)
    archive = Archive(folder)
    fill(archive, "son-la")
    fill(archive, "phu-yen")
    archive.close()
    return folder


def test_one_agency_rehashes_only_its_own_files(data: Path) -> None:
    everything = runner.invoke(app, ["archive", "verify", "--data", str(data)])
    assert everything.exit_code == 0, everything.output
    assert everything.stdout.splitlines() == ["Đã kiểm tra 21 tệp và cơ sở dữ liệu.",
                                              "Kho lưu trữ nguyên vẹn."]
    mine = runner.invoke(app, ["archive", "verify", "--data", str(data), "--agency", "phu-yen"])
    assert mine.exit_code == 0, mine.output
    assert mine.stdout.splitlines()[0] == "Đã kiểm tra 7 tệp của cơ quan phu-yen và cơ sở dữ liệu."
    unknown = runner.invoke(app, ["archive", "verify", "--data", str(data), "--agency", "x"])
    assert unknown.exit_code == 2
    assert unknown.stderr.startswith("Lỗi: Không có cơ quan mã 'x'")


def test_a_full_disk_while_verifying_is_one_line_and_exit_11(
        data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def database_full(*_args: object, **_kwargs: object) -> None:
        raise OperationalError("INSERT INTO audit_log …", {},
                               sqlite3.OperationalError("database or disk is full"))

    monkeypatch.setattr(Archive, "record", database_full)
    done = runner.invoke(app, ["archive", "verify", "--data", str(data)])
    assert done.exit_code == 11
    assert done.exception is None or isinstance(done.exception, SystemExit)
    assert "Kho lưu trữ nguyên vẹn." in done.stdout  # the report was made and is printed
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith("Lỗi: Không ghi được vào kho lưu trữ: ổ đĩa đã đầy")
    assert "Traceback" not in done.output

    def disk_full(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(BlobStore, "check", disk_full)
    early = runner.invoke(app, ["archive", "verify", "--data", str(data)])
    assert early.exit_code == 11 and early.stdout == ""
    assert early.stderr.count("\n") == 1 and "ổ đĩa đã đầy" in early.stderr


def test_post_archive_verify_is_scoped_to_the_archivists_agency(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import date

    from docgen.interfaces.http import Settings, create_app

    data = tmp_path / "data"
    prepare_archive(data)
    app_ = create_app(Settings(data_dir=data, today=Clock(date(2025, 12, 16))))
    archive = app_.state.workflow.archive
    fill(archive, "son-la")
    fill(archive, "phu-yen")
    son_la, phu_yen = add_users(archive, "son-la"), add_users(archive, "phu-yen")
    with LiveServer(app_) as server, httpx.Client(base_url=server.url, timeout=60) as client:
        def verify(token: str) -> httpx.Response:
            return client.post("/archive/verify", headers={"Authorization": f"Bearer {token}"})

        assert verify(phu_yen["luu_tru"]).json() | {"unreferenced": []} == {
            "checked": 7, "clean": True, "agency": "phu-yen", "problems": [], "findings": [],
            "elsewhere": 0, "unreferenced": []}
        assert verify(son_la["luu_tru"]).json()["checked"] == 14
        admin = verify(son_la["quan_tri"]).json()
        assert (admin["checked"], admin["agency"], admin["clean"]) == (21, None, True)
        assert verify(son_la["van_thu"]).status_code == 403

        def disk_full(*_args: object, **_kwargs: object) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(BlobStore, "check", disk_full)
        full = verify(phu_yen["luu_tru"])
        assert full.status_code == 507
        assert full.json()["code"] == "storage_full"
        assert full.json()["message"].startswith("Không ghi được vào kho lưu trữ: ổ đĩa đã đầy")

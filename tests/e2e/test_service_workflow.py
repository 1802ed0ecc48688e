"""The whole workflow for the Sơn La 2025 dossier, through a real uvicorn server over HTTP.

Users are created with the real CLI (``docgen user add``), the server runs on a free
loopback port, every step is an HTTP request, and what is downloaded is checked against
the hashes the archive keeps (in its database and in the names of its blob files).
"""

from __future__ import annotations

import hashlib
import io
import os
import signal
import socket
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import httpx
import pytest
from extract import SON_LA, docx_first_page_header, docx_text, flat, pdf_pages, run_cli
from pki import kit, leader_signed
from pypdf import PdfReader
from service import Clock, LiveServer, bearer
from versions import make_dossier, new_version

from docgen.archive.store import Actor, Archive
from docgen.interfaces.http import Settings, create_app

pytestmark = pytest.mark.e2e
YAML = {"Content-Type": "application/yaml"}


def add_user(data: Path, role: str, name: str) -> str:
    """Create a user with the real CLI (and, the first time, its agency from the dossier)."""
    if run_cli("agency", "show", "ubnd-son-la", "--data", data).returncode != 0:
        assert run_cli("db", "upgrade", "--data", data).returncode == 0
        made = run_cli("agency", "add", "ubnd-son-la", "--data", data, "--name",
                       "Ủy ban nhân dân tỉnh Sơn La", "--from-dossier", SON_LA)
        assert made.returncode == 0, made.stderr
    done = run_cli("user", "add", "--data", data, "--agency", "ubnd-son-la", "--role", role,
                   "--name", name)
    assert done.returncode == 0, done.stderr
    assert "chỉ hiển thị một lần" in done.stderr
    return done.stdout.strip()


def sign(pdf: bytes) -> bytes:
    """The leader's signing tool: pyHanko fills the decision's ô 7c field (test CA)."""
    return leader_signed(pdf)


def test_son_la_2025_from_draft_to_archive_over_http(tmp_path: Path) -> None:
    data = tmp_path / "data"
    tokens = {role: add_user(data, role, name) for role, name in [
        ("chuyen_vien", "Phạm Thị Soạn"), ("lanh_dao", "Nguyễn Thành Công"),
        ("van_thu", "Lò Văn Thư"), ("luu_tru", "Cầm Thị Lưu")]}
    app = create_app(Settings(data_dir=data, today=Clock(date(2025, 12, 16)),
                              signing_trust_dir=kit().trust_dir))
    with LiveServer(app) as server:
        def client(role: str) -> httpx.Client:
            return httpx.Client(base_url=server.url, headers=bearer(tokens[role]), timeout=120)

        with client("chuyen_vien") as drafter:
            dossier = drafter.post("/dossiers", content=SON_LA.read_bytes(), headers=YAML)
            assert dossier.status_code == 201, dossier.text
            dossier_id = dossier.json()["id"]
            drafts = drafter.post(f"/dossiers/{dossier_id}/render").json()
            assert [(v["kind"], v["seq"], v["status"]) for v in drafts] == [
                ("quyet_dinh", 1, "draft"), ("bao_cao", 1, "draft"), ("phu_luc", 1, "draft")]
            draft_pdf = drafter.get(drafts[0]["files"][1]["url"]).content
            assert "DỰ THẢO" in pdf_pages(draft_pdf)[0]
            corrected = SON_LA.read_bytes().replace("Sở Xây dựng".encode(),
                                                    "Sở Xây dựng và Kiến trúc".encode())
            assert drafter.put(f"/dossiers/{dossier_id}", content=corrected,
                               headers=YAML).status_code == 200
            second = drafter.post(f"/dossiers/{dossier_id}/render").json()
            assert drafter.post(f"/dossiers/{dossier_id}/submit").json()["status"] == "submitted"

        with client("lanh_dao") as leader:
            diff = leader.get(f"/versions/{drafts[2]['id']}/diff/{second[2]['id']}").json()
            assert any("Kiến trúc" in line for line in diff["diff"] if line.startswith("+"))
            assert leader.post(f"/dossiers/{dossier_id}/approve").json()["status"] == "approved"

        with client("van_thu") as clerk:
            issued = clerk.post(f"/dossiers/{dossier_id}/issue")
            assert issued.status_code == 200, issued.text
            finals = issued.json()
            downloads = {(v["kind"], f["format"]): clerk.get(f["url"])
                         for v in finals for f in v["files"]}
            decision_pdf = downloads[("quyet_dinh", "pdf")].content
            signed = clerk.post(f"/dossiers/{dossier_id}/signed", content=sign(decision_pdf),
                                headers={"Content-Type": "application/pdf"})
            assert signed.status_code == 201, signed.text
            signed_bytes = clerk.get(signed.json()["files"][0]["url"]).content

        with client("luu_tru") as archivist:
            assert archivist.post(f"/dossiers/{dossier_id}/archive").json()["status"] == "archived"
            audit = archivist.get(f"/dossiers/{dossier_id}/audit", params={"limit": 100}).json()
            report = archivist.post("/archive/verify").json()

    # The issued documents: numbered, dated, without the draft mark.
    assert {(v["status"], v["metadata"]["code_number"], v["metadata"]["issued_date"])
            for v in finals} == {("final", "01", "2025-12-16")}
    first_page = flat(pdf_pages(decision_pdf)[0])
    assert "Số: 01/QĐ-UBND" in first_page and "Sơn La, ngày 16 tháng 12 năm 2025" in first_page
    assert "DỰ THẢO" not in first_page
    decision_docx = downloads[("quyet_dinh", "docx")].content
    assert "Số: 01/QĐ-UBND" in docx_text(decision_docx)
    assert "DỰ THẢO" not in docx_first_page_header(decision_docx)
    appendix = " ".join(pdf_pages(downloads[("phu_luc", "pdf")].content))
    assert "Sở Xây dựng và Kiến trúc" in flat(appendix)
    assert finals[0]["metadata"]["page_amount"] == len(PdfReader(io.BytesIO(decision_pdf)).pages)

    # Every downloaded byte matches the archive's own record of it.
    archive = Archive(data)
    try:
        for version in finals:
            record = archive.get_version(version["id"])
            for item in record.files:
                body = downloads[(version["kind"], item.format)]
                digest = hashlib.sha256(body.content).hexdigest()
                assert digest == item.sha256 == body.headers["x-content-sha256"]
                assert len(body.content) == item.size
                assert (data / "blobs" / digest[:2] / digest[2:]).read_bytes() == body.content
        signed_record = archive.get_version(signed.json()["id"])
        assert signed_record.version.status == "signed"
        assert hashlib.sha256(signed_bytes).hexdigest() == signed_record.file("pdf").sha256
        assert signed_bytes.startswith(decision_pdf)
        assert "Nguyễn Thành Công đã kiểm tra" in signed_record.version.note
        [leader] = signed.json()["signatures"]
        assert leader["accepted"] and all(check["ok"] for check in leader["checks"])
        assert archive.get_dossier(dossier_id).status == "archived"
    finally:
        archive.close()

    actions = [entry["action"] for entry in audit["items"]]
    assert actions[:2] == ["dossier_create", "render"] and actions[-1] == "archive"
    assert {"submit", "approve", "number_allocate", "issue", "download",
            "upload_signed"} <= set(actions)
    assert report["clean"] is True and report["checked"] >= 19

    # The operator's commands see the same archive.
    verified = run_cli("archive", "verify", "--data", data)
    assert verified.returncode == 0 and "Kho lưu trữ nguyên vẹn." in verified.stdout
    got = run_cli("archive", "get", str(finals[0]["id"]), "--format", "pdf", "-o",
                  tmp_path / "qd.pdf", "--data", data)
    assert got.returncode == 0, got.stderr
    assert (tmp_path / "qd.pdf").read_bytes() == decision_pdf
    listing = run_cli("archive", "list", "--data", data)
    assert f"{finals[0]['id']}\t{dossier_id}\tubnd-son-la\tquyet_dinh\t3\tfinal\t01/QĐ-UBND" \
        in listing.stdout


def test_docgen_serve_answers_on_loopback_and_the_cli_flags_a_damaged_archive(
        tmp_path: Path) -> None:
    data = tmp_path / "data"
    token = add_user(data, "luu_tru", "Cầm Thị Lưu")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "docgen.interfaces.cli", "serve", "--data",
                               str(data), "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ))
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                me = httpx.get(f"http://127.0.0.1:{port}/me", headers=bearer(token), timeout=5)
                break
            except httpx.ConnectError:
                assert server.poll() is None and time.monotonic() < deadline, "no server"
                time.sleep(0.1)
        assert me.status_code == 200
        assert me.json()["role_name"] == "lưu trữ"
    finally:
        server.send_signal(signal.SIGINT)
        server.communicate(timeout=30)

    archive = Archive(data)
    user, _ = archive.add_user(Actor("test", "-"), name="x", agency="ubnd-son-la",
                               role="chuyen_vien")
    dossier_id = make_dossier(archive, Actor.of(user))
    record = archive.store_versions(Actor.of(user), dossier_id, [new_version("quyet_dinh", b"1")],
                                    allowed=["draft"], action="render")[0]
    archive.close()
    damaged = record.file("pdf").sha256
    (data / "blobs" / damaged[:2] / damaged[2:]).write_bytes(b"%PDF-altered")
    verified = run_cli("archive", "verify", "--data", data)
    assert verified.returncode == 5
    assert f"HỎNG {damaged}: kích thước không khớp" in verified.stdout
    got = run_cli("archive", "get", str(record.version.id), "--data", data, "-o", tmp_path)
    assert got.returncode == 5 and "bị hỏng" in got.stderr
    assert not list(tmp_path.glob("*.pdf"))

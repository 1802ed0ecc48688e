"""`docgen agency …` and `docgen user …` through typer's test runner, on a fresh archive."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from docgen.archive.store import Archive
from docgen.interfaces.cli import app
from docgen.workflow.service import Workflow

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
PASSWORD = "mật khẩu quản trị 2025"

runner = CliRunner()


def run(data: Path, *args: str, input: str | None = None):  # noqa: A002  (typer's name)
    return runner.invoke(app, [*args, "--data", str(data)], input=input)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    assert run(folder, "db", "upgrade").exit_code == 0
    done = run(folder, "agency", "add", "ubnd-son-la", "--name", "Ủy ban nhân dân tỉnh Sơn La",
               "--from-dossier", str(FIXTURES / "son-la-2025.yaml"))
    assert done.exit_code == 0, done.output
    assert done.stdout == "Đã tạo cơ quan ubnd-son-la: Ủy ban nhân dân tỉnh Sơn La.\n"
    return folder


def test_an_agency_is_added_from_a_dossier_and_shown_and_listed(data: Path) -> None:
    shown = run(data, "agency", "show", "ubnd-son-la")
    assert shown.exit_code == 0
    assert shown.stdout.splitlines() == [
        "Mã: ubnd-son-la", "Tên đầy đủ: Ủy ban nhân dân tỉnh Sơn La", "Cơ quan chủ quản: -",
        "Cơ quan ban hành: ỦY BAN NHÂN DÂN / TỈNH SƠN LA", "Địa danh: Sơn La", "Viết tắt: UBND",
        "Thẩm quyền: CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH",
        "Tên thẩm quyền: Chủ tịch Ủy ban nhân dân tỉnh"]
    added = run(data, "agency", "add", "snv-son-la", "--name", "Sở Nội vụ tỉnh Sơn La",
                "--parent", "UBND TỈNH SƠN LA", "--issuer", "SỞ NỘI VỤ", "--place", "Sơn La",
                "--abbreviation", "SNV", "--authority", "GIÁM ĐỐC SỞ NỘI VỤ",
                "--authority-name", "Giám đốc Sở Nội vụ")
    assert added.exit_code == 0, added.output
    listed = run(data, "agency", "list")
    assert listed.stdout.splitlines() == [
        "mã\ttên đầy đủ\tcơ quan ban hành",
        "snv-son-la\tSở Nội vụ tỉnh Sơn La\tSỞ NỘI VỤ",
        "ubnd-son-la\tỦy ban nhân dân tỉnh Sơn La\tỦY BAN NHÂN DÂN TỈNH SƠN LA"]


def test_bad_agencies_are_refused_with_every_problem_and_exit_2(data: Path) -> None:
    again = run(data, "agency", "add", "ubnd-son-la", "--name", "Trùng")
    assert (again.exit_code, again.stderr) == (2, "Lỗi: Đã có cơ quan mã 'ubnd-son-la'.\n")
    bad = run(data, "agency", "add", "UBND Sơn La", "--name", "X", "--place", "Sơn La",
              "--abbreviation", "ubnd")
    assert bad.exit_code == 2
    lines = bad.stderr.splitlines()
    assert lines[0] == ("Lỗi: cơ quan: mã cơ quan: cần chữ thường không dấu, số và dấu gạch "
                        "ngang, ví dụ ubnd-son-la; nhận được 'UBND Sơn La'")
    assert any("cơ quan ban hành: cần điền đủ thông tin ban hành" in line for line in lines)
    assert lines[-1].startswith("Lỗi: cơ quan: viết tắt: cần chữ viết tắt bắt đầu bằng chữ in "
                                "hoa")
    missing = run(data, "agency", "show", "khong-co")
    assert missing.exit_code == 2 and "Không có cơ quan mã 'khong-co'" in missing.stderr
    assert "Traceback" not in bad.output + missing.output


def test_the_first_quan_tri_is_created_with_a_password_from_stdin(data: Path) -> None:
    done = run(data, "user", "add", "--agency", "ubnd-son-la", "--role", "quan_tri", "--name",
               "Quản trị hệ thống", "--username", "Quan-Tri", "--password-stdin",
               input=PASSWORD + "\n")
    assert done.exit_code == 0, done.output
    token = done.stdout.strip()
    assert len(token) >= 40 and "\n" not in token
    assert done.stderr.startswith("Đã tạo người dùng số 1: Quản trị hệ thống, quản trị, cơ "
                                  "quan ubnd-son-la, đăng nhập quan-tri. Mã truy cập chỉ "
                                  "hiển thị một lần:")
    archive = Archive(data)
    try:
        workflow = Workflow(archive)
        user = workflow.sign_in("quan-tri", PASSWORD, "test")
        assert user.role == "quan_tri" and archive.user_for_token(token).id == user.id
        entries, _ = archive.audit_entries(limit=10, offset=0)
        assert [(e.actor, e.action) for e in entries][-2:] == [
            ("dòng lệnh", "user_add"), ("Quản trị hệ thống", "sign_in")]
    finally:
        archive.close()


def test_a_user_needs_an_existing_agency_and_a_good_password(data: Path) -> None:
    unknown = run(data, "user", "add", "--agency", "ubnd-son-lá", "--role", "chuyen_vien",
                  "--name", "A")
    assert unknown.exit_code == 2
    assert unknown.stderr.startswith("Lỗi: Không có cơ quan mã 'ubnd-son-lá'; hãy tạo trước")
    short = run(data, "user", "add", "--agency", "ubnd-son-la", "--role", "chuyen_vien",
                "--name", "A", "--username", "a1", "--password-stdin", input="ngắn\n")
    assert short.exit_code == 2
    assert short.stderr == ("Lỗi: người dùng: mật khẩu: cần mật khẩu cần ít nhất 10 ký tự "
                            "(nhận được 4)\n")
    no_name = run(data, "user", "add", "--agency", "ubnd-son-la", "--role", "chuyen_vien",
                  "--name", "A", "--password-stdin", input=PASSWORD + "\n")
    assert (no_name.exit_code, no_name.stderr) == (
        2, "Lỗi: --password-stdin cần --username (tên đăng nhập).\n")
    role = run(data, "user", "add", "--agency", "ubnd-son-la", "--role", "giam_doc", "--name", "A")
    assert role.exit_code == 2 and "--role: cần một trong chuyen_vien" in role.stderr
    assert run(data, "user", "list").stdout.splitlines() == [  # nothing was created
        "số\thọ tên\tvai trò\tcơ quan\ttên đăng nhập\ttrạng thái"]


def test_users_are_listed_disabled_enabled_given_a_new_token_and_password(data: Path) -> None:
    made = run(data, "user", "add", "--agency", "ubnd-son-la", "--role", "van_thu", "--name",
               "Lò Văn Thư")
    old_token = made.stdout.strip()
    assert run(data, "user", "list").stdout.splitlines() == [
        "số\thọ tên\tvai trò\tcơ quan\ttên đăng nhập\ttrạng thái",
        "1\tLò Văn Thư\tvăn thư\tubnd-son-la\t-\thoạt động"]
    disabled = run(data, "user", "disable", "1")
    assert disabled.stdout == ("Đã khóa người dùng số 1: Lò Văn Thư, văn thư, cơ quan "
                               "ubnd-son-la, đã khóa.\n")
    assert run(data, "user", "list").stdout.splitlines()[1].endswith("\tđã khóa")
    assert run(data, "user", "enable", "1").exit_code == 0
    rotated = run(data, "user", "rotate-token", "1")
    new_token = rotated.stdout.strip()
    assert rotated.exit_code == 0 and new_token != old_token
    set_password = run(data, "user", "set-password", "1", "--username", "vt-son-la",
                       input="mật khẩu văn thư 1\n")
    assert set_password.exit_code == 0, set_password.output
    by_name = run(data, "user", "disable", "vt-son-la")
    assert by_name.exit_code == 0
    archive = Archive(data)
    try:
        assert archive.user_for_token(old_token) is None
        assert archive.user_for_token(new_token) is None  # disabled again, by user name
        assert archive.user_by_username("vt-son-la").password_hash.startswith("$argon2id$")
    finally:
        archive.close()
    nobody = run(data, "user", "enable", "99")
    assert (nobody.exit_code, nobody.stderr) == (2, "Lỗi: Không tìm thấy người dùng số 99.\n")
    nameless = run(data, "user", "enable", "khong-ai")
    assert nameless.exit_code == 2 and "không có người dùng 'khong-ai'" in nameless.stderr

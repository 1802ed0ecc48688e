"""Every way docgen can fail to start is one Vietnamese line on stderr and its exit code
(README, "Exit codes"), never a traceback: through the real command line, in a
subprocess, as an IT officer would meet it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from service import PG_URL, database

pytestmark = pytest.mark.e2e

PG = PG_URL.removeprefix("postgresql+psycopg://")


def docgen(*args: str, cwd: Path, env: dict[str, str] | None = None,
           timeout: float = 120) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DOCGEN_")}
    done = subprocess.run([sys.executable, "-m", "docgen.interfaces.cli", *args], cwd=cwd,
                          env={**clean, **(env or {})}, capture_output=True, text=True,
                          timeout=timeout, check=False)
    return done


def one_line(done: subprocess.CompletedProcess[str], code: int) -> str:
    """The single error line of a failed run, after checking the exit code and that
    nothing else (no traceback) was printed."""
    assert done.returncode == code, (done.returncode, done.stdout, done.stderr)
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert lines[0].startswith("Lỗi: ")
    return lines[0]


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A TCP port that accepts connections and never answers (a hung database)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for sock in held:
        sock.close()
    server.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_database_url_with_an_unknown_scheme_says_what_to_write(tmp_path: Path) -> None:
    line = one_line(docgen("archive", "list", "--data", "d", "--database", "mysql://u@h/db",
                           cwd=tmp_path), 6)
    assert "'mysql://'" in line and "postgresql+psycopg://" in line
    assert not (tmp_path / "d").exists()  # nothing created


def test_postgres_and_postgresql_urls_are_accepted_as_aliases(tmp_path: Path) -> None:
    with database("postgresql") as db:
        made = docgen("db", "upgrade", "--data", "d", "--database", f"postgres://{PG}",
                      cwd=tmp_path, env={"DOCGEN_DATABASE_SCHEMA": str(db.schema)})
        assert made.returncode == 0, made.stderr
        for n, scheme in enumerate(("postgres", "postgresql")):
            done = docgen("archive", "list", "--data", f"d{n}", "--database",
                          f"{scheme}://{PG}", cwd=tmp_path,
                          env={"DOCGEN_DATABASE_SCHEMA": str(db.schema)})
            assert done.returncode == 0, done.stderr
            assert done.stdout.startswith("phiên bản\t")


def test_a_missing_database_is_named_with_the_command_that_creates_it(tmp_path: Path) -> None:
    url = PG_URL.rsplit("/", 1)[0] + "/khong_co_csdl_nay"
    with database("postgresql"):
        line = one_line(docgen("user", "list", "--data", "d", "--database", url,
                               cwd=tmp_path), 7)
    assert "'khong_co_csdl_nay' không có trên máy chủ" in line
    assert "createdb khong_co_csdl_nay" in line


def test_an_unreachable_database_is_one_line(tmp_path: Path) -> None:
    url = f"postgresql+psycopg://docgen@127.0.0.1:{free_port()}/docgen"
    line = one_line(docgen("archive", "verify", "--data", "d", "--database", url,
                           cwd=tmp_path), 7)
    assert "không nhận kết nối" in line


def test_serve_with_a_silent_database_stops_after_the_connect_timeout(
        tmp_path: Path, silent_server: int) -> None:
    url = f"postgresql+psycopg://docgen@127.0.0.1:{silent_server}/docgen"
    done = docgen("serve", "--data", "d", "--database", url, "--port", str(free_port()),
                  cwd=tmp_path, env={"DOCGEN_DATABASE_CONNECT_TIMEOUT": "2"}, timeout=60)
    line = one_line(done, 7)
    assert "không trả lời sau 2 giây (database_connect_timeout)" in line


def test_a_data_folder_refuses_another_database_than_its_own(tmp_path: Path) -> None:
    with database("postgresql") as db:
        env = {"DOCGEN_DATABASE_SCHEMA": str(db.schema)}
        made = docgen("db", "upgrade", "--data", "d", "--database", PG_URL, cwd=tmp_path, env=env)
        assert made.returncode == 0, made.stderr
        first = docgen("agency", "add", "ubnd-son-la", "--name", "UBND tỉnh Sơn La",
                       "--data", "d", "--database", PG_URL, cwd=tmp_path, env=env)
        assert first.returncode == 0, first.stderr
        # The mistake of issue 14: the same folder without --database.
        line = one_line(docgen("user", "add", "--data", "d", "--agency", "ubnd-son-la",
                               "--role", "chuyen_vien", "--name", "A", cwd=tmp_path), 8)
    assert "thuộc cơ sở dữ liệu postgresql://" in line
    assert "sqlite" in line
    assert not (tmp_path / "d" / "archive.sqlite3").exists()  # no second archive begun


def test_an_unwritable_data_folder_is_exit_4(tmp_path: Path) -> None:
    (tmp_path / "tep").write_text("")
    line = one_line(docgen("archive", "list", "--data", "tep/d", cwd=tmp_path), 4)
    assert "không tạo hoặc ghi được thư mục dữ liệu tep/d" in line


def test_a_port_in_use_is_one_line_before_the_archive_is_opened(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        line = one_line(docgen("serve", "--data", "d", "--port", str(port), cwd=tmp_path), 10)
    assert f"127.0.0.1:{port}: cổng đang được một chương trình khác dùng" in line
    assert not (tmp_path / "d").exists()


def test_a_settings_file_with_an_unknown_key_or_a_wrong_type_is_exit_6(tmp_path: Path) -> None:
    (tmp_path / "docgen.toml").write_text('databse_url = "sqlite:///x"\n', encoding="utf-8")
    line = one_line(docgen("archive", "list", cwd=tmp_path), 6)
    assert "khóa 'databse_url' không phải một thiết lập" in line and "database_url" in line
    (tmp_path / "other.toml").write_text('port = "tám nghìn"\n', encoding="utf-8")
    line = one_line(docgen("--config", "other.toml", "serve", cwd=tmp_path), 6)
    assert "khóa 'port': cần một số nguyên, nhận được 'tám nghìn'" in line
    line = one_line(docgen("archive", "list", cwd=tmp_path,
                           env={"DOCGEN_CONFIG": "khong-co.toml"}), 6)
    assert "không tìm thấy tệp cấu hình khong-co.toml" in line


def test_a_trusted_proxy_that_is_no_address_is_exit_6(tmp_path: Path) -> None:
    line = one_line(docgen("serve", "--trusted-proxy", "nginx-cua-so", cwd=tmp_path), 6)
    assert "'nginx-cua-so' không phải địa chỉ IP hoặc mạng" in line
    line = one_line(docgen("serve", cwd=tmp_path,
                           env={"DOCGEN_TRUSTED_PROXIES": "127.0.0.1, 10.0.0/33"}), 6)
    assert "'10.0.0/33' không phải địa chỉ IP hoặc mạng" in line
    assert not (tmp_path / "data").exists()  # refused before anything was created

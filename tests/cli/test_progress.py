"""Long commands show their steps on stderr at a terminal or with --progress, then a
summary; without either (a pipe, a cron job) they stay quiet."""

from __future__ import annotations

import io
import re
from pathlib import Path

from typer.testing import CliRunner

from docgen.archive.store import Archive
from docgen.interfaces.cli import app
from docgen.interfaces.cli.progress import Progress

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
runner = CliRunner()


def test_render_with_progress_prints_every_step_and_a_summary(tmp_path: Path) -> None:
    done = runner.invoke(app, ["render", str(FIXTURES / "son-la-2025.yaml"), "-o",
                               str(tmp_path / "out"), "--format", "docx", "--progress"])
    assert done.exit_code == 0, done.output
    steps = [re.sub(r" · [\d,]+ s\]", "]", line) for line in done.stderr.splitlines()]
    assert steps[:-1] == [
        f"[1/7] đọc và kiểm tra hồ sơ {FIXTURES / 'son-la-2025.yaml'}",
        "[2/7] tính kết quả 2 khối", "[3/7] dựng nội dung văn bản (dự thảo)",
        "[4/7] xuất Quyết định (quyet_dinh.docx)", "[5/7] xuất Báo cáo (bao_cao.docx)",
        "[6/7] xuất Phụ lục (phu_luc.docx)", f"[7/7] ghi 3 tệp vào {tmp_path / 'out'}"]
    assert re.fullmatch(r"Xong: 3 tệp, [\d.]+ KB, trong [\d,]+ giây\.", steps[-1])
    assert done.stdout.count("Đã ghi ") == 3


def test_without_a_terminal_or_the_option_nothing_is_printed_on_stderr(tmp_path: Path) -> None:
    done = runner.invoke(app, ["render", str(FIXTURES / "son-la-2025.yaml"), "-o",
                               str(tmp_path / "out"), "--format", "docx"])
    assert done.exit_code == 0 and done.stderr == ""


def test_archive_verify_counts_the_blobs_it_rehashes(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "data")
    with archive._writing() as session:  # three stored files, as versions would leave
        for n in range(3):
            archive._put_blob(session, f"tệp {n}".encode())
    archive.close()
    done = runner.invoke(app, ["archive", "verify", "--data", str(tmp_path / "data"),
                               "--progress"])
    assert done.exit_code == 0, done.output
    lines = [re.sub(r" · [\d,]+ s\]", "]", line) for line in done.stderr.splitlines()]
    assert lines[:-1] == ["[1/3 · 33 %] tệp đã băm lại", "[2/3 · 66 %] tệp đã băm lại",
                          "[3/3 · 100 %] tệp đã băm lại"]
    assert lines[-1].startswith("Xong: 3 tệp, 0 hỏng, trong ")


def test_counts_print_once_per_whole_percent() -> None:
    stream, ticks = io.StringIO(), iter(range(10_000))
    progress = Progress(True, 0, stream=stream, clock=lambda: float(next(ticks)))
    for done in range(1, 1001):
        progress.count(done, 1000, "tệp")
    lines = stream.getvalue().splitlines()
    assert len(lines) == 101  # 0 % to 100 %
    assert lines[1] == "[10/1000 · 1 % · 2,0 s] tệp" and lines[-1].startswith("[1000/1000 · 100 %")

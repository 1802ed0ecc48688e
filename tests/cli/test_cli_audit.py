"""``docgen audit`` through the real CLI: text and --json, exit codes."""

from __future__ import annotations

import json

from extract import run_cli

REPORT = "fixtures/audit/ha-tinh-2024-bao-cao.docx"
KEYS = {"quote", "location", "kind", "stated", "computed", "verdict", "reason"}


def test_json_lists_every_finding_with_the_agreed_keys_and_exits_1_on_a_mistake() -> None:
    done = run_cli("audit", REPORT, "--dossier", "fixtures/ha-tinh-2024.yaml", "--json")
    assert done.returncode == 1, done.stderr
    findings = json.loads(done.stdout)
    assert all(set(f) == KEYS for f in findings)
    assert {"quote": "1.000/1.043 phiếu, đạt 95,8%", "location": "đoạn 3",
            "kind": "phân số và phần trăm", "stated": "95,8%", "computed": "95,88%",
            "verdict": "sai", "reason": ""} in findings


def test_text_output_and_a_report_without_mistakes_exits_0(tmp_path) -> None:
    report = tmp_path / "dung.txt"
    report.write_text("- Tổng số phiếu thu về là 1.000/1.043 phiếu, đạt 95,88% số phiếu phát "
                      "ra.\n", encoding="utf-8")
    done = run_cli("audit", report)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"Kiểm tra {report} (không có hồ sơ: chỉ kiểm tra trong văn bản): 1 câu có số liệu — "
        "1 đúng, 0 sai, 0 không kiểm tra được",
        "[đúng] đoạn 1 · phân số và phần trăm: “1.000/1.043 phiếu, đạt 95,88%” — ghi 95,88%; "
        "tính được 95,88%"]


def test_a_missing_report_is_a_vietnamese_error_with_exit_2(tmp_path) -> None:
    done = run_cli("audit", tmp_path / "khong-co.docx")
    assert done.returncode == 2
    assert done.stderr.startswith(f"Lỗi: {tmp_path / 'khong-co.docx'}: tệp: cần một tệp báo cáo "
                                  "đọc được")
    assert "Traceback" not in done.stderr


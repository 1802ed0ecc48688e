"""``docgen sign verify`` through the real Typer app: text, --json, exit codes."""

from __future__ import annotations

import json

from pki import sign_pdf
from typer.testing import CliRunner

from docgen.interfaces.cli import app


def _files(tmp_path, pki, issued, who=None):
    signed = sign_pdf(issued["quyet_dinh"], who or pki.leader, [pki.root])
    (tmp_path / "ky.pdf").write_bytes(signed)
    (tmp_path / "ban-hanh.pdf").write_bytes(issued["quyet_dinh"])
    return str(tmp_path / "ky.pdf"), str(tmp_path / "ban-hanh.pdf")


def test_a_good_signature_exits_0_with_every_check(tmp_path, pki, issued):
    signed, original = _files(tmp_path, pki, issued)
    result = CliRunner().invoke(app, ["sign", "verify", signed, "--issued", original,
                                      "--trust", str(pki.trust_dir)])
    assert result.exit_code == 0, result.output
    assert "Người ký: Nguyễn Thành Công (UBND tỉnh Sơn La)" in result.output
    assert result.output.count("đạt: ") == 8 and "KHÔNG ĐẠT" not in result.output


def test_json_and_a_refusal_exit_1(tmp_path, pki, issued):
    signed, original = _files(tmp_path, pki, issued, who=pki.stranger)
    result = CliRunner().invoke(app, ["sign", "verify", signed, "--issued", original,
                                      "--trust", str(pki.trust_dir), "--json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["accepted"] is False and data["serial"] == format(1004, "X")
    assert [c["code"] for c in data["checks"] if not c["ok"]] == ["trusted"]
    assert "kiểm tra chữ ký số › chứng thư số thuộc CA tin cậy" in result.stderr
    allowed = CliRunner().invoke(app, ["sign", "verify", signed, "--issued", original,
                                       "--trust", str(pki.trust_dir), "--allow-untrusted"])
    assert allowed.exit_code == 0 and "không thuộc CA tin cậy" in allowed.output


def test_a_missing_file_exits_2(tmp_path, issued):
    (tmp_path / "ban-hanh.pdf").write_bytes(issued["quyet_dinh"])
    result = CliRunner().invoke(app, ["sign", "verify", str(tmp_path / "khong-co.pdf"),
                                      "--issued", str(tmp_path / "ban-hanh.pdf")])
    assert result.exit_code == 2
    assert "bản đã ký: cần một tệp PDF đọc được; nhận được không có tệp này" in result.stderr


def test_agency_seal_is_kept_with_its_real_size(tmp_path):
    from pki import seal_png

    data = str(tmp_path / "data")
    runner = CliRunner()
    assert runner.invoke(app, ["agency", "add", "ubnd-son-la", "--data", data, "--name",
                               "Ủy ban nhân dân tỉnh Sơn La"]).exit_code == 0
    (tmp_path / "dau.png").write_bytes(seal_png(38))
    result = runner.invoke(app, ["agency", "seal", "ubnd-son-la", str(tmp_path / "dau.png"),
                                 "--data", data])
    assert result.exit_code == 0, result.output
    assert "Đã cập nhật ảnh dấu của ubnd-son-la: 38 × 38 mm" in result.output
    (tmp_path / "sai.png").write_bytes(b"not a png")
    bad = runner.invoke(app, ["agency", "seal", "ubnd-son-la", str(tmp_path / "sai.png"),
                              "--data", data])
    assert bad.exit_code == 2 and "cần một tệp PNG" in bad.stderr

"""`docgen check` and `docgen schema` through typer's test runner."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from docgen.interfaces.cli import app

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"

runner = CliRunner()


def test_it_checks_the_son_la_dossier_and_prints_its_figures():
    result = runner.invoke(app, ["check", str(FIXTURES / "son-la-2025.yaml")])
    assert result.exit_code == 0, result.output
    assert "Hồ sơ hợp lệ: Chỉ số CCHC năm 2025, 2 khối." in result.output
    assert "điểm trung bình 90,82" in result.output
    assert "điểm trung bình 80,51" in result.output
    assert "08/15 (53,33%)" in result.output
    assert "  Mức XUẤT SẮC: 08/15 (53,33%)" in result.output.splitlines()
    assert "  Mức THẤP: 13/75 (17,33%)" in result.output.splitlines()
    assert "cao nhất 96,63 (Sở Xây dựng)" in result.output
    assert "Lỗi:" not in result.output


def test_it_checks_the_phu_yen_dossier_with_one_decimal_shares():
    result = runner.invoke(app, ["check", str(FIXTURES / "phu-yen-2022.yaml")])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "  Nhóm A: 00/27 (0%)" in lines
    assert "  Nhóm B: 04/27 (14,8%)" in lines
    assert ("điểm trung bình 57,9, cao nhất 77,14 (Tường Phù), thấp nhất 30 (Huy Tường)"
            in result.output)


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("- năm: 2025\n", "cần một bảng khóa–giá trị ở cấp cao nhất; nhận được list"),
        ("", "nhận được tệp rỗng"),
        ("năm: 2025\nđối tượng: a: b\n", "dòng 2, cột 13: cần YAML hợp lệ"),
    ],
)
def test_it_reports_a_bad_file_with_exit_code_2(tmp_path, content, fragment):
    path = tmp_path / "ho-so-loi.yaml"
    path.write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 2
    assert "Lỗi:" in result.output
    assert "ho-so-loi.yaml" in result.output
    assert fragment in result.output
    assert f"Lỗi: {path}:" in result.stderr
    assert "Hồ sơ hợp lệ" not in result.output


def test_it_prints_one_error_line_per_problem(tmp_path):
    text = (FIXTURES / "son-la-2025.yaml").read_text(encoding="utf-8")
    text = text.replace("xhh: 28.69}", "xhh: 31}", 1)
    text = text.replace("phiếu thu về: 1000", "phiếu thu về: 1100")
    path = tmp_path / "hai-loi.yaml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("Lỗi: ")]
    assert len(errors) == 2
    assert "'xhh': cần từ 0 đến 30; nhận được 31" in errors[0]
    assert "phiếu thu về: cần không quá số phiếu phát ra (1043); nhận được 1100" in errors[1]


def test_it_reports_a_missing_file_with_exit_code_2(tmp_path):
    result = runner.invoke(app, ["check", str(tmp_path / "khong-co.yaml")])
    assert result.exit_code == 2
    expected = "khong-co.yaml: tệp: cần một tệp hồ sơ có thật; nhận được không tìm thấy tệp"
    assert expected in result.output


def test_it_prints_the_dossier_json_schema():
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0, result.output
    schema = json.loads(result.stdout)
    assert {"decision", "blocks", "year", "scheme"} <= set(schema["properties"])
    assert "decision" in schema["required"]
    assert "blocks" in schema["required"]
    assert "survey" not in schema["required"]
    assert schema["properties"]["decision"]["x-vi"] == "quyết định"
    assert schema["properties"]["blocks"]["x-vi"] == "khối"

"""Numbers typed in the dossier's narrative are checked; --strict makes them errors."""

from __future__ import annotations

from pathlib import Path

from extract import ROOT, run_cli

from docgen.claims.facts import Facts
from docgen.claims.narrative import narrative_findings
from docgen.compute.results import compute_round
from docgen.model.loader import load_data, parse_text

SON_LA = ROOT / "fixtures" / "son-la-2025.yaml"
#: Khối sở of Sơn La 2025 by hand: 08 of 15 units are XUẤT SẮC, Sở Ngoại vụ is not the
#: lowest (Sở Văn hóa thể thao và Du lịch is, 82,62).
POINTS = """\
    - tiêu đề: Khối sở
      nội dung:
        - "Khối sở có 08/15 đơn vị đạt mức XUẤT SẮC, chiếm tỷ lệ 53,33%."
        - "Đơn vị đạt điểm thấp nhất là Sở Ngoại vụ."
"""


def _dossier_text() -> str:
    text = SON_LA.read_text(encoding="utf-8")
    anchor = "  nhận xét đánh giá:\n"
    assert anchor in text
    return text.replace(anchor, anchor + POINTS.replace("    - tiêu đề", "    - tiêu đề", 1), 1)


def test_a_wrong_number_in_the_narrative_is_found_and_a_right_one_is_not() -> None:
    dossier = load_data(parse_text(_dossier_text(), "d.yaml"), "d.yaml")
    findings = narrative_findings(dossier, Facts.of(dossier, compute_round(dossier)))
    wrong = [(f.location, f.quote, f.computed) for f in findings if f.verdict == "sai"]
    assert wrong == [("báo cáo › nhận xét đánh giá › mục thứ 1 › đoạn 2",
                      "thấp nhất là Sở Ngoại vụ.", "Sở Văn hóa thể thao và Du lịch")]
    right = {f.kind for f in findings if f.verdict == "đúng"}
    assert {"số đơn vị", "tỷ lệ", "phân số và phần trăm"} <= right


def test_check_warns_and_strict_refuses(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_text(_dossier_text(), encoding="utf-8")
    done = run_cli("check", path)
    assert done.returncode == 0, done.stderr
    assert (f"Cảnh báo: {path}: báo cáo › nhận xét đánh giá › mục thứ 1 › đoạn 2: “thấp nhất "
            "là Sở Ngoại vụ.”: ghi tổng điểm: Sở Ngoại vụ; tính được Sở Văn hóa thể thao và Du "
            "lịch") in done.stderr.splitlines()
    strict = run_cli("check", path, "--strict")
    assert strict.returncode == 2
    assert strict.stderr.splitlines() == [
        f"Lỗi: {path}: báo cáo › nhận xét đánh giá › mục thứ 1 › đoạn 2: cần số liệu đúng với "
        "dữ liệu: Sở Văn hóa thể thao và Du lịch; nhận được “thấp nhất là Sở Ngoại vụ.” "
        "(tổng điểm: Sở Ngoại vụ)"]
    out = tmp_path / "out"
    refused = run_cli("render", path, "-o", out, "--strict", "--format", "docx")
    assert refused.returncode == 2 and not out.exists()

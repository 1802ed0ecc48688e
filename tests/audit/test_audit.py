"""The audit of hand-made reports: planted mistakes found, correct statements not flagged,
and the Sơn La 2025 return rate printed as 95,6% found without any unit data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from docgen.audit import audit_report, summary_counts
from docgen.claims.statements import WRONG, Finding
from docgen.model.loader import load_dossier
from docgen.pipeline import render_package

ROOT = Path(__file__).resolve().parents[2]
REPORTS = ROOT / "fixtures" / "audit"
HA_TINH = ROOT / "fixtures" / "ha-tinh-2024.yaml"
PLANTED = json.loads((REPORTS / "planted.json").read_text(encoding="utf-8"))
SHARED = ROOT.parent / "shared" / "reference" / "son-la-2025_quyet-dinh-va-bao-cao.txt"


def _same(text: str) -> str:
    return " ".join(text.split())


def _explained(finding: Finding) -> bool:
    return any(_same(finding.quote).startswith(_same(q)) for p in PLANTED for q in p["quotes"])


@pytest.fixture(scope="module")
def dossier():
    return load_dossier(HA_TINH)


@pytest.mark.parametrize("kind", ["md", "txt", "docx", "pdf"])
def test_every_planted_mistake_is_found_and_no_correct_statement_is_flagged(
        dossier, kind: str) -> None:
    """Detection rate 12/12 and false alarms 0 in every format of the same report."""
    data = (REPORTS / f"ha-tinh-2024-bao-cao.{kind}").read_bytes()
    findings = audit_report(data, f"bao-cao.{kind}", dossier)
    wrong = [f for f in findings if f.verdict == WRONG]
    missed = [p["mistake"] for p in PLANTED
              if not any(_same(f.quote).startswith(_same(q)) for f in wrong for q in p["quotes"])]
    false_alarms = [f for f in wrong if not _explained(f)]
    assert missed == []
    assert false_alarms == []
    assert summary_counts(findings)["đúng"] >= 79  # the correct statements, read as correct


def test_the_planted_mistakes_give_the_computed_values(dossier) -> None:
    findings = audit_report((REPORTS / "ha-tinh-2024-bao-cao.md").read_bytes(), "r.md", dossier)
    by_quote = {f.quote: f for f in findings if f.verdict == WRONG}
    # 1.000 / 1.043 = 95,877… %; 8,665 rounds half-up to 8,67; Vũ Quang 75,18 is lowest
    assert by_quote["1.000/1.043 phiếu, đạt 95,8%"].computed == "95,88%"
    assert by_quote["điểm trung bình đạt 8,66/10 điểm"].computed == "8,67/10 điểm"
    assert by_quote["thấp nhất là Huyện Kỳ Anh (75,18 điểm)"].computed == \
        "Huyện Vũ Quang (75,18 điểm)"
    # 2/9, 3/9, 4/9 by largest remainder: 22,22 + 33,33 + 44,45 (22,23 was forced)
    assert by_quote["02/09 đơn vị chiếm tỷ lệ 22,23%"].computed == "22,22%"
    assert by_quote["Sở Tài chính: 85,42"].computed == "87,16"
    assert by_quote["4,61/6 điểm (75%"].computed == "76,83%"  # 4,61 / 6 = 76,833 %


def test_a_statement_about_last_year_is_not_checked(dossier) -> None:
    findings = audit_report((REPORTS / "ha-tinh-2024-bao-cao.md").read_bytes(), "r.md", dossier)
    last_year = [f for f in findings if "Hương Khê" in f.quote]
    assert last_year and {f.verdict for f in last_year} == {"không kiểm tra được"}
    assert all("năm 2023" in f.reason for f in last_year)


def test_the_son_la_return_rate_is_found_without_unit_data() -> None:
    """1.000 / 1.043 = 95,88 %, printed as 95,6 % in the published report."""
    data = (Path(__file__).parent / "data" / "son-la-2025-dieu-tra.txt").read_bytes()
    findings = audit_report(data, "son-la-2025.txt")
    wrong = [f for f in findings if f.verdict == WRONG]
    assert [(f.quote, f.stated, f.computed) for f in wrong] == [
        ("1.000/1.043 phiếu, đạt 95,6%", "95,6%", "95,88%")]
    assert {f.verdict for f in findings if f not in wrong} <= {"đúng", "không kiểm tra được"}


@pytest.mark.skipif(not SHARED.exists(), reason="../shared/reference is not beside the clone")
def test_the_whole_son_la_reference_text() -> None:
    findings = audit_report(SHARED.read_bytes(), SHARED.name)
    assert [f.quote for f in findings if f.verdict == WRONG] == ["1.000/1.043 phiếu, đạt 95,6%"]


@pytest.mark.parametrize("fixture", ["son-la-2025.yaml", "son-la-2023.yaml", "phu-yen-2022.yaml",
                                     "ha-tinh-2024.yaml"])
def test_docgens_own_report_has_no_false_alarm(fixture: str) -> None:
    """Every figure docgen prints is right, so the audit of its Báo cáo and Phụ lục finds
    no wrong statement (and finds many right ones)."""
    dossier = load_dossier(ROOT / "fixtures" / fixture)
    for document in render_package(dossier, formats=["docx"], kinds=["bao_cao", "phu_luc"]):
        findings = audit_report(document.data, document.filename, dossier)
        assert [f for f in findings if f.verdict == WRONG] == []
        assert summary_counts(findings)["đúng"] >= 20


def test_a_file_of_another_kind_is_refused_in_vietnamese() -> None:
    from docgen.errors import InputError

    with pytest.raises(InputError) as caught:
        audit_report(b"x", "bao-cao.xls")
    assert "cần một báo cáo .docx, .pdf, .txt hoặc .md" in str(caught.value)
    with pytest.raises(InputError) as caught:
        audit_report(b"not a zip", "bao-cao.docx")
    assert "cần một tệp Word .docx đọc được" in str(caught.value)

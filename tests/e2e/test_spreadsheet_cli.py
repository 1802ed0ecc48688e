"""The spreadsheet commands through the real CLI: check and render warn about a sheet's
mistakes, export writes a workbook all or nothing, import prints units ready to paste."""

from __future__ import annotations

from pathlib import Path

import pytest
from extract import ROOT, SON_LA, run_cli

from docgen.model.loader import load_dossier

pytestmark = pytest.mark.e2e
THANH_HOA = ROOT / "fixtures" / "thanh-hoa-2024.yaml"
WARNINGS = [
    "Cảnh báo: fixtures/thanh-hoa-2024-diem.xlsx, trang tính 'Bảng 1', ô F8 (Ban Quản lý KKT "
    "Nghi Sơn & các KCN): bảng ghi tổng điểm 88,15; tính được 88,51",
    "Cảnh báo: fixtures/thanh-hoa-2024-diem.xlsx, trang tính 'Bảng 2', ô W19 (Huyện Lang Chánh): "
    "bảng ghi xếp hạng 13; tính được 14",
    "Cảnh báo: fixtures/thanh-hoa-2024-diem.xlsx, trang tính 'Bảng 2', ô W20 (Huyện Bá Thước): "
    "bảng ghi xếp hạng 14; tính được 13",
    "Cảnh báo: fixtures/thanh-hoa-2024-diem.xlsx, trang tính 'Bảng 2', ô X21 (Huyện Như Thanh): "
    "bảng ghi xếp loại 'TỐT'; tính được 'TRUNG BÌNH'",
]


def test_check_prints_the_sheet_warnings_and_succeeds() -> None:
    done = run_cli("check", "fixtures/thanh-hoa-2024.yaml")
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == WARNINGS
    assert "khối huyện: 16 đơn vị, điểm trung bình 84,1" in done.stdout


def test_render_warns_and_still_writes_every_document(tmp_path: Path) -> None:
    done = run_cli("render", "fixtures/thanh-hoa-2024.yaml", "-o", tmp_path, "--format", "docx")
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == WARNINGS
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bao_cao.docx", "phu_luc.docx",
                                                        "quyet_dinh.docx"]


def test_export_then_import_gives_back_the_units(tmp_path: Path) -> None:
    workbook = tmp_path / "ket-qua.xlsx"
    done = run_cli("export", SON_LA, "--xlsx", workbook)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"Đã ghi {workbook}"
    units_file = tmp_path / "units.yaml"
    done = run_cli("import", workbook, "--sheet", "khối xã", "--dossier", SON_LA, "-o", units_file)
    assert done.returncode == 0, done.stderr
    text = units_file.read_text(encoding="utf-8")
    assert text.startswith(f"# 75 đơn vị đọc từ {workbook}, trang tính 'khối xã'\nđơn vị:\n")
    # pasted in place of the block's units, the dossier computes the same figures
    original = SON_LA.read_text(encoding="utf-8")
    start = original.index("    đơn vị:\n", original.index("tên khối: khối xã"))
    end = original.index("\n\n", start)
    pasted = "\n".join("    " + line for line in text.splitlines())
    (tmp_path / "d.yaml").write_text(original[:start] + pasted + original[end:], encoding="utf-8")
    assert load_dossier(tmp_path / "d.yaml").blocks[1].units == load_dossier(SON_LA).blocks[1].units


def test_import_prints_to_stdout_with_the_default_scheme() -> None:
    done = run_cli("import", "fixtures/thanh-hoa-2024-diem.xlsx", "--sheet", "Bảng 1")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "# 10 đơn vị đọc từ fixtures/thanh-hoa-2024-diem.xlsx, trang tính 'Bảng 1'"
    assert lines[5].startswith('  - {tên đơn vị: "Ban Quản lý KKT Nghi Sơn & các KCN", '
                               "điểm thành phần: {tham_dinh: 62.48, xhh: 26.03}")


def test_import_of_a_bad_file_fails_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "units.yaml"
    done = run_cli("import", ROOT / "tests/ingest/bad/zip-bomb-lying.xlsx", "-o", out)
    assert done.returncode == 2
    assert done.stderr.startswith("Lỗi: ") and "bom giải nén" in done.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_import_names_the_sheets_when_the_sheet_is_wrong() -> None:
    done = run_cli("import", "fixtures/thanh-hoa-2024-diem.xlsx", "--sheet", "Bảng 3")
    assert done.returncode == 2
    assert "các trang tính có: 'Bảng 1', 'Bảng 2'" in done.stderr


def test_export_of_a_bad_dossier_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "d.yaml"
    text = THANH_HOA.read_text(encoding="utf-8")
    bad.write_text(text.replace("trang tính: Bảng 2", "trang tính: X"), encoding="utf-8")
    (tmp_path / "thanh-hoa-2024-diem.xlsx").write_bytes(
        (ROOT / "fixtures" / "thanh-hoa-2024-diem.xlsx").read_bytes())
    out = tmp_path / "out" / "ket-qua.xlsx"
    done = run_cli("export", bad, "--xlsx", out)
    assert done.returncode == 2
    assert "trang tính 'X': cần tên một trang tính có trong tệp" in done.stderr
    assert not (tmp_path / "out").exists()


def test_export_into_an_unwritable_place_exits_4(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    done = run_cli("export", SON_LA, "--xlsx", blocker / "ket-qua.xlsx")
    assert done.returncode == 4
    assert "không ghi được tệp" in done.stderr


def test_export_is_byte_identical_across_runs(tmp_path: Path) -> None:
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    assert run_cli("export", "fixtures/thanh-hoa-2024.yaml", "--xlsx", first).returncode == 0
    assert run_cli("export", "fixtures/thanh-hoa-2024.yaml", "--xlsx", second).returncode == 0
    assert first.read_bytes() == second.read_bytes()


def test_import_with_the_dossier_warns_about_the_sheet() -> None:
    done = run_cli("import", "fixtures/thanh-hoa-2024-diem.xlsx", "--sheet", "Bảng 2",
                   "-d", "fixtures/thanh-hoa-2024.yaml")
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == WARNINGS[1:]


def test_import_without_a_scheme_lists_the_new_lien_vuc_ready_to_paste(tmp_path: Path) -> None:
    """Bảng 2 imported with no dossier: its eight lĩnh vực get codes from their titles and
    are listed with the maxima the titles state; pasted into the scheme, with the units in
    place of the 'nguồn', the dossier computes the same totals as reading the sheet."""
    done = run_cli("import", "fixtures/thanh-hoa-2024-diem.xlsx", "--sheet", "Bảng 2")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[2] == ('#   - {mã: cong_tac_chi_dao_dieu_hanh_cchc, tên: "Công tác chỉ đạo, '
                        'điều hành CCHC", điểm tối đa: 9}')
    new_fields = [line.replace("#   - ", "    - ") for line in lines if line.startswith("#   - ")]
    assert len(new_fields) == 8
    units = [line for line in lines if line.startswith("  - ")]
    text = THANH_HOA.read_text(encoding="utf-8")
    start = text.index("  lĩnh vực:\n")
    end = text.index("  xếp loại:\n")
    text = text[:start] + "  lĩnh vực:\n" + "\n".join(new_fields) + "\n" + text[end:]
    text = text.replace("    nguồn: {tệp: thanh-hoa-2024-diem.xlsx, trang tính: Bảng 2}",
                        "    đơn vị:\n" + "\n".join("  " + u for u in units))
    (tmp_path / "thanh-hoa-2024-diem.xlsx").write_bytes(  # Bảng 1 is still read from it
        (ROOT / "fixtures" / "thanh-hoa-2024-diem.xlsx").read_bytes())
    (tmp_path / "d.yaml").write_text(text, encoding="utf-8")
    pasted, original = load_dossier(tmp_path / "d.yaml"), load_dossier(THANH_HOA)
    assert [sum(u.scores.values()) for u in pasted.blocks[1].units] == \
        [sum(u.scores.values()) for u in original.blocks[1].units]
    assert [f.max for f in pasted.scheme.fields] == [f.max for f in original.scheme.fields]

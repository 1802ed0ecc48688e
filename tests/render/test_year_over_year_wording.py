"""The Báo cáo's clauses on last year's figures, which the context words, where nothing
moved: a round compared with itself (the fixtures' real comparisons are in the golden
files)."""

from __future__ import annotations

from pathlib import Path

import pytest
from extract import docx_text

from docgen.model.loader import load_dossier
from docgen.pipeline import render_package

SON_LA_2025 = Path(__file__).resolve().parents[2] / "fixtures" / "son-la-2025.yaml"


@pytest.fixture(scope="module")
def lines() -> list[str]:
    (report,) = render_package(load_dossier(SON_LA_2025), formats=("docx",),
                               kinds=["bao_cao"], previous=load_dossier(SON_LA_2025))
    return docx_text(report.data).splitlines()


def test_figures_that_did_not_move_are_the_same_as_last_year(lines: list[str]) -> None:
    average = next(line for line in lines if line.startswith("Tổng điểm trung bình của các sở"))
    assert average == ("Tổng điểm trung bình của các sở đạt: 90,82/100 điểm, bằng năm 2025, "
                       "cụ thể như sau (Biểu số 1, Biểu đồ 1):")
    gap = next(line for line in lines if line.startswith("- Đơn vị đạt điểm cao nhất: Sở"))
    assert "khoảng cách giữa điểm cao nhất và thấp nhất là 14,01 điểm (bằng năm 2025);" in gap
    band = next(line for line in lines if line.startswith("- Mức TỐT"))
    assert "có 07/15 đơn vị chiếm tỷ lệ 46,67%, bằng năm 2025 (Sở Công Thương," in band


def test_no_unit_moved_and_all_kept_their_place(lines: list[str]) -> None:
    moves = [line for line in lines if "so với năm 2025" in line and line.startswith("- ")]
    rose, fell, up, kept, down = moves[:5]  # khối sở
    assert [rose, fell, up, down] == [
        f"- Không có đơn vị nào {verb} so với năm 2025."
        for verb in ("tăng điểm", "giảm điểm", "tăng bậc", "giảm bậc")]
    assert kept.startswith("- Có 15 đơn vị giữ bậc so với năm 2025: Sở Xây dựng, ")
    assert "trong đó" not in kept and kept.endswith("Du lịch.")

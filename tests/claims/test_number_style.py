"""The checker reads figures in the documents' number style (README, "Number style"):
trailing zeros dropped in prose ("30/100 điểm", "80%", "57,9/100"), and still finds a
figure that is wrong."""

from __future__ import annotations

import pytest
from extract import PHU_YEN, ROOT

from docgen.claims.facts import Facts
from docgen.claims.statements import RIGHT, WRONG, Passage, check_passages
from docgen.compute.results import compute_round
from docgen.model.loader import load_dossier

SON_LA_2022 = ROOT / "fixtures" / "son-la-2022.yaml"


def _verdicts(path, text: str) -> list[tuple[str, str]]:
    dossier = load_dossier(path)
    facts = Facts.of(dossier, compute_round(dossier))
    heading = Passage("1. Đối với khối xã, thị trấn" if path == PHU_YEN else
                      "1. Đối với khối sở", "mục 1", heading=True)
    findings = check_passages([heading, Passage(text, "đoạn 1")], facts)
    return [(f.kind, f.verdict) for f in findings]


@pytest.mark.parametrize(("text", "verdict"), [
    ("Đơn vị đạt điểm thấp nhất: Huy Tường (30/100 điểm).", RIGHT),  # 30,00 computed
    ("Đơn vị đạt điểm thấp nhất: Huy Tường (30,00/100 điểm).", RIGHT),
    ("Đơn vị đạt điểm thấp nhất: Huy Tường (31/100 điểm).", WRONG),
    ("Đơn vị đạt điểm thấp nhất: Huy Tường (30,5/100 điểm).", WRONG),
])
def test_a_score_without_its_zeros_is_read_and_a_wrong_one_is_found(text, verdict) -> None:
    assert _verdicts(PHU_YEN, text) == [("đơn vị thấp nhất", verdict)]


@pytest.mark.parametrize(("text", "verdict"), [
    ("Tổng điểm trung bình của các xã đạt: 57,9/100 điểm.", RIGHT),  # 57,90 computed
    ("Tổng điểm trung bình của các xã đạt: 57,8/100 điểm.", WRONG),
])
def test_an_average_with_one_zero_dropped(text, verdict) -> None:
    assert _verdicts(PHU_YEN, text) == [("điểm trung bình", verdict)]


@pytest.mark.parametrize(("share", "verdict"), [("80%", RIGHT), ("80,00%", RIGHT),
                                                ("85%", WRONG), ("8%", WRONG)])
def test_a_whole_percentage_is_read(share: str, verdict: str) -> None:
    text = ("Nhóm A tương ứng với kết quả Chỉ số CCHC đạt từ 90 điểm trở lên: có 16/20 đơn vị "
            f"chiếm tỷ lệ {share}.")
    assert ("phân số và phần trăm", verdict) in _verdicts(SON_LA_2022, text)

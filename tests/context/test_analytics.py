"""Context of the report analytics: numbering of Biểu and Biểu đồ, the lines' values as
text, and charts that fit the block (one bar per unit, or a distribution)."""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

import pytest

from docgen.compute.results import compute_round
from docgen.context.analytics import MAX_BARS
from docgen.context.builder import build_context
from docgen.model.dossier import Dossier
from docgen.model.loader import load_dossier
from docgen.pipeline import compare_with_previous

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def context_of(dossier: Dossier, previous: Dossier | None = None) -> dict:
    result = compute_round(dossier)
    return build_context(dossier, result, draft=True,
                         comparison=compare_with_previous(dossier, result, previous))


@pytest.fixture(scope="module")
def son_la_2023():
    return context_of(load_dossier(FIXTURES / "son-la-2023.yaml"))


def test_tables_and_charts_are_numbered_in_document_order(son_la_2023):
    so, huyen = son_la_2023["blocks"]
    assert [so["table_number"], so["field_table"]["number"], huyen["table_number"],
            huyen["field_table"]["number"]] == ["1", "2", "3", "4"]
    numbers = [b["charts"][k]["number"] for b in (so, huyen)
               for k in ("ranking", "compare", "fields")]
    assert numbers == ["1", "2", "3", "4", "5", "6"]
    assert so["letters"] == {"general": "a", "compare": "b", "fields": "c"}


def test_field_lines(son_la_2023):
    impact = son_la_2023["blocks"][0]["field_stats"][7]
    assert impact == {
        "number": "8", "name": "Tác động của cải cách hành chính đến người dân, tổ chức",
        "max": "10,5", "average": "9,67", "percent": "92,1%",
        "best_names": "Ban Dân tộc tỉnh, Ban Quản lý các khu công nghiệp tỉnh",
        "best_score": "10,5", "best_tied": True,
        "worst_names": "Sở Tài nguyên và Môi trường", "worst_score": "8,84",
        "worst_tied": False, "self_average": "10"}


def test_year_over_year_values(son_la_2023):
    so = son_la_2023["blocks"][0]
    cmp = so["comparison"]
    assert (cmp["previous_year"], cmp["average_direction"], cmp["average_change"]) == (
        "2022", "down", "5,22")
    assert (cmp["up"]["count"], cmp["up"]["top_names"], cmp["up"]["top_amount"]) == (
        "06", "Sở Kế hoạch và Đầu tư", "08")
    assert (cmp["rose"]["single"], cmp["rose"]["top_amount"]) == (True, "0,15")
    assert cmp["new"] == {"count": "01", "any": True,
                          "names": "Ban Quản lý các khu công nghiệp tỉnh"}
    # Nhóm C: one unit in 2022, none now
    assert so["bands"][2]["empty"] is True
    assert so["bands"][2]["change"] == {"known": True, "direction": "down", "amount": "01",
                                        "previous_count": "01"}


def test_field_table_rows_pair_self_assessment_and_appraisal(son_la_2023):
    table = son_la_2023["blocks"][0]["field_table"]
    assert table["has_self"] and table["lead"] == [True]
    first, second = table["rows"][:2]
    # the TĐG line carries rank and band too: the template merges them over both lines
    assert (first["index"], first["name"], first["kind"], first["rank"], first["band"]) == (
        "1", "Sở Giao thông vận tải", "self", "1", "A")
    assert (second["index"], second["name"], second["kind"], second["total"], second["rank"],
            second["band"]) == ("", "", "appraised", "95,44", "1", "A")
    averages = table["rows"][-2:]
    assert [(r["kind"], r["average"], r["total"]) for r in averages] == [
        ("self", True, "88,16"), ("appraised", True, "85,97")]
    assert len(table["groups"]) == 21 and all(len(g) == 2 for g in table["groups"])


def test_ninety_units_get_one_bar_each():
    context = context_of(load_dossier(FIXTURES / "son-la-2025.yaml"))
    so, xa = context["blocks"]
    assert (so["charts"]["ranking"]["kind"], len(so["charts"]["ranking"]["labels"])) == (
        "bars", 15)
    assert (xa["charts"]["ranking"]["kind"], len(xa["charts"]["ranking"]["values"])) == (
        "bars", 75)
    assert so["comparison"] is None and so["field_table"] is None
    assert so["letters"] == {"general": "", "compare": "", "fields": ""}


def big_block(size: int, year: int, seed: int) -> Dossier:
    """The Sơn La 2025 dossier with one block of `size` communes, totals only."""
    base = load_dossier(FIXTURES / "son-la-2025.yaml")
    rng = random.Random(seed)
    block = base.blocks[1].model_dump(exclude={"units"})
    block["units"] = [{"name": f"Xã số {i}", "total": Decimal(rng.randint(5000, 9999)) / 100}
                      for i in range(1, size + 1)]
    data = base.model_dump()
    data.update(blocks=[block], year=year)
    return Dossier.model_validate(data)


def test_3321_units_get_a_distribution_and_a_scatter_plot():
    current, previous = big_block(3321, 2025, 1), big_block(3321, 2024, 2)
    block = context_of(current, previous)["blocks"][0]
    ranking, compare = block["charts"]["ranking"], block["charts"]["compare"]
    assert 3321 > MAX_BARS
    assert (ranking["kind"], compare["kind"]) == ("histogram", "scatter")
    counts = [[int(c) for c in row] for row in ranking["counts"]]
    assert sum(map(sum, counts)) == 3321
    # per band, the histogram counts the units the text counts
    assert [sum(row) for row in counts] == [int(b["count"].replace(".", ""))
                                            for b in block["bands"]]
    assert len(ranking["edges"]) == len(counts[0]) + 1
    assert len(compare["values"]) == 3321  # every commune is in both rounds
